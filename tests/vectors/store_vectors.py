"""Known-answer vectors of the store formats: event-log entries, ballots, sealed batches.

``python tests/vectors/store_vectors.py`` rewrites ``event-log.json``, ``ballot.json`` and
``sealed-batch.json`` beside it; ``tests/test_store_vectors.py`` rebuilds them in memory and
compares. The sealed forms are random (SealedBox), so once made they are inputs: a rewrite
keeps those already in ``ballot.json``.
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from kiosk.contract.ballot import BALLOT_CONTEXT, ballot_message, pad_selections, padded_length, sign_ballot  # noqa: E402
from kiosk.contract.batch import HEADER_CONTEXT, SEALED_BALLOT_CONTEXT, build_batch, encode_batch, tracking_code  # noqa: E402
from kiosk.contract.canonical import canonical_bytes  # noqa: E402
from kiosk.contract.election import ELECTION_FORMAT, parse_election  # noqa: E402
from kiosk.station.eventlog import ENTRY_TAG, SIGNATURE_CONTEXT, genesis_hash, make_entry  # noqa: E402
from kiosk.contract.keys import EncryptionKey, SigningKey, seal_to, signed_message  # noqa: E402
from kiosk.contract.ttabok import ttabok_spec  # noqa: E402

VECTORS = Path(__file__).resolve().parent
KIOSK_SEED = bytes(range(32))
AUTHORITY_SEED = bytes(range(32, 64))
ELECTION_SECRET = bytes(range(64, 96))


def fixed_election():
    body = dict(ttabok_spec(13))
    body.update({"format": ELECTION_FORMAT, "authority_key_hex": SigningKey(AUTHORITY_SEED).verify_key.hex,
                 "encryption_key_hex": EncryptionKey(ELECTION_SECRET).public_raw.hex(),
                 "trustees": {"count": 1, "threshold": 1}})
    return parse_election(body)


def event_log_vector() -> dict:
    key = SigningKey(KIOSK_SEED)
    fingerprint = fixed_election().fingerprint
    prev = genesis_hash(fingerprint, key.verify_key, "test")
    bodies = [("station_provisioned", {"election_hex": fingerprint.hex(), "kiosk_key_hex": key.verify_key.hex,
                                       "mode": "test", "station": "S-0001", "time": 1495850400}),
              ("polls_opened", {"ballots": 0, "roll_root_hex": "00" * 32, "station": "S-0001", "time": 1495850460}),
              ("ballot_cast", {"count": 1, "time": 1495850520}),
              ("token_refused", {"reason": "already_used", "time": 1495850580})]
    entries = []
    for seq, (kind, body) in enumerate(bodies, 1):
        entry = make_entry(key, prev, seq, kind, body)
        hashed = ENTRY_TAG + prev + struct.pack(">QH", seq, len(kind)) + kind.encode() + \
            struct.pack(">I", len(entry.body)) + entry.body
        entries.append({"seq": seq, "kind": kind, "body": entry.body.decode(), "prev_hash_hex": prev.hex(),
                        "hashed_bytes_hex": hashed.hex(), "entry_hash_hex": entry.entry_hash.hex(),
                        "signed_bytes_hex": signed_message(SIGNATURE_CONTEXT, entry.entry_hash).hex(),
                        "signature_hex": entry.signature.hex()})
        prev = entry.entry_hash
    return {"format": "kiosk event log entries (docs/formats.md, Event log)", "kiosk_seed_hex": KIOSK_SEED.hex(),
            "kiosk_public_hex": key.verify_key.hex, "election_fingerprint_hex": fingerprint.hex(), "mode": "test",
            "genesis_hex": genesis_hash(fingerprint, key.verify_key, "test").hex(), "entries": entries}


def ballot_vector(sealed_forms: list[str] | None) -> dict:
    key, election = SigningKey(KIOSK_SEED), fixed_election()
    inputs = [("C001", {"G01": ["P002", "P005", "P007"]}), ("C013", {"G01": []}), ("C004", {"G01": ["P001"]})]
    ballots = []
    for n, (style, selections) in enumerate(inputs):
        selections_json = canonical_bytes(selections)
        length = padded_length(election, style)
        plaintext = pad_selections(selections_json, length)
        sealed = bytes.fromhex(sealed_forms[n]) if sealed_forms else seal_to(
            bytes.fromhex(election.encryption_key_hex), plaintext)
        ballot_id, serial = bytes([n + 1]) * 16, bytes([0xA0 + n]) * 16
        record = sign_ballot(key, election, ballot_id, serial, style, selections_json, sealed)
        sealed_ballot = record.sealed_ballot
        ballots.append({
            "ballot_id_hex": ballot_id.hex(), "serial_hex": serial.hex(), "style": style,
            "selections": selections_json.decode(), "padded_length": length, "plaintext_hex": plaintext.hex(),
            "sealed_hex": sealed.hex(), "token_ref_hex": record.token_ref.hex(),
            "sealed_ballot_signed_hex": signed_message(SEALED_BALLOT_CONTEXT, sealed_ballot.message()).hex(),
            "sealed_ballot_signature_hex": record.sealed_sig.hex(),
            "ballot_signed_hex": signed_message(BALLOT_CONTEXT, ballot_message(
                ballot_id, serial, style, selections_json, sealed)).hex(),
            "ballot_signature_hex": record.signature.hex(),
            "leaf": sealed_ballot.leaf().decode(), "leaf_hash_hex": sealed_ballot.leaf_hash().hex(),
            "tracking_code": tracking_code(sealed_ballot.leaf_hash())})
    return {"format": "kiosk ballots (docs/formats.md, Ballot box)", "kiosk_seed_hex": KIOSK_SEED.hex(),
            "election_secret_hex": ELECTION_SECRET.hex(), "election_fingerprint_hex": election.fingerprint_hex,
            "ballots": ballots}


def batch_vector(ballots: dict) -> dict:
    key, election = SigningKey(KIOSK_SEED), fixed_election()
    records = [sign_ballot(key, election, bytes.fromhex(b["ballot_id_hex"]), bytes.fromhex(b["serial_hex"]),
                           b["style"], b["selections"].encode(), bytes.fromhex(b["sealed_hex"]))
               for b in ballots["ballots"]]
    first = build_batch(key, election.fingerprint_hex, "test", 1, None, [r.sealed_ballot for r in records[:2]], False)
    second = build_batch(key, election.fingerprint_hex, "test", 2, first.header, [records[2].sealed_ballot], True)
    return {"format": "kiosk sealed batches (docs/formats.md, Sealed batch)", "kiosk_seed_hex": KIOSK_SEED.hex(),
            "batches": [{"header": b.header.encoded().decode(), "header_hash_hex": b.header.hash().hex(),
                         "header_signed_hex": signed_message(HEADER_CONTEXT, b.header.encoded()).hex(),
                         "header_signature_hex": b.signature.hex(), "merkle_root_hex": b.header.merkle_root_hex,
                         "file": encode_batch(b).decode()} for b in (first, second)]}


def build_all(existing_ballots: dict | None) -> dict[str, dict]:
    sealed = [b["sealed_hex"] for b in existing_ballots["ballots"]] if existing_ballots else None
    ballots = ballot_vector(sealed)
    return {"event-log.json": event_log_vector(), "ballot.json": ballots, "sealed-batch.json": batch_vector(ballots)}


def load(name: str) -> dict | None:
    path = VECTORS / name
    return json.loads(path.read_text()) if path.exists() else None


def write_all() -> None:
    """Rewrite the three files."""
    for name, vector in build_all(load("ballot.json")).items():
        (VECTORS / name).write_text(json.dumps(vector, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    write_all()
