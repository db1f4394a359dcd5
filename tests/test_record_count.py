"""The count re-derived from the public record (sync/central/record_check.py): a good record checks and
gives the plain count's results; a record tampered in each of its parts fails, naming the first bad item."""

from __future__ import annotations

import copy
import json

import pytest

from counthelp import cast, count_election, every_style, roster_of, spoil
from kiosk.contract.ballot import seal_ballot
from kiosk.contract.canonical import canonical_bytes, from_b64url, parse_json
from kiosk.contract.double_use import Decision
from kiosk.contract.tally_rules import contest_results
from sync.central.count import BoardBallot, aggregates_of, ballots_of, counted_leaves
from sync.central.record_check import CountFiles, check_ballots, check_count, check_spoiled, results_json

CE = count_election()
ROSTER = roster_of(CE)


@pytest.fixture(scope="module")
def record():
    """A whole good record: board leaves, aggregates, two trustees' partials, results, two spoiled ballots."""
    plain, board, serials = cast(CE, every_style(CE, 1) | {"C013": 1, "C014": 1})
    aggregates = aggregates_of(CE.election, ballots_of(CE.election, board))
    partials = tuple((f"partials/trustee-{i}.json", p) for i, p in zip((1, 3), CE.partials(aggregates, (1, 3))))
    results = {"ballots_counted": len(board), "results": results_json(contest_results(CE.election, plain))}
    contest = CE.election.contest("G01")
    spoiled = (spoil(CE, "C001", {"G01": ["P002", "P005"]}), spoil(CE, "C002", {"G01": []}, seed=bytes(32)))
    assert contest.id == "G01"
    files = CountFiles(aggregates.to_json(), partials, results, spoiled)
    return plain, board, serials, files


def verify(board, files, decisions=None, leaves=None):
    """Every count check of the record; (problems, derived)."""
    leaves = [b.ballot.leaf() for b in board] if leaves is None else leaves
    found, good = check_ballots(CE.election, CE.key, "official", leaves, None, ROSTER)
    more, derived = check_count(CE.election, CE.key, good, decisions or {}, files,
                                all_leaves_good=not any(f.level == "problem" for f in found))
    found += more + check_spoiled(CE.election, CE.key, ROSTER, files.spoiled, good, derived)
    return [f for f in found if f.level == "problem"], derived


def test_a_good_record_re_derives_the_results_and_opens_the_spoiled_ballots(record):
    plain, board, _, files = record
    problems, derived = verify(board, files)
    assert problems == []
    assert derived.results == contest_results(CE.election, plain)
    assert [(style, contents) for _, style, contents in derived.spoiled] == [("C001", {"G01": ["P002", "P005"]}),
                                                                          ("C002", {"G01": []})]


def _first(problems):
    assert problems, "the tampered record was not caught"
    return problems[0].place, problems[0].detail


def test_a_ballot_whose_proof_fails_is_named(record):
    _, board, serials, files = record
    body = parse_json(board[3].ballot.encrypted, "ballot")
    cts = body["G01"]["ciphertexts"]
    cts[0], cts[1] = cts[1], cts[0]        # two options swapped: each proof is now of the wrong ciphertext
    bad = seal_ballot(CE.kiosks[0], CE.election, serials[3], board[3].ballot.ballot_id, board[3].ballot.style,
                      canonical_bytes(body))
    tampered = board[:3] + [BoardBallot(3, board[3].kiosk_key_hex, bad)] + board[4:]
    place, detail = _first(verify(tampered, files)[0])
    assert place == "leaf 3" and f"ballot {bad.ballot_id.hex()}" in detail and "G01" in detail


def test_a_leaf_altered_on_the_board_is_named(record):
    _, board, _, files = record
    leaves = [b.ballot.leaf() for b in board]
    value = json.loads(leaves[5])
    value["style"] = "C007"
    leaves[5] = canonical_bytes(value)
    place, detail = _first(verify(board, files, leaves=leaves)[0])
    assert place == "leaf 5" and "no kiosk on the roster" in detail
    leaves[5] = b"junk"
    assert _first(verify(board, files, leaves=leaves)[0])[0] == "leaf 5"


