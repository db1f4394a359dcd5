"""The standalone verifier (``kiosk-central verify --from``) against a real node on loopback."""

from __future__ import annotations

import json
import shutil

import pytest

from centralhelp import NOW, batches, post, running_node, serial_of, signed_batch
from kiosk.contract.board_checkpoint import parse_checkpoint, sign_checkpoint
from kiosk.contract.package import copy_public
from kiosk.station.reports import Code
from kiosk.contract.roster import ROSTER_FILE
from kiosk.station.station import Station
from kiosk.station.station_reports import report_of
from sync.central.cli import main
from sync.central.observer_export import CHECKPOINT_FILE, LEAVES_FILE
from synchelp import kiosk_with_batches


def closing_payload(root) -> str:
    """The signed QR payload of the kiosk's results tape (what a photo of it gives)."""
    with Station.open(root) as s:
        report = report_of(s, "results_tape", NOW + 700, "en")
    return next(b.payload for b in report.blocks if isinstance(b, Code))


def observer_package(central, target):
    """The public files only: what an observer gets (no authority key, no trustee shares)."""
    copy_public(central.directory, target)
    shutil.copy2(central.directory / ROSTER_FILE, target / ROSTER_FILE)
    return target


def run(capsys, *argv) -> tuple[int, str]:
    code = main(["verify", *map(str, argv)])
    return code, capsys.readouterr().out


@pytest.fixture
def filled(central, tmp_path):
    """A node filled with two kiosks' real batches; yields (server url, package, closing file, node data)."""
    k1 = kiosk_with_batches(central, tmp_path / "k1", sizes=(7, 5), station="S-0001")
    k2 = kiosk_with_batches(central, tmp_path / "k2", sizes=(4,), station="S-0002", first_token=12)
    closing = tmp_path / "tapes.txt"
    closing.write_text(closing_payload(k1) + "\n\n" + closing_payload(k2) + "\n")
    with running_node(central, tmp_path / "n1") as (node, server):
        for body in batches(k1) + batches(k2):
            post(server, body, central)
        yield server.url, observer_package(central, tmp_path / "public"), closing, tmp_path / "n1", k1


def test_a_clean_board_verifies_by_url_and_from_an_export(filled, central, tmp_path, capsys):
    url, package, closing, data, _ = filled
    code, out = run(capsys, "--from", url, "--election", package, "--closing", closing)
    assert code == 0, out
    assert "problem" not in out and "ok: board root: recomputed from all 16 leaves" in out
    assert out.count("ok: closing tapes.txt") == 2
    assert main(["board", "export", "--data", str(data), "--election", str(central.directory),
                 "--out", str(tmp_path / "dump")]) == 0
    capsys.readouterr()
    code, out = run(capsys, "--from", tmp_path / "dump", "--election", package, "--closing", closing, "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"], out
    assert {c["place"] for c in report["checks"]} >= {"package", "roll", "roster", "checkpoint", "board root",
                                                     "cosignatures", "ballots"}


def export(filled, central, tmp_path, capsys):
    _, package, closing, data, _ = filled
    dump = tmp_path / "dump"
    assert main(["board", "export", "--data", str(data), "--election", str(central.directory), "--out", str(dump)]) == 0
    capsys.readouterr()
    return dump, package, closing


def test_a_tampered_leaf_in_the_export_is_caught_and_named(filled, central, tmp_path, capsys):
    dump, package, _ = export(filled, central, tmp_path, capsys)
    leaves = (dump / LEAVES_FILE).read_bytes().splitlines()
    leaf = json.loads(leaves[5])
    leaf["style"] = "S-0002" if leaf["style"] != "S-0002" else "S-0003"
    leaves[5] = json.dumps(leaf, sort_keys=True, separators=(",", ":")).encode()
    (dump / LEAVES_FILE).write_bytes(b"".join(x + b"\n" for x in leaves))
    code, out = run(capsys, "--from", dump, "--election", package)
    assert code == 1
    assert "problem: board root: the Merkle root recomputed from the 16 leaves is not the checkpoint's root" in out
    assert "problem: leaf 5: not a format-2 sealed ballot: leaf 5: ballot style 'S-0002' is not in this election" in out


