"""Format 2 end to end on a real node: batches of encrypted ballots accepted, the tally in two steps by
the commands (aggregates, each trustee's decrypt, the combination), a double use decided, the record
exported and re-derived by the standalone verifier from the folder and from the URL, a tampered record
of each kind refused naming the first bad item, a checked ballot opened from its QR."""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter

import httpx
import pytest

from centralhelp import make_kiosk, post, running_node, serial_of
from kiosk.app.cliutil import call
from kiosk.contract.ballot import seal_ballot
from kiosk.contract.sealed_batch import SpoiledBallot, build_batch, encode_batch
from kiosk.contract.crypto.encrypted_ballot import ballot_bytes, encrypt_ballot
from kiosk.contract.keys import load_signing_key
from kiosk.contract.spoiled_qr import spoiled_qr
from kiosk.station.datadir import DataDir
from storehelp import choices
from sync.central.cli import main as central_main


def sealed(central, key, style, payload, likes, ballot_id=None, seed=None):
    election, ballot_id, seed = central.election, ballot_id or os.urandom(16), seed or os.urandom(32)
    chosen = choices(election, style, likes)
    encrypted = encrypt_ballot(election.election_public_key, election, style, ballot_id.hex(), chosen, seed)
    return seal_ballot(key, election, serial_of(payload), ballot_id, style, ballot_bytes(encrypted)), chosen, seed


def cli(*argv):
    return call(central_main, *argv)


@pytest.fixture
def day(central, tmp_path):
    """Two stations, group 1's twelve communities once each, one double use, one checked ballot; closed."""
    c = central
    roots = [make_kiosk(c, tmp_path / "a", station="S-0001"), make_kiosk(c, tmp_path / "b", station="S-0002")]
    keys = [load_signing_key(DataDir(r).key_file) for r in roots]
    by_style = {}
    for style, payload in c.official:
        by_style.setdefault(style, []).append(payload)
    plan = [(0 if i < 6 else 1, f"C{i + 1:03d}", by_style[f"C{i + 1:03d}"][0], 1 + i % 5) for i in range(12)]
    ballots, likes = {0: [], 1: []}, Counter()
    for kiosk, style, payload, n in plan:
        ballot, chosen, _ = sealed(c, keys[kiosk], style, payload, n)
        ballots[kiosk].append(ballot)
        likes.update(chosen["G01"])
    # kiosk b casts again with C001's token (two kiosks offline at once): a double use
    again, again_chosen, _ = sealed(c, keys[1], "C001", by_style["C001"][0], 4)
    ballots[1].append(again)
    checked, _, seed = sealed(c, keys[0], "C002", by_style["C002"][1], 3)
    batches = [build_batch(keys[k], c.election.fingerprint_hex, "official", 1, None, ballots[k],
                           [SpoiledBallot(checked, seed)] if k == 0 else [], True) for k in (0, 1)]
    data = tmp_path / "n1"
    with running_node(c, data) as (node, server):
        for b in batches:
            ack = post(server, encode_batch(b), c)
            assert ack.verdict == "accepted", ack.reason
    secrets = tmp_path / "trustees"
    for i in (1, 2, 3):
        c.ceremony.write_secret(secrets / f"t{i}", i)
    (secrets / "election-key.json").write_text(json.dumps(c.ceremony.record))
    return {"central": c, "data": data, "tmp": tmp_path, "likes": likes, "first": ballots[0][0], "again": again,
            "again_likes": again_chosen["G01"], "checked": checked, "seed": seed, "secrets": secrets}


def node_args(d):
    return ["--data", d["data"], "--election", d["central"].directory]


def decrypt(d, trustees=(1, 3)):
    out = []
    for i in trustees:
        path = d["secrets"] / f"t{i}" / f"partial-{i}.json"
        code, text = cli("trustee", "decrypt", "--secret", d["secrets"] / f"t{i}" / f"trustee-{i}.secret.json",
                         "--election-key", d["secrets"] / "election-key.json", "--aggregates",
                         d["data"] / "record-official" / "aggregates.json", "--floor", 10, "--out", path)
        assert code == 0, text
        out.append(path)
    return out