@pytest.mark.parametrize("how", ["swap", "count", "drop", "extra", "election"])
def test_tampered_aggregates_are_named(record, how):
    _, board, _, files = record
    agg = copy.deepcopy(files.aggregates)
    items = agg["aggregates"]
    if how == "swap":
        items[0]["ciphertext"], items[1]["ciphertext"] = items[1]["ciphertext"], items[0]["ciphertext"]
    elif how == "count":
        items[2]["ballots"] += 1
    elif how == "drop":
        items.pop()
    elif how == "extra":
        items.append(dict(items[0], contest="G02"))
    else:
        agg["election"] = "other"
    place, detail = _first(verify(board, CountFiles(agg, files.partials, files.results, files.spoiled))[0])
    assert place == "aggregates.json"
    if how in ("swap", "count"):
        n = 1 if how == "swap" else 3
        assert detail.startswith(f"aggregate {n} ({items[n - 1]['contest']}/{items[n - 1]['option']}) is not the sum")


def test_a_wrong_partial_is_named_by_file_and_trustee(record):
    _, board, _, files = record
    name, body = files.partials[1]
    bad = copy.deepcopy(body)
    bad["shares"][7] = files.partials[0][1]["shares"][7]
    place, detail = _first(verify(board, CountFiles(files.aggregates, (files.partials[0], (name, bad)),
                                                    files.results, files.spoiled))[0])
    assert place == name and "trustee 3's decryption share of aggregate 8" in detail
    place, detail = _first(verify(board, CountFiles(files.aggregates, files.partials[:1], files.results,
                                                    files.spoiled))[0])
    assert place == "partial decryptions" and "2 are needed" in detail


def test_published_results_that_differ_are_named(record):
    _, board, _, files = record
    results = copy.deepcopy(files.results)
    option = results["results"][0]["options"][4]
    option["likes"] += 1
    place, detail = _first(verify(board, CountFiles(files.aggregates, files.partials, results, files.spoiled))[0])
    assert place == "results.json" and f"contest G01 option {option['option']}: likes" in detail
    results = dict(files.results, ballots_counted=files.results["ballots_counted"] - 1)
    assert "ballots counted" in _first(verify(board, CountFiles(files.aggregates, files.partials, results,
                                                                files.spoiled))[0])[1]


def test_a_spoiled_ballot_with_a_wrong_seed_or_also_on_the_board_is_named(record):
    _, board, _, files = record
    entry = json.loads(files.spoiled[0])
    entry["nonce_seed_b64"] = json.loads(files.spoiled[1])["nonce_seed_b64"]
    place, detail = _first(verify(board, CountFiles(files.aggregates, files.partials, files.results,
                                                    (canonical_bytes(entry),)))[0])
    assert place == "spoiled ballot 1" and "not an encryption with this seed" in detail
    on_board = canonical_bytes({"ballot": board[0].ballot.to_json(), "nonce_seed_b64": entry["nonce_seed_b64"]})
    place, detail = _first(verify(board, CountFiles(files.aggregates, files.partials, files.results,
                                                    (on_board,)))[0])
    assert place == "spoiled ballot 1" and "also on the board" in detail
    assert len(from_b64url(entry["nonce_seed_b64"], "seed")) == 32


def test_a_double_use_counted_by_the_node_without_a_decision_is_caught(record):
    _, board, serials, files = record
    _, other, _ = cast(CE, {board[0].ballot.style: 1}, seed=5, kiosk=1, start=len(board), serials=serials[:1])
    both = board + other
    # the record's aggregates count every ballot but board[0] and other[0] are one token: set aside
    problems, derived = verify(both, files)
    assert derived.double_uses[0]["decided"] is False
    # the node's aggregates (which counted board[0]) differ from the record's undecided count
    assert _first(problems)[0] == "aggregates.json"
    decision = {board[0].ballot.token_key.hex(): Decision(board[0].ballot.token_key.hex(),
                                                           board[0].ballot.ballot_id.hex(), "paper found")}
    assert counted_leaves(both, decision).ballots == board
    problems, _ = verify(both, files, decisions=decision)
    assert problems == []
