"""Format 2's count, pure: which board ballots count, their aggregates, the trustees' partials combined.

No ballot is ever decrypted and no election secret exists here: the node (or anyone holding the
public election record) runs the same functions, and ``kiosk-central verify --from`` re-derives
the count with them.

1. :func:`counted_leaves`: of the board's format-2 ballots, which count. A token key carried by
   one ballot counts it; the same ballot bytes delivered twice count once; distinct ballots of one
   token key (a double use) are all set aside until the authority-signed decision
   (:mod:`kiosk.contract.double_use`, keyed by the token key's hex) names the one to count, or none.
2. :func:`aggregates_of`: per (contest, option) the homomorphic sum of the counted ballots
   (:func:`kiosk.contract.crypto.tally.aggregates_for`): a contest below the privacy floor is not
   aggregated, so never decrypted. Published as ``kiosk-aggregates/1``.
3. :func:`decrypted_counts`: each trustee's ``kiosk-partial-decryption/1`` of that file checked
   (a wrong one is refused naming the trustee and the aggregate), any k combined, the counts read as
   small discrete logs; :func:`count_of` gives the :class:`Count` that the results, tapes and
   reports take.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

from kiosk.contract.ballot import SealedBallot
from kiosk.contract.crypto.elgamal import DiscreteLog
from kiosk.contract.crypto.encrypted_ballot import EncryptedBallot, parse_ballot_bytes
from kiosk.contract.crypto.records import Aggregates, election_key_from_json
from kiosk.contract.crypto.tally import aggregate_bounds, aggregates_for, count_from_results
from kiosk.contract.crypto.threshold import Announcement, Ceremony, PartialDecryption, check_partial, combine
from kiosk.contract.double_use import Decision, distinct_ballots
from kiosk.contract.election import Election
from kiosk.contract.keys import VerifyKey
from kiosk.contract.tally_rules import Count
from kiosk.errors import FormatError, ProofError


@dataclass(frozen=True)
class ElectionKey:
    """The public election key and what checks the trustees' partials: from a ``kiosk-election-key/1`` record."""

    ceremony: Ceremony
    announcements: dict[int, Announcement]
    public_key: bytes

    @classmethod
    def from_json(cls, value: object) -> "ElectionKey":
        """Parse and re-check the record (every announcement's proofs, every derived key)."""
        return cls(*election_key_from_json(value))

    @classmethod
    def of(cls, election: Election) -> "ElectionKey":
        """The election's key, as its package carries it (re-checked when the package was parsed)."""
        return cls(election.ceremony, election.announcements, election.election_public_key)


@dataclass(frozen=True)
class BoardBallot:
    """One format-2 ballot on the board: its leaf index, the kiosk that signed it, the ballot."""

    index: int
    kiosk_key_hex: str
    ballot: SealedBallot


@dataclass(frozen=True)
class Counted:
    """Which board ballots count, and every double use with what was decided."""

    ballots: list[BoardBallot]
    double_uses: list[dict]
    set_aside: Counter          # per kiosk key (hex): ballots not counted

    @property
    def undecided(self) -> list[dict]:
        """Double uses still waiting for central staff's signed decision."""
        return [d for d in self.double_uses if not d["decided"]]


def counted_leaves(ballots: Iterable[BoardBallot], decisions: dict[str, Decision]) -> Counted:
    """Apply the double-use rule (module docstring, step 1) to the board's ballots."""
    by_token: dict[bytes, list[BoardBallot]] = {}
    for b in ballots:
        by_token.setdefault(b.ballot.token_key, []).append(b)
    counted, double, set_aside = [], [], Counter()
    for token_key, leaves in by_token.items():
        groups = distinct_ballots(leaves, same=lambda leaf: leaf.ballot.leaf())
        decision = decisions.get(token_key.hex()) if len(groups) > 1 else None
        if len(groups) == 1:
            winner = groups[0][0]
        else:
            winner = next((g[0] for g in groups
                           if decision and g[0].ballot.ballot_id.hex() == decision.count_ballot_id_hex), None)
        for leaf in leaves:
            if leaf is not winner:
                set_aside[leaf.kiosk_key_hex] += 1
        if winner is not None:
            counted.append(winner)
        if len(groups) > 1:
            double.append({"token_ref_hex": token_key.hex(),
                           "kiosks": sorted(VerifyKey.from_hex(leaf.kiosk_key_hex).fingerprint for leaf in leaves),
                           "ballot_ids": sorted(g[0].ballot.ballot_id.hex() for g in groups),
                           "ballots": len(leaves), "decided": decision is not None,
                           "counted": winner.ballot.ballot_id.hex() if winner is not None else None,
                           "reason": decision.reason if decision else None})
    counted.sort(key=lambda b: b.index)
    double.sort(key=lambda d: d["token_ref_hex"])
    return Counted(counted, double, set_aside)