def test_a_wrong_checkpoint_root_is_caught(filled, central, tmp_path, capsys):
    dump, package, _ = export(filled, central, tmp_path, capsys)
    cp = parse_checkpoint((dump / CHECKPOINT_FILE).read_bytes(), None, None)
    # signed by the right key over another root: only the leaves show it is wrong
    forged = sign_checkpoint(central.node_keys["n1"], cp.origin, cp.tree_size, bytes(32))
    (dump / CHECKPOINT_FILE).write_bytes(forged)
    code, out = run(capsys, "--from", dump, "--election", package)
    assert code == 1 and "problem: board root:" in out
    # and over the right root by another key: the signature is what fails
    (dump / CHECKPOINT_FILE).write_bytes(sign_checkpoint(central.node_keys["n2"], cp.origin, cp.tree_size, cp.root))
    code, out = run(capsys, "--from", dump, "--election", package)
    assert code == 1 and "problem: checkpoint:" in out and "not signed by" in out


def test_a_leaf_not_on_the_roll_and_a_double_use_are_named(central, tmp_path, capsys):
    k = kiosk_with_batches(central, tmp_path / "k", sizes=(3,), close=False)
    election = central.election
    style = central.official[40][0]
    rogue = signed_batch(k, election, [(style, bytes(16))], number=2, previous=None)
    with running_node(central, tmp_path / "n1") as (node, server):
        for body in batches(k):
            post(server, body, central)
        post(server, rogue, central)  # the node refuses it: the board stays clean
        code, out = run(capsys, "--from", server.url, "--election", observer_package(central, tmp_path / "p"))
    assert code == 0, out
    # a node that logged it anyway (or an export edited to hold it) is caught by the observer
    dump = tmp_path / "dump"
    assert main(["board", "export", "--data", str(tmp_path / "n1"), "--election", str(central.directory),
                 "--out", str(dump)]) == 0
    from kiosk.contract.sealed_batch import parse_batch

    extra = [b.leaf() for b in parse_batch(rogue).ballots]
    again = (dump / LEAVES_FILE).read_bytes().splitlines()[:1]
    leaves = (dump / LEAVES_FILE).read_bytes().splitlines() + extra + again
    (dump / LEAVES_FILE).write_bytes(b"".join(x + b"\n" for x in leaves))
    from kiosk.contract.merkle import leaf_hash, root_from_leaf_hashes

    cp = parse_checkpoint((dump / CHECKPOINT_FILE).read_bytes(), None, None)
    size, root = root_from_leaf_hashes([leaf_hash(x) for x in leaves])
    (dump / CHECKPOINT_FILE).write_bytes(sign_checkpoint(central.node_keys["n1"], cp.origin, size, root))
    (dump / "cosigned.txt").unlink()
    capsys.readouterr()
    code, out = run(capsys, "--from", dump, "--election", tmp_path / "p")
    assert code == 1
    assert "ok: board root" in out
    assert "problem: leaf 3: ballot " in out and "its token key is not on the roll" in out
    assert "token key" not in out.replace("its token key", "")  # leaf 0's bytes again: one ballot, no double use
    assert serial_of(central.official[0][1]).hex() not in out  # nothing secret is printed


