"""The election the format-2 ballot vectors were made under (``crypto.json``'s ``ballot_v2``, ``sealed-batch-v2.json``).

Those vectors were first made when an election body still carried format 1's dealer key: their
Fiat-Shamir challenges and token keys hash the fingerprint of that body. Format 1 is gone (such a
body is refused by :func:`kiosk.contract.election.parse_election`), but a known-answer vector must
not change, so the election here has the contests and styles of the 24-community Ttabok spec (parsed
with a seeded ceremony's key, as every test election is) and the fingerprint of the original body.
The ballots' own key is the vectors' (a fixed ``y``), not the ceremony's.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ceremonyhelp import format2_election  # noqa: E402
from kiosk.contract.election import ELECTION_FORMAT, Election  # noqa: E402
from kiosk.contract.ttabok import ttabok_spec  # noqa: E402


def original_body() -> dict:
    """The body whose SHA-256 the vectors' election fingerprint is (never parsed: only hashed)."""
    return dict(ttabok_spec(24), format=ELECTION_FORMAT, authority_key_hex="11" * 32,
                encryption_key_hex="22" * 32, trustees={"count": 3, "threshold": 2})


def vector_election() -> Election:
    """The Ttabok 24 election under the original body's fingerprint."""
    return dataclasses.replace(format2_election(ttabok_spec(24), "11" * 32), body=original_body())
