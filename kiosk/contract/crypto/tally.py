"""The count of encrypted ballots: aggregates for the trustees, and a :class:`Count` from what they decrypt.

1. :func:`aggregates_for` sums, per (contest, option), the ciphertexts of the ballots that showed
   the option (:func:`.encrypted_ballot.aggregate_ballots`), but only for contests whose counts may
   be shown (:func:`kiosk.contract.tally_rules.counts_shown`: every option on at least k ballots).
   A contest below the privacy floor is never aggregated, so never decrypted, not merely hidden.
   Ballot styles are public, so the ballot counts per style and per contest are known without
   decrypting anything.
2. The trustees decrypt the :class:`.records.Aggregates` (each refuses an aggregate of fewer than
   k ballots), anyone combines k of them (:func:`.threshold.combine`) and reads the counts.
3. :func:`count_from_results` fills the :class:`Count` that the results, tapes and reports
   already take (likes per option; the Ttabok participation bonus follows from the styles).
"""

from __future__ import annotations

from collections import Counter

from kiosk.contract.crypto.encrypted_ballot import EncryptedBallot, aggregate_ballots
from kiosk.contract.crypto.records import Aggregates
from kiosk.contract.election import Election
from kiosk.contract.tally_rules import Count, counts_shown


def public_count(election: Election, ballots: list[EncryptedBallot]) -> Count:
    """Ballots per style and per contest: all that the count knows before any decryption."""
    count = Count()
    for ballot in ballots:
        count.ballots_by_style[ballot.style] += 1
        for cid, _ in ballot.contests:
            count.ballots_by_contest[cid] += 1
    return count


def aggregates_for(election: Election, ballots: list[EncryptedBallot]) -> Aggregates:
    """The aggregates the trustees are asked to decrypt: only contests whose counts may be shown."""
    by_style = public_count(election, ballots).ballots_by_style
    shown = {c.id for c in election.contests if counts_shown(election, c.id, by_style)}
    sums = aggregate_ballots(election, ballots)
    items = []
    for contest in election.contests:
        if contest.id in shown:
            for option in contest.options:
                if (contest.id, option.id) in sums:
                    ct, n = sums[(contest.id, option.id)]
                    items.append((contest.id, option.id, ct, n))
    return Aggregates(election.id, tuple(items))


def aggregate_bounds(election: Election, aggregates: Aggregates) -> list[int]:
    """The most each aggregate can hold: its ballots, times the top grade in a ``score`` contest.

    An approval or single choice adds at most 1 per ballot; a grade adds up to the contest's max, so
    the sum of a representative's grades over 11 ballots may reach 55 where a like count stops at 11.
    An aggregate of an unknown contest gets its ballots (its check fails elsewhere).
    """
    out = []
    for cid, _, _, n in aggregates.items:
        contest = election.contest(cid)
        out.append(n * (contest.max if contest is not None and contest.is_score else 1))
    return out


def count_from_results(election: Election, ballots: list[EncryptedBallot], aggregates: Aggregates,
                       counts: list[int | None]) -> Count:
    """The :class:`Count` of the ballots, with the decrypted ``counts`` (one per aggregate) as selections."""
    if len(counts) != len(aggregates.items):
        raise ValueError("one count per aggregate")
    count = public_count(election, ballots)
    for (cid, oid, _, _), value, most in zip(aggregates.items, counts, aggregate_bounds(election, aggregates)):
        if value is None or not 0 <= value <= most:
            raise ValueError(f"aggregate {cid}/{oid} did not decrypt to a count of at most {most}")
        count.selections.setdefault(cid, Counter())[oid] = value
    for cid, chosen in count.selections.items():
        for oid in [o for o, v in chosen.items() if v == 0]:
            del chosen[oid]          # a Counter of plain counting holds no zero entries
    return count
