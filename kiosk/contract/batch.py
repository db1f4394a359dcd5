"""Sealed batches: what leaves a kiosk, byte for byte (pure; shared by the kiosk and central nodes).

A batch file is exactly the canonical JSON (no trailing newline) of::

    {"ballots": [SEALED BALLOT, ...],          strictly increasing ballot_id
     "format": "kiosk-batch/1",
     "header": {"count", "cumulative", "election_hex", "format": "kiosk-batch-header/1",
                "kiosk_key_hex", "merkle_root_hex", "mode", "number", "polls_closed",
                "prev_header_hex"},
     "header_sig_b64": Ed25519 by the kiosk key over "kiosk-batch-header/1" 0x00 || canonical(header)}

    SEALED BALLOT = {"ballot_id_hex", "sealed_b64", "serial_hex", "sig_b64", "style"}

A sealed ballot's signature covers ``"kiosk-sealed-ballot/1" 0x00 || canonical(the object
without sig_b64)``; its Merkle leaf is the canonical JSON of the whole object (signature
included), hashed as in RFC 6962. ``merkle_root_hex`` is the RFC 6962 root over the leaves in
file order. The header hash is SHA-256 of canonical(header); batch 1 links to 32 zero bytes.
``parse_batch`` is strict: anything but exactly this shape, in exactly these bytes, is a
:class:`FormatError` naming the first problem. Details in docs/formats.md, "Sealed batch".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Sequence

from kiosk.contract.canonical import b64url, canonical_bytes, from_b64url, from_hex, parse_json
from kiosk.contract.election import ID_PATTERN
from kiosk.errors import FormatError
from kiosk.contract.keys import SigningKey, VerifyKey
from kiosk.contract.merkle import leaf_hash, merkle_root

BATCH_FORMAT = "kiosk-batch/1"
HEADER_FORMAT = "kiosk-batch-header/1"
HEADER_CONTEXT = "kiosk-batch-header/1"
SEALED_BALLOT_CONTEXT = "kiosk-sealed-ballot/1"
NO_PREVIOUS = bytes(32)
MODES = ("official", "test")
MAX_SEALED_BYTES = 65_536
MAX_NUMBER = 2**31


@dataclass(frozen=True)
class SealedBallot:
    """A ballot as it leaves the kiosk: id, token serial, ballot style, sealed form, signature."""

    ballot_id: bytes
    serial: bytes
    style: str
    sealed: bytes
    signature: bytes

    def message(self) -> bytes:
        """The bytes the kiosk signs (after the context)."""
        return sealed_ballot_message(self.ballot_id, self.serial, self.style, self.sealed)

    def to_json(self) -> dict:
        """The object in the batch file (signature included)."""
        return {"ballot_id_hex": self.ballot_id.hex(), "sealed_b64": b64url(self.sealed),
                "serial_hex": self.serial.hex(), "sig_b64": b64url(self.signature), "style": self.style}

    def leaf(self) -> bytes:
        """The Merkle leaf data: canonical JSON of the signed sealed ballot."""
        return canonical_bytes(self.to_json())

    def leaf_hash(self) -> bytes:
        """RFC 6962 leaf hash: what the bulletin board logs and the tracking code shortens."""
        return leaf_hash(self.leaf())

    def signature_valid(self, key: VerifyKey) -> bool:
        """True when ``key`` signed this sealed ballot."""
        return key.is_valid(SEALED_BALLOT_CONTEXT, self.message(), self.signature)

    def __repr__(self) -> str:
        return f"SealedBallot(style={self.style})"


_PLAIN_TEXT = re.compile("[A-Za-z0-9_.-]*")  # JSON strings of these characters need no escape


def sealed_ballot_message(ballot_id: bytes, serial: bytes, style: str, sealed: bytes) -> bytes:
    """The canonical JSON a sealed ballot's signature covers (after the context).

    Hex, base64url and a style id of plain characters are written as they are, which is what
    the canonical encoder writes for them; any other style goes through the encoder.
    """
    if isinstance(style, str) and _PLAIN_TEXT.fullmatch(style):
        return b'{"ballot_id_hex":"%s","sealed_b64":"%s","serial_hex":"%s","style":"%s"}' % (
            binascii.hexlify(ballot_id), binascii.b2a_base64(sealed, newline=False).translate(_TO_URL).rstrip(b"="),
            binascii.hexlify(serial), style.encode("ascii"))
    return canonical_bytes({"ballot_id_hex": ballot_id.hex(), "sealed_b64": b64url(sealed),
                            "serial_hex": serial.hex(), "style": style})


def sign_sealed_ballot(key: SigningKey, ballot: SealedBallot) -> bytes:
    """The kiosk's signature over a sealed ballot (its ``signature`` field is ignored)."""
    return key.sign(SEALED_BALLOT_CONTEXT, ballot.message())


