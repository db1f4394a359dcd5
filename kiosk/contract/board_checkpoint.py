"""Signed board checkpoints: C2SP tlog-checkpoint notes signed with a node key (pure).

A checkpoint is a C2SP signed note whose text is exactly three lines::

    kiosk-board/1/<election fingerprint hex>/<mode>/<node id>      the origin
    <tree size in decimal, no leading zeros>
    <RFC 6962 root hash, standard base64 with padding (44 characters)>

then a blank line, then one line per signature: ``— <key name> <base64(key ID || signature)>``
(em dash U+2014, spaces U+0020, newline U+000A). The node's own signature uses the origin as its
key name; witnesses add theirs with names of their own (``kiosk-witness/1/<election>/<node id>``).

* **What is signed**: the note text, all three lines each ending in ``\\n`` (not the blank
  line, not the signature lines), with plain Ed25519 (RFC 8032), no context prefix, so any
  C2SP note verifier can check it. It cannot be confused with the node's other signatures
  (``context 0x00 message``): note text never holds a NUL byte.
* **Key ID**: the first four bytes of SHA-256(key name || 0x0A || 0x01 || 32-byte public key),
  0x01 being the signed-note Ed25519 signature type; written big-endian before the 64-byte
  signature.

:func:`parse_checkpoint` is strict: UTF-8, no control character but newline, no extension
lines, canonical numbers and base64, at most 16 signatures; signatures from keys it was not
given are kept but not trusted (as the signed-note spec says), and one from a given key must
verify. Details in docs/formats.md, "Board checkpoint".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from kiosk.errors import FormatError, SignatureError
from kiosk.contract.keys import SigningKey, VerifyKey

ORIGIN_PREFIX = "kiosk-board/1"
WITNESS_PREFIX = "kiosk-witness/1"
ED25519_TYPE = b"\x01"
MAX_NOTE_BYTES = 8192
MAX_SIGNATURES = 16
DASH = "\u2014"
_NAME = re.compile(r"\A[\x21-\x2a\x2c-\x7e]{1,200}\Z")  # printable ASCII, no space and no '+'
_SIZE = re.compile(r"\A(0|[1-9][0-9]{0,18})\Z")


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: key name, key ID, the 64-byte Ed25519 signature."""

    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        return f"{DASH} {self.name} {base64.b64encode(self.key_id + self.signature).decode('ascii')}\n"


@dataclass(frozen=True)
class BoardCheckpoint:
    """A parsed checkpoint: origin, tree size, root, and every signature line as found."""

    origin: str
    tree_size: int
    root: bytes
    signatures: tuple[NoteSignature, ...]

    def text(self) -> bytes:
        """The signed note text."""
        return checkpoint_text(self.origin, self.tree_size, self.root)

    def note(self) -> bytes:
        """The whole note: text, blank line, signature lines."""
        return self.text() + b"\n" + "".join(s.line() for s in self.signatures).encode("utf-8")

    def signed_by(self, name: str, key: VerifyKey) -> bool:
        """True when a signature line under ``name`` from ``key`` verifies over the text."""
        kid = key_id(name, key)
        return any(s.name == name and s.key_id == kid and key.is_valid_note(self.text(), s.signature)
                   for s in self.signatures)


def board_origin(election_hex: str, mode: str, node_id: str) -> str:
    """The origin line (and the node's key name) of a node's board."""
    return f"{ORIGIN_PREFIX}/{election_hex}/{mode}/{node_id}"


def witness_name(election_hex: str, node_id: str) -> str:
    """The key name a node cosigns other nodes' checkpoints under."""
    return f"{WITNESS_PREFIX}/{election_hex}/{node_id}"


def key_id(name: str, key: VerifyKey) -> bytes:
    """The signed-note key ID of an Ed25519 key under a name."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519_TYPE + key.raw).digest()[:4]


def checkpoint_text(origin: str, tree_size: int, root: bytes) -> bytes:
    """The three lines a checkpoint signs."""
    if not _NAME.match(origin) or tree_size < 0 or len(root) != 32:
        raise ValueError("a checkpoint has a printable origin, a size of zero or more and a 32-byte root")
    return f"{origin}\n{tree_size}\n{base64.b64encode(root).decode('ascii')}\n".encode("ascii")


def sign_note_line(key: SigningKey, name: str, text: bytes) -> NoteSignature:
    """A signature line by ``key`` under ``name`` over a note text."""
    return NoteSignature(name, key_id(name, key.verify_key), key.sign_note(text))


def sign_checkpoint(key: SigningKey, origin: str, tree_size: int, root: bytes) -> bytes:
    """A checkpoint note signed by the log's own key (key name = origin)."""
    text = checkpoint_text(origin, tree_size, root)
    return BoardCheckpoint(origin, tree_size, root, (sign_note_line(key, origin, text),)).note()


