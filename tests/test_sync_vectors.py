"""Known-answer vectors for the sync formats: acknowledgements and the kiosk roster.

``tests/vectors/acknowledgement.json`` and ``tests/vectors/roster.json`` hold fixed key seeds,
the bodies, the exact bytes signed, the signatures and the files' bytes. This test rebuilds
every vector with the code and compares, then parses each file back. Regenerate after a
deliberate format change with ``KIOSK_WRITE_VECTORS=1 pytest tests/test_sync_vectors.py``
(and bump the format version).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kiosk.contract.ack import ACK_CONTEXT, Acknowledgement, BatchRef, Checkpoint, parse_ack, sign_ack
from kiosk.contract.canonical import canonical_bytes
from kiosk.contract.keys import SigningKey, signed_message
from kiosk.contract.roster import ROSTER_CONTEXT, Roster, RosterEntry, _roster_from_body
from kiosk.contract.merkle import EMPTY_ROOT

VECTORS = Path(__file__).parent / "vectors"
NODE_SEED = bytes(range(96, 128))
AUTHORITY_SEED = bytes(range(32, 64))
KIOSK_SEED = bytes(range(32))
ELECTION_HEX = "5b" * 32
HEADER_HEX = "a1" * 32


def ack_vector() -> dict:
    node, kiosk = SigningKey(NODE_SEED), SigningKey(KIOSK_SEED).verify_key.hex
    cases = [
        Acknowledgement("n1", ELECTION_HEX, "official", BatchRef(kiosk, 1, HEADER_HEX), "accepted", None, "", 0,
                        Checkpoint(25, "c4" * 32), 1495872000),
        Acknowledgement("n1", ELECTION_HEX, "official", BatchRef(kiosk, 3, HEADER_HEX), "held", None,
                        "waiting for batch 2", 0, Checkpoint(0, EMPTY_ROOT.hex()), 1495872060),
        Acknowledgement("n1", ELECTION_HEX, "official", BatchRef(kiosk, 2, HEADER_HEX), "rejected", "not_on_roll",
                        "a token is not on the roll for style C001 in official mode", 0,
                        Checkpoint(25, "c4" * 32), 1495872120),
        Acknowledgement("n1", ELECTION_HEX, "official", BatchRef(kiosk, 1, HEADER_HEX), "accepted", None, "", 1,
                        Checkpoint(50, "d5" * 32), 1495872180),
    ]
    out = []
    for ack in cases:
        body = canonical_bytes(ack.body())
        data = sign_ack(node, ack)
        out.append({"body": body.decode(), "signed_bytes_hex": signed_message(ACK_CONTEXT, body).hex(),
                    "signature_hex": node.sign(ACK_CONTEXT, body).hex(), "ack": data.decode()})
    return {"format": "kiosk acknowledgements (docs/formats.md, Acknowledgement)", "node_seed_hex": NODE_SEED.hex(),
            "node_public_hex": node.verify_key.hex, "acks": out}


def roster_vector() -> dict:
    authority = SigningKey(AUTHORITY_SEED)
    roster = Roster(ELECTION_HEX, (RosterEntry("S-0001", SigningKey(KIOSK_SEED).verify_key.hex, 1495850400),
                                   RosterEntry("S-0002", SigningKey(NODE_SEED).verify_key.hex, 1495850500)))
    body = canonical_bytes(roster.body())
    return {"format": "kiosk roster (docs/formats.md, Kiosk roster)", "authority_seed_hex": AUTHORITY_SEED.hex(),
            "authority_public_hex": authority.verify_key.hex, "body": body.decode(),
            "signed_bytes_hex": signed_message(ROSTER_CONTEXT, body).hex(),
            "signature_hex": authority.sign(ROSTER_CONTEXT, body).hex()}


BUILDERS = {"acknowledgement.json": ack_vector, "roster.json": roster_vector}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_vector_matches_the_code(name):
    built = BUILDERS[name]()
    path = VECTORS / name
    if os.environ.get("KIOSK_WRITE_VECTORS"):
        path.write_text(json.dumps(built, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    assert json.loads(path.read_text()) == built


def test_ack_vectors_parse_back():
    vector = json.loads((VECTORS / "acknowledgement.json").read_text())
    node = SigningKey(bytes.fromhex(vector["node_seed_hex"])).verify_key
    for case in vector["acks"]:
        ack = parse_ack(case["ack"].encode(), node)
        assert canonical_bytes(ack.body()).decode() == case["body"]
        assert node.is_valid(ACK_CONTEXT, case["body"].encode(), bytes.fromhex(case["signature_hex"]))


def test_roster_vector_parses_back():
    vector = json.loads((VECTORS / "roster.json").read_text())
    roster = _roster_from_body(json.loads(vector["body"]), ELECTION_HEX)
    assert [k.station for k in roster.kiosks] == ["S-0001", "S-0002"]