def test_the_whole_count_of_format_2_by_the_commands(day):
    d, c = day, day["central"]
    code, text = cli("tally", *node_args(d), "--aggregates")
    assert code == 0, text
    partials = decrypt(d)
    code, text = cli("tally", *node_args(d), "--partials", *partials, "--json")
    report = json.loads(text)
    assert code == 1 and any("none of its ballots counted until central staff decide" in f for f in report["findings"])
    # central staff find the paper record of the first C001 ballot: it counts
    token = d["first"].token_key.hex()
    assert cli("double-use", "decide", "--election", c.directory, "--token", token, "--count",
               d["first"].ballot_id.hex(), "--reason", "paper record found at S-0001")[0] == 0
    code, text = cli("tally", *node_args(d), "--partials", *partials)
    assert code == 1    # the decision changed the counted ballots: the published aggregates are refused
    assert cli("tally", *node_args(d), "--aggregates")[0] == 0
    partials = decrypt(d, (2, 3))
    code, text = cli("tally", *node_args(d), "--partials", *partials, "--json", "--out", d["tmp"] / "out")
    report = json.loads(text)
    assert code == 0, report["findings"]
    g01 = next(r for r in report["results"] if r["contest"] == "G01")
    assert {o["option"]: o["likes"] for o in g01["options"] if o["likes"]} == dict(d["likes"])
    assert report["ballots_counted"] == 12 and report["double_uses"][0]["counted"] == d["first"].ballot_id.hex()

    # the record: exported, re-derived from the folder alone
    record = d["tmp"] / "record"
    code, text = cli("board", "export", *node_args(d), "--out", record)
    assert code == 0, text
    code, text = cli("verify", "--from", record, "--election", record / "election", "--workers", 1)
    assert code == 0, text
    assert "results re-derived from the record (12 ballots counted)" in text
    assert (d["tmp"] / "out" / "results.csv").read_text() in text
    code, text = cli("verify", "--from", record, "--election", record / "election", "--json", "--workers", 2)
    assert json.loads(text)["results"] == report["results"]

    # each kind of tampering fails, naming the first bad item
    def tampered(name, change):
        copy = d["tmp"] / f"bad-{name}"
        shutil.copytree(record, copy)
        change(copy)
        code, text = cli("verify", "--from", copy, "--election", copy / "election", "--json", "--workers", 1)
        problems = [x for x in json.loads(text)["checks"] if x["level"] == "problem"]
        assert code == 1 and problems, name
        return problems[0]

    def edit_json(path, fn):
        body = json.loads(path.read_text())
        fn(body)
        path.write_text(json.dumps(body))

    first = tampered("aggregates", lambda p: edit_json(p / "aggregates.json", lambda b: b["aggregates"][0].update(
        ciphertext=b["aggregates"][1]["ciphertext"])))
    assert first["place"] == "aggregates.json" and "aggregate 1" in first["detail"]
    partial = sorted((record / "partials").iterdir())[0].name
    first = tampered("partial", lambda p: edit_json(p / "partials" / partial, lambda b: b["shares"].reverse()))
    assert first["place"] == f"partials/{partial}" and "trustee" in first["detail"]
    first = tampered("results", lambda p: edit_json(p / "results.json", lambda b: b["results"][0]["options"][1].update(
        likes=99)))
    assert first["place"] == "results.json"
    first = tampered("spoiled", lambda p: (p / "spoiled.ndjson").write_text(
        (p / "spoiled.ndjson").read_text().replace(d["checked"].ballot_id.hex(), "0" * 32)))
    assert first["place"] == "spoiled ballot 1"
    # a leaf changed: the board's root no longer matches its signed checkpoint
    first = tampered("leaf", lambda p: (p / "leaves.ndjson").write_text(
        (p / "leaves.ndjson").read_text().replace('"style":"C003"', '"style":"C004"', 1)))
    assert first["place"] == "board root"

    # the observer over HTTP, and the checked ballot opened from its QR
    code_qr = spoiled_qr(c.election.tag, d["checked"].ballot_id, d["seed"])
    with running_node(c, d["data"]) as (node, server):
        code, text = cli("verify", "--from", server.url, "--election", record / "election", "--workers", 1)
        assert code == 0, text
        code, text = cli("board", "check-spoiled", code_qr, "--election", c.directory, "--from", server.url, "--json")
        assert code == 0, text
        assert json.loads(text)["contents"] == {"G01": choices(c.election, "C002", 3)["G01"]}
        page = httpx.get(server.url + "/check-spoiled", params={"code": code_qr}).text
        assert all(o in page for o in choices(c.election, "C002", 3)["G01"]) and "never counted" in page
        wrong = spoiled_qr(c.election.tag, d["checked"].ballot_id, bytes(32))
        code, text = cli("board", "check-spoiled", wrong, "--election", c.directory, "--from", server.url)
        assert code == 1


def test_the_node_verifies_its_own_format_2_store_and_names_a_removed_spoiled_ballot(day):
    """``kiosk-central verify --data``: token keys, both signatures, each batch rebuilt with its spoiled ballots."""
    import sqlite3
    d = day
    code, text = cli("verify", *node_args(d), "--json")
    report = json.loads(text)
    assert code == 0 and report["ok"], report["problems"]
    assert report["counts"]["batches"] == 2
    assert any("until central staff decide" in n["problem"] for n in report["notes"])   # the double use
    db = sqlite3.connect(next(d["data"].rglob("*.sqlite")))
    for (trigger,) in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall():
        db.execute(f"DROP TRIGGER {trigger}")   # append-only by triggers: someone with the file drops them
    db.execute("DELETE FROM spoiled")           # a checked ballot removed from the node
    db.commit()
    db.close()
    code, text = cli("verify", *node_args(d), "--json")
    problems = json.loads(text)["problems"]
    assert code == 1 and problems[0]["problem"].startswith("spoiled_root_mismatch"), problems
