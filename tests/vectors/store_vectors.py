"""Known-answer vectors of the store format: event-log entries.

``python tests/vectors/store_vectors.py`` rewrites ``event-log.json`` beside it;
``tests/test_store_vectors.py`` rebuilds it in memory and compares. The ballot-box rows and sealed
batches of format 2 have theirs in ``crypto.json`` and ``sealed-batch-v2.json``
(``make_crypto_vectors.py``, ``make_vectors.py``); format 1's ``ballot.json`` and
``sealed-batch.json`` went with format 1.
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from kiosk.station.eventlog import ENTRY_TAG, SIGNATURE_CONTEXT, genesis_hash, make_entry  # noqa: E402
from kiosk.contract.keys import SigningKey, signed_message  # noqa: E402

VECTORS = Path(__file__).resolve().parent
KIOSK_SEED = bytes(range(32))
# the fingerprint the entries name: of the 13-community election the vectors were first made for (only
# its SHA-256 enters the bytes, so it is fixed here rather than the body it was made from)
ELECTION_FINGERPRINT = bytes.fromhex("64a536b0c5ef41b93b120f73d1362b664af27a4603df10f996044bf4d93949df")


def event_log_vector() -> dict:
    key = SigningKey(KIOSK_SEED)
    fingerprint = ELECTION_FINGERPRINT
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


def build_all() -> dict[str, dict]:
    return {"event-log.json": event_log_vector()}


def load(name: str) -> dict | None:
    path = VECTORS / name
    return json.loads(path.read_text()) if path.exists() else None


def write_all() -> None:
    """Rewrite the file."""
    for name, vector in build_all().items():
        (VECTORS / name).write_text(json.dumps(vector, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    write_all()
