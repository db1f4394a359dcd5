"""Signed envelopes: a canonical JSON body plus the signer's key and an Ed25519 signature.

On disk: ``{"body": {...}, "context": "kiosk-election/1", "signer_hex": "...", "sig_b64": "..."}``.
The signature covers ``context || 0x00 || canonical(body)``; the file itself may be pretty
printed, because readers re-encode the body canonically before checking.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kiosk.contract.canonical import b64url, canonical_bytes, from_b64url, parse_json
from kiosk.errors import FormatError, SignatureError
from kiosk.files import write_atomic
from kiosk.contract.keys import SigningKey, VerifyKey


def seal_envelope(context: str, body: dict, key: SigningKey) -> dict:
    """Sign ``body`` under ``context`` and return the envelope."""
    return {"body": body, "context": context, "signer_hex": key.verify_key.hex,
            "sig_b64": b64url(key.sign(context, canonical_bytes(body)))}


def open_envelope(envelope: Any, context: str, signer: VerifyKey | None, what: str) -> dict:
    """Check an envelope's shape, context and signature; return its body.

    With ``signer`` None the envelope's own key is used (for self-describing files whose
    signer is checked by the caller against something it trusts).
    """
    if not isinstance(envelope, dict) or set(envelope) != {"body", "context", "signer_hex", "sig_b64"}:
        raise FormatError(f"{what} is not a signed envelope (body, context, signer_hex, sig_b64)")
    if envelope["context"] != context:
        raise FormatError(f"{what} has context {envelope['context']!r}, expected {context!r}",
                          hint="this reader knows only that version")
    if not isinstance(envelope["body"], dict):
        raise FormatError(f"{what}: body must be an object")
    claimed = VerifyKey.from_hex(envelope["signer_hex"], f"{what} signer_hex")
    if signer is not None and claimed != signer:
        raise SignatureError(f"{what} is signed by {claimed.fingerprint}, expected {signer.fingerprint}",
                             hint="it belongs to another authority or election")
    sig = from_b64url(envelope["sig_b64"], f"{what} sig_b64")
    claimed.verify(context, canonical_bytes(envelope["body"]), sig)
    return envelope["body"]


def write_envelope(path: Path, envelope: dict) -> None:
    """Write an envelope as readable JSON, atomically (temporary file, fsync, rename)."""
    text = json.dumps(envelope, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    write_atomic(Path(path), text.encode("utf-8"))


def read_envelope(path: Path, context: str, signer: VerifyKey | None, what: str) -> dict:
    """Read and check an envelope file; return its body."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise FormatError(f"cannot read {what} at {path}: {e.strerror}",
                          hint="check the directory given") from e
    return open_envelope(parse_json(data, what), context, signer, what)