def cosign(checkpoint: BoardCheckpoint, key: SigningKey, name: str) -> BoardCheckpoint:
    """The checkpoint with one more signature line (a witness's), replacing an older one by it."""
    kid = key_id(name, key.verify_key)
    kept = tuple(s for s in checkpoint.signatures if (s.name, s.key_id) != (name, kid))
    if len(kept) >= MAX_SIGNATURES:
        raise ValueError("a checkpoint carries at most 16 signatures")
    return BoardCheckpoint(checkpoint.origin, checkpoint.tree_size, checkpoint.root,
                           kept + (sign_note_line(key, name, checkpoint.text()),))


def _signature(line: str) -> NoteSignature:
    parts = line.split(" ")
    if len(parts) != 3 or parts[0] != DASH or not _NAME.match(parts[1]):
        raise FormatError("a checkpoint signature line is '\u2014 NAME BASE64'")
    try:
        raw = base64.b64decode(parts[2], validate=True)
    except (binascii.Error, ValueError) as e:
        raise FormatError("a checkpoint signature is not base64") from e
    if len(raw) != 68 or base64.b64encode(raw).decode("ascii") != parts[2]:
        raise FormatError("a checkpoint signature is a 4-byte key ID and a 64-byte Ed25519 signature")
    return NoteSignature(parts[1], raw[:4], raw[4:])


def parse_checkpoint(data: bytes, origin: str | None, key: VerifyKey | None) -> BoardCheckpoint:
    """Parse a checkpoint note strictly and, with ``key``, require the log's valid signature.

    ``origin`` (when given) must be the note's origin line; the log's signature is the one
    whose key name is the origin. Raises FormatError or SignatureError only.
    """
    if not isinstance(data, bytes) or len(data) > MAX_NOTE_BYTES:
        raise FormatError(f"a checkpoint is at most {MAX_NOTE_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise FormatError("a checkpoint is UTF-8 text") from e
    if any(c < " " and c != "\n" for c in text) or not text.endswith("\n"):
        raise FormatError("a checkpoint holds no control character but newlines and ends in one")
    body, sep, sigs = text.partition("\n\n")
    lines = body.split("\n")
    if not sep or len(lines) != 3:
        raise FormatError("a checkpoint's text is exactly: origin, tree size, root (no extension lines)")
    found_origin, size, root_b64 = lines
    if not _NAME.match(found_origin) or not _SIZE.match(size):
        raise FormatError("a checkpoint starts with a printable origin and a decimal tree size")
    if origin is not None and found_origin != origin:
        raise FormatError(f"the checkpoint is of {found_origin[:120]!r}, expected {origin!r}",
                          hint="it is another node's, election's or mode's board")
    try:
        root = base64.b64decode(root_b64, validate=True)
    except (binascii.Error, ValueError) as e:
        raise FormatError("a checkpoint's root is not base64") from e
    if len(root) != 32 or base64.b64encode(root).decode("ascii") != root_b64:
        raise FormatError("a checkpoint's root is 32 bytes in standard base64")
    sig_lines = sigs[:-1].split("\n") if sigs else []
    if not sig_lines or len(sig_lines) > MAX_SIGNATURES:
        raise FormatError(f"a checkpoint carries 1 to {MAX_SIGNATURES} signature lines")
    checkpoint = BoardCheckpoint(found_origin, int(size), root, tuple(_signature(s) for s in sig_lines))
    if checkpoint.note() != data:
        raise FormatError("the checkpoint is not in canonical form")
    if key is not None and not checkpoint.signed_by(found_origin, key):
        raise SignatureError(f"the checkpoint of {found_origin[:120]} is not signed by {key.fingerprint}",
                             hint="it was changed, or signed by another key")
    return checkpoint
