"""Known-answer vectors for the store's event log (tests/vectors/store_vectors.py makes them).

The committed files must equal what the code makes from the same fixed keys and inputs, and each
vector must check on its own terms with plain hashlib and PyNaCl. After a deliberate format change
(and a new format version): ``python tests/vectors/store_vectors.py``.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import nacl.signing


HERE = Path(__file__).resolve().parent / "vectors"
spec = importlib.util.spec_from_file_location("store_vectors", HERE / "store_vectors.py")
store_vectors = importlib.util.module_from_spec(spec)
spec.loader.exec_module(store_vectors)
load = store_vectors.load


def test_vectors_match_the_code():
    for name, vector in store_vectors.build_all().items():
        assert load(name) == vector, f"tests/vectors/{name} differs: python tests/vectors/store_vectors.py"


def test_vectors_check_with_plain_hashlib_and_pynacl():
    """An outside implementer's view: SHA-256 of the stated bytes, Ed25519 over the stated bytes."""
    log = load("event-log.json")
    kiosk = nacl.signing.VerifyKey(bytes.fromhex(log["kiosk_public_hex"]))
    for e in log["entries"]:
        assert hashlib.sha256(bytes.fromhex(e["hashed_bytes_hex"])).hexdigest() == e["entry_hash_hex"]
        kiosk.verify(bytes.fromhex(e["signed_bytes_hex"]), bytes.fromhex(e["signature_hex"]))
