"""A format-1 election package and batch made by hand, only so that tests can show they are refused.

Format 1 (a dealer's X25519 key split among trustees, ballots sealed to it with SealedBox) is gone
from the code: nothing can make, accept or count one. A kiosk or a package from before may still
turn up, so every reader refuses it by name (``kiosk.contract.election.format_1_refused``, reason
``wrong_format`` at a node); these helpers write such files the way the old version wrote them.
"""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.contract.canonical import b64url, canonical_bytes
from kiosk.contract.election import ELECTION_CONTEXT, ELECTION_FORMAT
from kiosk.contract.envelope import seal_envelope, write_envelope
from kiosk.contract.keys import SigningKey
from kiosk.contract.ttabok import ttabok_spec


def format_1_body(authority: SigningKey, communities: int = 4) -> dict:
    """An election body as format 1 had it: ``encryption_key_hex`` and ``trustees`` (no ``election_key``)."""
    return dict(ttabok_spec(communities), format=ELECTION_FORMAT, authority_key_hex=authority.verify_key.hex,
                encryption_key_hex=os.urandom(32).hex(), trustees={"count": 1, "threshold": 1})


def write_format_1_package(directory: Path, communities: int = 4) -> Path:
    """A signed format-1 ``election.json`` in ``directory`` (its authority's signature checks)."""
    authority = SigningKey.generate()
    directory.mkdir(parents=True, exist_ok=True)
    write_envelope(directory / "election.json",
                   seal_envelope(ELECTION_CONTEXT, format_1_body(authority, communities), authority))
    return directory


def format_1_batch(key: SigningKey, election_hex: str, mode: str = "official", ballots: int = 1) -> bytes:
    """The bytes of a format-1 batch 1 as a kiosk from before sent it: ``kiosk-batch/1``, SealedBox ballots
    naming their token serials, a ``kiosk-batch-header/1`` header signed by ``key``.

    The sealed forms and the ballots' signatures are random bytes of the right length: what is
    checked of a format-1 batch is only its header signature, before it is refused.
    """
    old = sorted(({"ballot_id_hex": os.urandom(16).hex(), "sealed_b64": b64url(os.urandom(96)),
                   "serial_hex": os.urandom(16).hex(), "sig_b64": b64url(os.urandom(64)), "style": "C001"}
                  for _ in range(ballots)), key=lambda b: b["ballot_id_hex"])
    header = {"count": ballots, "cumulative": ballots, "election_hex": election_hex, "format": "kiosk-batch-header/1",
              "kiosk_key_hex": key.verify_key.hex, "merkle_root_hex": os.urandom(32).hex(), "mode": mode,
              "number": 1, "polls_closed": False, "prev_header_hex": bytes(32).hex()}
    signature = key.sign("kiosk-batch-header/1", canonical_bytes(header))
    return canonical_bytes({"ballots": old, "format": "kiosk-batch/1", "header": header,
                            "header_sig_b64": b64url(signature)})
