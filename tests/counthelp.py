"""Ballots for the count's tests: a Ttabok election whose key is a 2-of-3 ceremony run in process
(tests/ceremonyhelp.py's seeded ceremony, the key the election itself carries), real encrypted ballots
sealed with real token and kiosk keys, and the trustees' real partial decryptions."""

from __future__ import annotations

import os
import random
from collections import Counter
from dataclasses import dataclass, field

from ceremonyhelp import format2_election, seeded_ceremony
from kiosk.contract.ballot import seal_ballot
from kiosk.contract.canonical import b64url, canonical_bytes
from kiosk.contract.crypto.encrypted_ballot import ballot_bytes, encrypt_ballot, shown_options
from kiosk.contract.crypto.threshold import partial_decrypt
from kiosk.contract.election import Election
from kiosk.contract.keys import SigningKey
from kiosk.contract.tally_rules import Count
from kiosk.contract.ttabok import ttabok_spec
from sync.central.count import BoardBallot, ElectionKey


@dataclass
class CountElection:
    """An election, its public key record, the trustees' key shares (the test plays every trustee)."""

    election: Election
    key: ElectionKey
    key_json: dict
    shares: dict[int, int]
    kiosks: list[SigningKey] = field(default_factory=lambda: [SigningKey(bytes([7]) * 32), SigningKey(bytes([8]) * 32)])

    def partials(self, aggregates, trustees=(1, 3)):
        """The named trustees' partial decryptions of ``aggregates`` as published JSON bodies."""
        return [partial_decrypt(self.key.ceremony, i, self.shares[i], aggregates.ciphertexts, aggregates.ballots,
                                self.election.privacy_floor, aggregates.context).to_json() for i in trustees]


def count_election(communities: int = 24, trustees: int = 3, threshold: int = 2) -> CountElection:
    """A Ttabok election of ``communities`` carrying the key of a seeded ``threshold``-of-``trustees`` ceremony."""
    election = format2_election(ttabok_spec(communities), "11" * 32, trustees, threshold)
    local = seeded_ceremony(election.id, trustees, threshold)
    return CountElection(election, ElectionKey.of(election), local.record, dict(local.key_shares))


def cast(ce: CountElection, per_style: dict[str, int], seed: int = 7, kiosk: int = 0, start: int = 0,
         serials: list[bytes] | None = None) -> tuple[Count, list[BoardBallot], list[bytes]]:
    """Ballots of random valid likes: the plain count, the board ballots (leaf index from ``start``), the serials."""
    rnd = random.Random(seed)
    plain, out, used = Count(), [], []
    election = ce.election
    n = 0
    for style, how_many in per_style.items():
        contest = election.contest(election.style(style).contests[0])
        for _ in range(how_many):
            shown = shown_options(election, style, contest)
            picked = set(rnd.sample(shown, rnd.randint(0, contest.max)))
            selections = {contest.id: [o for o in shown if o in picked]}
            plain.add(election, style, selections)
            ballot_id = rnd.randbytes(16)
            encrypted = encrypt_ballot(ce.key.public_key, election, style, ballot_id.hex(), selections, os.urandom(32))
            serial = serials[n] if serials else rnd.randbytes(16)
            used.append(serial)
            sealed = seal_ballot(ce.kiosks[kiosk], election, serial, ballot_id, style, ballot_bytes(encrypted))
            out.append(BoardBallot(start + n, ce.kiosks[kiosk].verify_key.hex, sealed))
            n += 1
    return plain, out, used


def every_style(ce: CountElection, n: int = 1, groups: int = 1) -> dict[str, int]:
    """``n`` ballots of every style of the first ``groups`` groups (12 communities each)."""
    return {s.id: n for s in ce.election.styles[:12 * groups]}


def likes(count: Count) -> Counter:
    """Every option's likes of a count, over all contests."""
    out = Counter()
    for chosen in count.selections.values():
        out.update(chosen)
    return +out


def spoil(ce: CountElection, style: str, selections: dict, seed: bytes = bytes(range(32)), kiosk: int = 0) -> bytes:
    """A checked (spoiled) ballot's published entry: the sealed ballot and its nonce seed."""
    ballot_id = os.urandom(16)
    encrypted = encrypt_ballot(ce.key.public_key, ce.election, style, ballot_id.hex(), selections, seed)
    sealed = seal_ballot(ce.kiosks[kiosk], ce.election, os.urandom(16), ballot_id, style, ballot_bytes(encrypted))
    return canonical_bytes({"ballot": sealed.to_json(), "nonce_seed_b64": b64url(seed)})


def roster_of(ce: CountElection):
    """A roster of the test's two kiosks (the signature on it is not what these tests check)."""
    from kiosk.contract.roster import Roster, RosterEntry
    return Roster(ce.election.fingerprint_hex, tuple(RosterEntry(f"S-000{n + 1}", k.verify_key.hex, 0)
                                                      for n, k in enumerate(ce.kiosks)))
