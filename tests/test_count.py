"""Format 2's count (sync/central/count.py): counted ballots, aggregates, partials checked and combined,
with no ballot decrypted; the results equal the plain count's; double uses set aside until staff decide."""

from __future__ import annotations

import pytest

from counthelp import cast, count_election, every_style, likes
from kiosk.contract.crypto.records import Aggregates
from kiosk.contract.double_use import Decision
from kiosk.contract.tally_rules import contest_results
from kiosk.errors import FormatError, ProofError
from sync.central.count import (aggregates_of, ballots_of, count_of, counted_leaves, decrypted_counts,
                                encrypted_ballots, parse_partials)

CE = count_election()


@pytest.fixture(scope="module")
def day():
    """12 ballots of every style of group 1 and 1 of group 2 (below the floor) from kiosk 0."""
    plain, board, serials = cast(CE, every_style(CE, 1) | {"C013": 1, "C014": 1})
    return plain, board, serials


def test_the_count_equals_the_plain_count_and_group_2_is_never_decrypted(day):
    plain, board, _ = day
    counted = counted_leaves(board, {})
    assert len(counted.ballots) == len(board) and not counted.double_uses
    ballots = ballots_of(CE.election, counted.ballots)
    aggregates = aggregates_of(CE.election, ballots)
    assert {c for c, _, _, _ in aggregates.items} == {"G01"}
    # the published file is what the trustees read back
    published = Aggregates.from_json(aggregates.to_json())
    assert published == aggregates
    counts = decrypted_counts(CE.key, published, parse_partials(CE.key, published, CE.partials(published)))
    count = count_of(CE.election, ballots, published, counts)
    assert count.ballots_by_style == plain.ballots_by_style
    assert count.selections["G01"] == plain.selections["G01"]
    assert contest_results(CE.election, count) == contest_results(CE.election, plain)


def test_any_two_of_three_trustees_give_the_same_counts(day):
    _, board, _ = day
    aggregates = aggregates_of(CE.election, ballots_of(CE.election, board))
    results = {pair: decrypted_counts(CE.key, aggregates, parse_partials(CE.key, aggregates, CE.partials(aggregates, pair)))
               for pair in ((1, 2), (1, 3), (2, 3), (1, 2, 3))}
    assert len(set(map(tuple, results.values()))) == 1


def test_one_trustee_alone_is_not_enough(day):
    _, board, _ = day
    aggregates = aggregates_of(CE.election, ballots_of(CE.election, board))
    with pytest.raises(ProofError, match="1 trustees decrypted, 2 are needed"):
        decrypted_counts(CE.key, aggregates, parse_partials(CE.key, aggregates, CE.partials(aggregates, (2,))))


def test_a_wrong_partial_is_refused_naming_the_trustee_and_the_aggregate(day):
    _, board, _ = day
    aggregates = aggregates_of(CE.election, ballots_of(CE.election, board))
    good = CE.partials(aggregates, (1, 2, 3))
    bad = dict(good[1], shares=list(good[1]["shares"]))
    bad["shares"][4] = good[0]["shares"][4]           # trustee 1's share passed off as trustee 2's
    with pytest.raises(ProofError, match="trustee 2's decryption share of aggregate 5") as e:
        decrypted_counts(CE.key, aggregates, parse_partials(CE.key, aggregates, [good[0], bad, good[2]]))
    assert "trustee 2" in e.value.hint
    # a partial of another aggregates file (another context) is refused too
    other = aggregates_of(CE.election, ballots_of(CE.election, board[:-3]))
    with pytest.raises(ProofError, match="trustee 1's decryption share of aggregate 1"):
        decrypted_counts(CE.key, aggregates, parse_partials(CE.key, aggregates, CE.partials(other, (1, 3))))


def test_a_partial_of_the_wrong_shape_or_twice_is_refused(day):
    _, board, _ = day
    aggregates = aggregates_of(CE.election, ballots_of(CE.election, board))
    good = CE.partials(aggregates)
    with pytest.raises(FormatError, match="expected"):
        parse_partials(CE.key, aggregates, [dict(good[0], shares=good[0]["shares"][:-1])])
    with pytest.raises(FormatError, match="two partial decryptions of trustee 1"):
        decrypted_counts(CE.key, aggregates, parse_partials(CE.key, aggregates, [good[0], good[0]]))


def test_aggregates_that_are_not_sums_of_valid_ballots_do_not_decrypt_to_a_count(day):
    _, board, _ = day
    ballots = ballots_of(CE.election, board)
    aggregates = aggregates_of(CE.election, ballots)
    c, o, ct, n = aggregates.items[0]
    from kiosk.contract.crypto.elgamal import total
    every = total(aggregates.ciphertexts)           # all the group's likes in one "aggregate" of 10 ballots
    doubled = Aggregates(aggregates.election, ((c, o, every, 10),) + aggregates.items[1:])
    with pytest.raises(ProofError, match=f"aggregate {c}/{o} does not decrypt to a count of at most 10"):
        decrypted_counts(CE.key, doubled, parse_partials(CE.key, doubled, CE.partials(doubled)))


def test_a_double_use_is_set_aside_until_decided(day):
    _, board, serials = day
    # kiosk 1 casts another ballot with board[0]'s token (both kiosks offline at once)
    _, other, _ = cast(CE, {board[0].ballot.style: 1}, seed=5, kiosk=1, start=len(board), serials=serials[:1])
    second = other[0]
    assert second.ballot.token_key == board[0].ballot.token_key
    both = board + [second]
    undecided = counted_leaves(both, {})
    assert len(undecided.ballots) == len(board) - 1 and len(undecided.undecided) == 1
    d = undecided.double_uses[0]
    assert d["ballots"] == 2 and d["counted"] is None and d["token_ref_hex"] == board[0].ballot.token_key.hex()
    assert sum(undecided.set_aside.values()) == 2
    pick = Decision(d["token_ref_hex"], second.ballot.ballot_id.hex(), "paper record found")
    decided = counted_leaves(both, {d["token_ref_hex"]: pick})
    assert second in decided.ballots and board[0] not in decided.ballots and not decided.undecided
    neither = counted_leaves(both, {d["token_ref_hex"]: Decision(d["token_ref_hex"], None, "no paper found")})
    assert len(neither.ballots) == len(board) - 1 and neither.double_uses[0]["decided"]
    # the same ballot delivered twice is one ballot, not a double use
    redelivered = counted_leaves(board + [type(board[0])(len(board), board[0].kiosk_key_hex, board[0].ballot)], {})
    assert len(redelivered.ballots) == len(board) and not redelivered.double_uses


def test_store_rows_parse_into_encrypted_ballots(day):
    _, board, _ = day
    rows = [(b.ballot.style, b.ballot.ballot_id.hex(), b.ballot.encrypted) for b in board]
    assert encrypted_ballots(CE.election, rows) == ballots_of(CE.election, board)
    assert likes(count_of(CE.election, encrypted_ballots(CE.election, rows), *_decrypt(board)))


def _decrypt(board):
    ballots = ballots_of(CE.election, board)
    aggregates = aggregates_of(CE.election, ballots)
    return aggregates, decrypted_counts(CE.key, aggregates, parse_partials(CE.key, aggregates, CE.partials(aggregates)))
