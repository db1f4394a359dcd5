"""The event log's entries: hashing, chaining and signing (pure: no storage, no clock).

An entry is ``(seq, kind, body, prev_hash, entry_hash, signature)``::

    entry_hash = SHA-256( "kiosk-log-entry/1" 0x00 || prev_hash (32 bytes)
                          || seq (8 bytes, big-endian) || len(kind) (2 bytes, big-endian) || kind
                          || len(body) (4 bytes, big-endian) || body )
    signature  = Ed25519 by the kiosk key over "kiosk-log/1" 0x00 || entry_hash

``body`` is the canonical JSON of an object (UTF-8). The lengths make the hashed bytes
unambiguous. The first entry's ``prev_hash`` is the genesis hash of the store::

    SHA-256( "kiosk-log-genesis/1" 0x00 || election fingerprint (32) || kiosk public key (32)
             || mode (ASCII: "official" or "test") )

so a log cannot be moved to another election, kiosk or mode without breaking its chain.
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass

from kiosk.contract.canonical import canonical_bytes, parse_json
from kiosk.errors import FormatError
from kiosk.contract.keys import SigningKey, VerifyKey

ENTRY_TAG = b"kiosk-log-entry/1\x00"
GENESIS_TAG = b"kiosk-log-genesis/1\x00"
SIGNATURE_CONTEXT = "kiosk-log/1"
KIND_PATTERN = re.compile(r"\A[a-z][a-z_]{0,63}\Z")

# Names for some of the kinds; the catalogue of every kind written is kiosk/station/events.py.
STATION_PROVISIONED = "station_provisioned"
POLLS_OPENED = "polls_opened"
POLLS_OPEN_REFUSED = "polls_open_refused"
POLLS_PAUSED = "polls_paused"
POLLS_RESUMED = "polls_resumed"
POLLS_CLOSED = "polls_closed"
MODE_CHANGED = "mode_changed"
BALLOT_CAST = "ballot_cast"
TOKEN_REFUSED = "token_refused"
BATCH_SEALED = "batch_sealed"
BALLOT_SPOILED = "ballot_spoiled"   # a voter checked a ballot instead of casting it (count only)
PAPER_SPOILED = "paper_record_spoiled"   # a voter rejected a paper record (count only, no id)


def genesis_hash(fingerprint: bytes, kiosk_key: VerifyKey, mode: str) -> bytes:
    """The ``prev_hash`` of a store's first entry."""
    return hashlib.sha256(GENESIS_TAG + fingerprint + kiosk_key.raw + mode.encode("ascii")).digest()


def entry_hash(prev_hash: bytes, seq: int, kind: str, body: bytes) -> bytes:
    """The hash an entry is chained and signed by (see the module docstring for the bytes)."""
    kind_bytes = kind.encode("ascii")
    return hashlib.sha256(ENTRY_TAG + prev_hash + struct.pack(">QH", seq, len(kind_bytes)) + kind_bytes
                          + struct.pack(">I", len(body)) + body).digest()


@dataclass(frozen=True)
class Entry:
    """One event-log entry as stored."""

    seq: int
    kind: str
    body: bytes          # canonical JSON
    prev_hash: bytes
    entry_hash: bytes
    signature: bytes

    def fields(self) -> dict:
        """The entry's body as a dict (the body was checked canonical when made or verified)."""
        return parse_json(self.body, f"event {self.seq} body")


def make_entry(key: SigningKey, prev_hash: bytes, seq: int, kind: str, body: dict) -> Entry:
    """Build and sign the entry that follows ``prev_hash``."""
    if not KIND_PATTERN.match(kind):
        raise ValueError(f"event kind {kind!r} is not a lower-case name")
    if seq < 1:
        raise ValueError("event seq starts at 1")
    data = canonical_bytes(body)
    digest = entry_hash(prev_hash, seq, kind, data)
    return Entry(seq, kind, data, prev_hash, digest, key.sign(SIGNATURE_CONTEXT, digest))


def check_entry(entry: Entry, expected_seq: int, expected_prev: bytes, key: VerifyKey) -> str | None:
    """What is wrong with an entry at its place in the chain, or None when it verifies."""
    if entry.seq != expected_seq:
        return f"seq {entry.seq} where seq {expected_seq} should follow (a gap, a deleted or reordered entry)"
    if not isinstance(entry.kind, str) or not KIND_PATTERN.match(entry.kind):
        return "the kind is not a lower-case name"
    if entry.prev_hash != expected_prev:
        return "prev_hash does not match the previous entry's hash (the chain is broken)"
    try:
        if not isinstance(entry.body, bytes) or canonical_bytes(parse_json(entry.body, "body")) != entry.body:
            return "the body is not canonical JSON"
    except FormatError:
        return "the body is not canonical JSON"
    if entry_hash(entry.prev_hash, entry.seq, entry.kind, entry.body) != entry.entry_hash:
        return "entry_hash does not match the entry (the seq, kind or body was changed)"
    if not key.is_valid(SIGNATURE_CONTEXT, entry.entry_hash, entry.signature):
        return "the kiosk signature does not verify"
    return None