def encrypted_ballots(election: Election, rows: Iterable[tuple[str, str, bytes]]) -> list[EncryptedBallot]:
    """Parse (style, ballot id hex, encrypted bytes) rows: what ``store.encrypted_ballots()`` yields."""
    return [parse_ballot_bytes(data, election, style, ballot_id) for style, ballot_id, data in rows]


def ballots_of(election: Election, counted: Sequence[BoardBallot]) -> list[EncryptedBallot]:
    """The encrypted ballots of counted board ballots."""
    return encrypted_ballots(election, ((b.ballot.style, b.ballot.ballot_id.hex(), b.ballot.encrypted) for b in counted))


def aggregates_of(election: Election, ballots: list[EncryptedBallot]) -> Aggregates:
    """The ``kiosk-aggregates/1`` the trustees are asked to decrypt (contests below the floor left out)."""
    return aggregates_for(election, ballots)


def parse_partials(key: ElectionKey, aggregates: Aggregates, values: Sequence[object]) -> list[PartialDecryption]:
    """Parse ``kiosk-partial-decryption/1`` bodies strictly (one share and proof per aggregate)."""
    return [PartialDecryption.from_json(v, key.ceremony, len(aggregates.items)) for v in values]


def check_partials(key: ElectionKey, aggregates: Aggregates, partials: Sequence[PartialDecryption]) -> None:
    """Every partial's proofs; :class:`ProofError` names the first wrong trustee and aggregate."""
    seen: set[int] = set()
    for p in partials:
        if p.index in seen:
            raise FormatError(f"two partial decryptions of trustee {p.index}", "give each trustee's file once")
        seen.add(p.index)
        try:
            check_partial(key.ceremony, key.announcements, aggregates.ciphertexts, p, aggregates.context)
        except ProofError as e:
            raise ProofError(e.message, f"leave trustee {p.index}'s file out, or ask trustee {p.index} to run "
                                        "`kiosk-central trustee decrypt` again on the published aggregates") from None


def decrypted_counts(key: ElectionKey, aggregates: Aggregates, partials: Sequence[PartialDecryption],
                     election: Election | None = None) -> list[int]:
    """The count of every aggregate from k checked partials (more are checked, then ignored).

    With ``election`` a ``score`` contest's aggregate may reach its ballots x the top grade
    (:func:`kiosk.contract.crypto.tally.aggregate_bounds`); without it (``trustee combine``, which has
    no package) every aggregate is a count of at most its ballots.
    """
    check_partials(key, aggregates, partials)
    points = combine(key.ceremony, key.announcements, aggregates.ciphertexts, list(partials), aggregates.context)
    bounds = aggregate_bounds(election, aggregates) if election is not None else list(aggregates.ballots)
    dl = DiscreteLog(max(bounds, default=0))
    out = []
    for (contest, option, _, _), point, most in zip(aggregates.items, points, bounds):
        value = dl.find(point)
        if value is None or value > most:
            raise ProofError(f"aggregate {contest}/{option} does not decrypt to a count of at most {most}",
                             "the aggregates are not the sum of valid ballots: recompute them from the board")
        out.append(value)
    return out


def count_of(election: Election, ballots: list[EncryptedBallot], aggregates: Aggregates, counts: list[int]) -> Count:
    """The :class:`Count` the results, tapes and reports take."""
    return count_from_results(election, ballots, aggregates, counts)