def tracking_code(leaf_digest: bytes) -> str:
    """The receipt's short form of a sealed ballot's leaf hash: 16 base32 letters in groups of 4."""
    text = base64.b32encode(leaf_digest[:10]).decode("ascii")
    return "-".join(text[i:i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True)
class BatchHeader:
    """The signed header of a sealed batch."""

    election_hex: str
    kiosk_key_hex: str
    mode: str
    number: int
    prev_header_hex: str
    count: int
    cumulative: int
    merkle_root_hex: str
    polls_closed: bool
    context: ClassVar[str] = HEADER_CONTEXT  # what the kiosk's header signature starts with

    def to_json(self) -> dict:
        """The header object, as it is signed and hashed."""
        return {"count": self.count, "cumulative": self.cumulative, "election_hex": self.election_hex,
                "format": HEADER_FORMAT, "kiosk_key_hex": self.kiosk_key_hex,
                "merkle_root_hex": self.merkle_root_hex, "mode": self.mode, "number": self.number,
                "polls_closed": self.polls_closed, "prev_header_hex": self.prev_header_hex}

    def encoded(self) -> bytes:
        """Canonical bytes of the header: what the signature covers (encoded once: the fields are frozen)."""
        cached = self.__dict__.get("_encoded")
        if cached is None:
            cached = canonical_bytes(self.to_json())
            object.__setattr__(self, "_encoded", cached)
        return cached

    def hash(self) -> bytes:
        """SHA-256 of the canonical header: what the next batch links to."""
        return hashlib.sha256(self.encoded()).digest()


@dataclass(frozen=True)
class SealedBatch:
    """A parsed or built batch: header, the kiosk's signature over it, the sealed ballots in id order."""

    header: BatchHeader
    signature: bytes
    ballots: tuple[SealedBallot, ...]


def build_batch(key: SigningKey, election_hex: str, mode: str, number: int, previous: BatchHeader | None,
                ballots: Sequence[SealedBallot], polls_closed: bool) -> SealedBatch:
    """Make and sign batch ``number`` over ``ballots`` (any order: they are put in ballot_id order)."""
    ordered = tuple(sorted(ballots, key=lambda b: b.ballot_id))
    header = BatchHeader(
        election_hex=election_hex, kiosk_key_hex=key.verify_key.hex, mode=mode, number=number,
        prev_header_hex=(previous.hash() if previous else NO_PREVIOUS).hex(), count=len(ordered),
        cumulative=(previous.cumulative if previous else 0) + len(ordered),
        merkle_root_hex=merkle_root(b.leaf() for b in ordered).hex(), polls_closed=polls_closed)
    return SealedBatch(header, key.sign(HEADER_CONTEXT, header.encoded()), ordered)


def encode_batch(batch: SealedBatch) -> bytes:
    """The batch file's bytes."""
    return canonical_bytes({"ballots": [b.to_json() for b in batch.ballots], "format": BATCH_FORMAT,
                            "header": batch.header.to_json(), "header_sig_b64": b64url(batch.signature)})


def _fields(value: Any, keys: set[str], what: str) -> dict:
    if not isinstance(value, dict):
        raise FormatError(f"{what} must be an object")
    if set(value) != keys:
        missing, extra = sorted(keys - set(value)), sorted(set(value) - keys)
        raise FormatError(f"{what} has missing fields {missing} or unknown fields {extra}")
    return value


def _count(value: Any, what: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_NUMBER:
        raise FormatError(f"{what} must be a whole number from {low} to {MAX_NUMBER}")
    return value


_BALLOT_FIELDS = frozenset({"ballot_id_hex", "sealed_b64", "serial_hex", "sig_b64", "style"})


def _parse_ballot(value: Any, what: str) -> SealedBallot:
    d = _fields(value, _BALLOT_FIELDS, what)
    if not isinstance(d["style"], str) or not ID_PATTERN.match(d["style"]):
        raise FormatError(f"{what}.style is not a ballot style id")
    sealed = from_b64url(d["sealed_b64"], f"{what}.sealed_b64")
    if not 0 < len(sealed) <= MAX_SEALED_BYTES:
        raise FormatError(f"{what}.sealed_b64 must hold 1 to {MAX_SEALED_BYTES} bytes")
    signature = from_b64url(d["sig_b64"], f"{what}.sig_b64")
    if len(signature) != 64:
        raise FormatError(f"{what}.sig_b64 must be a 64-byte signature")
    return SealedBallot(from_hex(d["ballot_id_hex"], f"{what}.ballot_id_hex", 16),
                        from_hex(d["serial_hex"], f"{what}.serial_hex", 16), d["style"], sealed, signature)


def parse_sealed_ballot(data: bytes, what: str = "the leaf") -> SealedBallot:
    """Parse one board leaf (a sealed ballot's canonical JSON) strictly; raises only FormatError."""
    if not isinstance(data, bytes):
        raise FormatError(f"{what} is bytes")
    ballot = _parse_ballot(parse_json(data, what), what)
    if ballot.leaf() != data:
        raise FormatError(f"{what} is not in canonical form (key order, spacing or encoding differ)")
    return ballot


def header_from_json(value: Any) -> BatchHeader:
    """Check and read a parsed header object (FormatError naming the first problem)."""
    d = _fields(value, {"count", "cumulative", "election_hex", "format", "kiosk_key_hex", "merkle_root_hex",
                        "mode", "number", "polls_closed", "prev_header_hex"}, "header")
    if d["format"] != HEADER_FORMAT:
        raise FormatError(f"the batch header has format {str(d['format'])[:40]!r}; this version reads "
                          f"{HEADER_FORMAT!r}", hint="update the software that reads this batch")
    for name in ("election_hex", "kiosk_key_hex", "merkle_root_hex", "prev_header_hex"):
        from_hex(d[name], f"header.{name}", 32)
    if d["mode"] not in MODES:
        raise FormatError("header.mode must be official or test")
    if not isinstance(d["polls_closed"], bool):
        raise FormatError("header.polls_closed must be true or false")
    header = BatchHeader(d["election_hex"], d["kiosk_key_hex"], d["mode"], _count(d["number"], "header.number", 1),
                         d["prev_header_hex"], _count(d["count"], "header.count", 0),
                         _count(d["cumulative"], "header.cumulative", 0), d["merkle_root_hex"], d["polls_closed"])
    if header.cumulative < header.count:
        raise FormatError("header.cumulative is smaller than header.count")
    if header.number == 1 and (header.cumulative != header.count or header.prev_header_hex != NO_PREVIOUS.hex()):
        raise FormatError("batch 1 must link to 32 zero bytes and have cumulative = count")
    return header


def _canonical_text(value: Any) -> bytes | None:
    """The canonical JSON of an already parsed value (C-encoded); None when it cannot be encoded."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError):  # a lone surrogate
        return None


_SIG64 = rb"[A-Za-z0-9_-]{85}[AQgw]"  # 64 bytes: the last character's 4 unused low bits are 0
# One sealed ballot as the canonical encoder writes it (keys sorted, no space, no escape); the
# sealed form's base64url is checked for canonical form in _read_canonical
_CANONICAL_BALLOT = re.compile(
    rb'\{"ballot_id_hex":"([0-9a-f]{32})","sealed_b64":"([A-Za-z0-9_-]+)","serial_hex":"([0-9a-f]{32})",'
    rb'"sig_b64":"(' + _SIG64 + rb')","style":"([A-Za-z0-9][A-Za-z0-9_.-]{0,39})"\}')
_CANONICAL_HEAD = b'{"ballots":['
_CANONICAL_TAIL = re.compile(rb'\],"format":"kiosk-batch/1","header":(\{[^{}]*\}),"header_sig_b64":"(' + _SIG64 +
                             rb')"\}')


# the last character of canonical unpadded base64url, by length mod 4: its unused low bits are 0
_B64_LAST = {0: None, 1: b"", 2: b"AQgw", 3: b"AEIMQUYcgkosw048"}


def _b64url_known_canonical(text: bytes) -> bytes:
    return binascii.a2b_base64(text.translate(_FROM_URL) + b"=" * (-len(text) % 4))


_FROM_URL = bytes.maketrans(b"-_", b"+/")
_TO_URL = bytes.maketrans(b"+/", b"-_")


def _read_canonical(data: bytes) -> SealedBatch | None:
    """The batch, if ``data`` is byte for byte a valid batch's canonical encoding; else None.

    Reads and checks canonical form in one pass: every ballot must be exactly the canonical
    object (the pattern admits only lowercase hex of 16 bytes, canonical base64url, a style id),
    one after another with a comma between, then exactly the canonical tail with a header that
    is its own canonical encoding. What this accepts, :func:`_read_general` accepts with the
    same result (the tests check it); anything else (refusals included) is left to it.
    """
    if not data.startswith(_CANONICAL_HEAD):
        return None
    end = data.find(b'],"format":', len(_CANONICAL_HEAD))
    tail = _CANONICAL_TAIL.fullmatch(data, end) if end >= 0 else None
    if tail is None:
        return None
    ballots, pos, match, unhex, b64, last = [], len(_CANONICAL_HEAD), _CANONICAL_BALLOT.match, binascii.a2b_hex, \
        _b64url_known_canonical, _B64_LAST
    while pos < end:
        m = match(data, pos, end)
        if m is None:
            return None
        ballot_id, sealed, serial, signature, style = m.groups()
        tail_chars = last[len(sealed) % 4]
        if tail_chars is not None and sealed[-1] not in tail_chars:
            return None
        sealed = b64(sealed)
        if len(sealed) > MAX_SEALED_BYTES:
            return None
        ballots.append(SealedBallot(unhex(ballot_id), unhex(serial), style.decode(), sealed, b64(signature)))
        pos = m.end() + 1
        if pos <= end and data[pos - 1] != 0x2C:  # a comma between ballots
            return None
    if pos != end + (1 if ballots else 0):  # no comma after the last ballot
        return None
    try:
        header = header_from_json(json.loads(tail[1], parse_float=_no_number, parse_constant=_no_number))
    except (ValueError, RecursionError, FormatError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return None
    if header.encoded() != tail[1] or len(ballots) != header.count or \
            any(a.ballot_id >= b.ballot_id for a, b in zip(ballots, ballots[1:])):
        return None
    return SealedBatch(header, b64(tail[2]), tuple(ballots))


def ballot_leaves(body: bytes, batch: SealedBatch) -> list[bytes]:
    """The Merkle leaves of a parsed batch, as slices of its file bytes rather than encoded again.

    ``batch`` must be ``parse_batch(body)``: it accepted the body only as exactly its canonical
    encoding, so the ballots' canonical objects stand in it one after another, separated by
    ``,``; no value of a sealed ballot (hex, base64url, a ballot style id) can hold a brace or a
    quote, so splitting on ``},{`` finds exactly them. The first is compared with its encoding
    as a check, and the slow way (encoding each ballot again) is taken if anything disagrees.
    """
    if not batch.ballots:
        return []
    start, end = len(_CANONICAL_HEAD), body.index(b'],"format":"')
    leaves = [b"{" + part + b"}" for part in body[start + 1:end - 1].split(b"},{")]
    if len(leaves) != len(batch.ballots) or leaves[0] != batch.ballots[0].leaf():
        return [b.leaf() for b in batch.ballots]  # never expected; the slow way is always right
    return leaves


def parse_batch(data: bytes) -> SealedBatch:
    """Parse batch file bytes strictly; raises only :class:`FormatError`.

    A batch is accepted only as its canonical encoding. The common case is read by
    :func:`_read_canonical`, which checks canonical form as it reads; anything it does not take
    goes through :func:`_read_general`, which names the first problem.
    """
    if not isinstance(data, bytes):
        raise FormatError("a batch is bytes")
    return _read_canonical(data) or _read_general(data)


def _read_general(data: bytes) -> SealedBatch:
    """Parse any bytes as a batch; FormatError naming the first problem.

    Every field is checked to be the one text of its value (lowercase hex of the right length,
    canonical unpadded base64url, a style id, a whole number), so the file is canonical exactly
    when the parsed value, encoded again as canonical JSON, gives back the same bytes: one
    C-accelerated ``json.dumps`` instead of building every object again. A duplicate key, a
    float, white space, an escape or another key order all come out different.
    """
    top = read_top(data, {"ballots", "format", "header", "header_sig_b64"}, BATCH_FORMAT)
    header = header_from_json(top["header"])
    signature = header_signature(top)
    if not isinstance(top["ballots"], list):
        raise FormatError("ballots must be a list")
    ballots = tuple(_parse_ballot(b, f"ballots[{i}]") for i, b in enumerate(top["ballots"]))
    if len(ballots) != header.count:
        raise FormatError(f"the header counts {header.count} ballots, the batch holds {len(ballots)}")
    if any(a.ballot_id >= b.ballot_id for a, b in zip(ballots, ballots[1:])):
        raise FormatError("the ballots are not in strictly increasing ballot_id order")
    if _canonical_text(top) != data:
        parse_json(data, "the batch")  # a duplicate key is named as such
        raise FormatError("the batch is not in canonical form (key order, spacing or encoding differ)")
    return SealedBatch(header, signature, ballots)


def read_top(data: bytes, fields: set[str], batch_format: str) -> dict:
    """A batch file's top object: strict JSON, exactly ``fields``, the ``format`` this reader reads."""
    try:  # the common case without a Python call per object; a refusal is named by parse_json
        top = json.loads(data.decode("utf-8"), parse_float=_no_number, parse_constant=_no_number)
    except (UnicodeDecodeError, ValueError, RecursionError):
        top = parse_json(data, "the batch")
    top = _fields(top, fields, "the batch")
    if top["format"] != batch_format:
        raise FormatError(f"the batch has format {str(top['format'])[:40]!r}; this version reads {batch_format!r}",
                          hint="update the software that reads this batch")
    return top


def header_signature(top: dict) -> bytes:
    """The 64-byte ``header_sig_b64`` of a batch's top object."""
    signature = from_b64url(top["header_sig_b64"], "header_sig_b64")
    if len(signature) != 64:
        raise FormatError("header_sig_b64 must be a 64-byte signature")
    return signature


def _no_number(text: str) -> Any:
    raise ValueError(f"{text} is not allowed")


@dataclass(frozen=True)
class BatchProblem:
    """Why a parsed batch does not verify. ``code`` is a stable id (acknowledgements carry it)."""

    code: str
    detail: str


def check_batch(batch: SealedBatch, election_hex: str, kiosk_key: VerifyKey,
                previous: BatchHeader | None, ballot_signatures: bool = True) -> list[BatchProblem]:
    """Every reason a parsed batch does not verify; empty when it does.

    ``previous`` is the header of batch ``number - 1`` from the same kiosk and mode (None for
    batch 1): the caller finds it; a batch whose predecessor is missing is not checked here.
    ``ballot_signatures=False`` skips the ballots' signatures, for a caller that checked them.
    """
    h, out = batch.header, []
    if h.election_hex != election_hex:
        out.append(BatchProblem("wrong_election", "the batch names another election"))
    if h.kiosk_key_hex != kiosk_key.hex:
        out.append(BatchProblem("wrong_kiosk", "the batch names another kiosk key"))
    elif not kiosk_key.is_valid(h.context, h.encoded(), batch.signature):
        out.append(BatchProblem("bad_header_signature", "the header signature does not verify"))
    if merkle_root(b.leaf() for b in batch.ballots).hex() != h.merkle_root_hex:
        out.append(BatchProblem("merkle_root_mismatch", "the Merkle root does not match the ballots"))
    for b in batch.ballots if ballot_signatures else ():
        if not b.signature_valid(kiosk_key):
            out.append(BatchProblem("bad_ballot_signature", f"ballot {b.ballot_id.hex()}: the signature does not verify"))
            break
    if previous is not None:
        if (previous.number + 1, previous.mode) != (h.number, h.mode):
            out.append(BatchProblem("not_linked", f"batch {h.number} does not follow batch {previous.number}"))
        elif h.prev_header_hex != previous.hash().hex():
            out.append(BatchProblem("not_linked", f"batch {h.number} does not link to batch {previous.number}'s header"))
        elif h.cumulative != previous.cumulative + h.count:
            out.append(BatchProblem("cumulative_mismatch", "cumulative count does not add up"))
    elif h.number != 1:
        out.append(BatchProblem("not_linked", f"batch {h.number} has no previous batch to link to"))
    return out
