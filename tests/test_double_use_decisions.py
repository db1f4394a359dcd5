"""A token used twice is never resolved silently (issue 21): the node signs a record of it, the
tally counts none of its ballots until an authority-signed decision names one or none, the
verifier checks the decisions; the same ballot bytes delivered twice are one ballot, no double use.
"""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from centralhelp import batches, close_station, make_kiosk, not_counted, post, running_node, tally_node, vote
from kiosk.contract.sealed_batch import build_batch, encode_batch, parse_batch
from kiosk.contract.double_use import DECISIONS_FILE, RECORDS_DIR, load_decisions, read_record
from kiosk.contract.keys import load_signing_key
from kiosk.errors import KioskError
from kiosk.station.datadir import DataDir
from sync.central.cli import main as central_main
from sync.central.verify import verify_node


def decide(central, ref_hex: str, *which: str, reason: str = "paper record found") -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = central_main(["double-use", "decide", "--election", str(central.directory), "--token", ref_hex,
                             *which, "--reason", reason])
    return code, out.getvalue()


@pytest.fixture
def doubled(central, tmp_path):
    """Token 0 cast at S-0001 and at S-0002, both closed and delivered: (node, a's leaf, b's leaf)."""
    a = make_kiosk(central, tmp_path / "a", station="S-0001")
    b = make_kiosk(central, tmp_path / "b", station="S-0002")
    vote(a, central.official[:10], central.election)
    vote(b, central.official[10:20] + [central.official[0]], central.election)
    close_station(a)
    close_station(b)
    with running_node(central, tmp_path / "n1") as (node, server):
        assert post(server, batches(a)[0], central).double_use == 0
        assert post(server, batches(b)[0], central).double_use == 1
        (ref, leaves), = node.store.double_uses().items()
        yield node, ref, leaves


def test_the_node_signs_a_record_of_the_double_use(central, doubled):
    node, ref, leaves = doubled
    path = node.data_dir / RECORDS_DIR / "official" / f"{ref.hex()}.json"
    body = read_record(path, node.key.verify_key)
    assert body["token_ref_hex"] == ref.hex() and body["node_id"] == "n1"
    assert [b["ballot_id_hex"] for b in body["ballots"]] == [leaf.ballot.ballot_id.hex() for leaf in leaves]
    assert "serial" not in json.dumps(body)
    envelope = json.loads(path.read_text())
    envelope["body"]["ballots"].pop()  # a record with a ballot taken away no longer verifies
    path.write_text(json.dumps(envelope))
    with pytest.raises(KioskError):
        read_record(path, node.key.verify_key)


def test_no_hash_order_counts_one_until_staff_decide(central, doubled):
    node, ref, leaves = doubled
    excluded, double = not_counted(node)
    assert excluded == {leaf.index for leaf in leaves}  # both set aside: no leaf hash wins
    assert double[0]["decided"] is False and double[0]["counted"] is None
    assert any("until central staff decide" in n.detail for n in verify_node(node).notes)

    code, said = decide(central, ref.hex(), "--count", leaves[1].ballot.ballot_id.hex())
    assert code == 0 and "counts" in said
    excluded, double = not_counted(node)
    assert excluded == {leaves[0].index} and double[0]["counted"] == leaves[1].ballot.ballot_id.hex()
    report = verify_node(node)
    assert report.ok and any("decided" in n.detail for n in report.notes)

    code, said = decide(central, ref.hex(), "--neither")  # a decision is final
    assert code != 0 and "already decided" in said


def test_neither_counts_none(central, doubled, tmp_path):
    node, ref, leaves = doubled
    assert decide(central, ref.hex(), "--neither", reason="no paper record of either")[0] == 0
    excluded, double = not_counted(node)
    assert excluded == {leaf.index for leaf in leaves} and double[0]["decided"]
    report = tally_node(central, node, tmp_path / "partials")
    assert report.ok, report.findings
    assert report.to_json()["ballots_counted"] == 19


def test_the_verifier_checks_every_decision(central, doubled):
    node, ref, leaves = doubled
    assert decide(central, ref.hex(), "--count", "ab" * 16)[0] == 0  # not a ballot of this token
    assert decide(central, "cd" * 32, "--neither")[0] == 0  # not a double use on the board
    found = [p.detail for p in verify_node(node).problems]
    assert any("not one of its ballots" in d for d in found) and any("does not hold" in d for d in found)
    path = central.directory / DECISIONS_FILE
    envelope = json.loads(path.read_text())
    envelope["body"]["decisions"][0]["count_ballot_id_hex"] = leaves[0].ballot.ballot_id.hex()
    path.write_text(json.dumps(envelope))  # changed without the authority's key
    assert any(p.place == DECISIONS_FILE for p in verify_node(node).problems)
    with pytest.raises(KioskError):
        load_decisions(central.directory, central.election.fingerprint_hex, node.authority)


def test_the_same_ballot_bytes_sent_again_are_no_double_use(central, tmp_path):
    a = make_kiosk(central, tmp_path / "a", station="S-0001")
    vote(a, central.official[:10], central.election)
    close_station(a)
    (first,) = batches(a)
    parsed = parse_batch(first)
    again = parsed.ballots[3]  # byte for byte, in a later batch of the same kiosk
    key_a = load_signing_key(DataDir(a).key_file)
    resent = encode_batch(build_batch(key_a, central.election.fingerprint_hex, "official", 2, parsed.header,
                                      [again], (), polls_closed=True))
    with running_node(central, tmp_path / "n1") as (node, server):
        assert post(server, first, central).verdict == "accepted"
        ack = post(server, resent, central)
        assert (ack.verdict, ack.double_use) == ("accepted", 0)
        assert not (node.data_dir / RECORDS_DIR).exists()
        excluded, double = not_counted(node)
        assert double == [] and len(excluded) == 1  # counted once
        (ref, leaves), = node.store.double_uses().items()
        assert excluded == {leaves[1].index}
        assert not any("token used" in n.detail for n in verify_node(node).notes)