def test_a_closing_statement_whose_count_does_not_match_is_caught(filled, central, tmp_path, capsys):
    url, package, closing, _, k1 = filled
    lines = closing.read_text().split()
    other = tmp_path / "other.txt"
    other.write_text(lines[0] + "\n" + lines[0] + "\n")
    # the node lost a batch of kiosk 1: drop its 5 leaves from an export
    dump, package, _ = export(filled, central, tmp_path, capsys)
    leaves = (dump / LEAVES_FILE).read_bytes().splitlines()
    kept = leaves[:7] + leaves[12:]
    (dump / LEAVES_FILE).write_bytes(b"".join(x + b"\n" for x in kept))
    from kiosk.contract.merkle import leaf_hash, root_from_leaf_hashes

    cp = parse_checkpoint((dump / CHECKPOINT_FILE).read_bytes(), None, None)
    size, root = root_from_leaf_hashes([leaf_hash(x) for x in kept])
    (dump / CHECKPOINT_FILE).write_bytes(sign_checkpoint(central.node_keys["n1"], cp.origin, size, root))
    (dump / "cosigned.txt").unlink()
    code, out = run(capsys, "--from", dump, "--election", package, "--closing", closing)
    assert code == 1
    assert "problem: closing tapes.txt line 1 (station S-0001" in out
    assert "12 ballots on the tape, 7 on the board from that kiosk" in out
    assert "ok: closing tapes.txt line 3 (station S-0002" in out


def test_usage_and_input_errors_exit_2_and_an_unreachable_node_4(central, tmp_path, capsys):
    assert main(["verify", "--election", str(central.directory)]) == 2
    assert main(["verify", "--from", str(tmp_path / "nowhere"), "--election", str(central.directory)]) == 2
    assert main(["verify", "--from", "http://127.0.0.1:9", "--election", str(central.directory)]) == 4
    (tmp_path / "empty").mkdir()
    assert main(["verify", "--from", str(tmp_path / "empty"), "--election", str(central.directory)]) == 2
    assert main(["verify", "--from", str(tmp_path / "empty"), "--data", str(tmp_path),
                 "--election", str(central.directory)]) == 2


def test_cosignatures_reaching_the_quorum_are_shown_and_a_forged_one_is_caught(filled, central, tmp_path, capsys):
    import httpx

    from kiosk.contract.board_checkpoint import cosign, witness_name

    url, package, _, _, _ = filled
    note = httpx.get(url + "/v1/board/checkpoint").content
    cp = parse_checkpoint(note, None, None)
    name = witness_name(central.election.fingerprint_hex, "n2")
    cosigned = cosign(cp, central.node_keys["n2"], name)
    assert httpx.post(url + "/v1/board/cosignatures", content=cosigned.note()).json() == {"kept": 1}
    code, out = run(capsys, "--from", url, "--election", package)
    assert code == 0 and "ok: cosignatures: the tree of 16 leaves carries 2 of 3 nodes' signatures, quorum 2" in out
    dump, package, _ = export(filled, central, tmp_path, capsys)
    forged = cosign(cp, central.node_keys["n1"], witness_name(central.election.fingerprint_hex, "n3"))
    (dump / "cosigned.txt").write_bytes(forged.note())
    code, out = run(capsys, "--from", dump, "--election", package)
    assert code == 1 and "problem: cosignatures: node n3's cosignature does not verify with its key" in out



def test_a_token_spent_at_two_kiosks_is_flagged_from_the_published_board(central, tmp_path, capsys):
    from centralhelp import close_station, make_kiosk, vote

    shared = central.official[0]
    a = make_kiosk(central, tmp_path / "a", station="S-0001")
    b = make_kiosk(central, tmp_path / "b", station="S-0002")
    vote(a, [shared] + central.official[1:4], central.election)  # both offline: each kiosk accepts it
    vote(b, [shared] + central.official[4:6], central.election)
    close_station(a)
    close_station(b)
    with running_node(central, tmp_path / "n1") as (node, server):
        for body in batches(a) + batches(b):
            post(server, body, central)  # the node keeps both and flags the double use
        code, out = run(capsys, "--from", server.url, "--election", observer_package(central, tmp_path / "p"))
    assert code == 0, out  # flagged, never hidden, and not a failure: none counted until staff decide
    assert "ok: board root: recomputed from all 7 leaves" in out
    assert "used for 2 ballots at kiosks" in out and "undecided: none counted" in out and "problem:" not in out
