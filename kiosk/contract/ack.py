"""Acknowledgements: a central node's signed verdict on one sealed batch (pure; both ends use it).

An acknowledgement is a signed envelope (see :mod:`kiosk.contract.envelope`) in canonical JSON::

    {"body": BODY, "context": "kiosk-ack/1", "sig_b64": ..., "signer_hex": node key}

    BODY = {"batch": {"header_hex", "kiosk_key_hex", "number"},
            "checkpoint": {"root_hex", "tree_size"},     the node's board after this verdict
            "detail": text for people (may be empty),
            "double_use": ballots of this batch whose token another kiosk also spent,
            "election_hex", "format": "kiosk-ack/1", "mode": "official" | "test",
            "node_id", "reason": null | a reason code, "time": the node's clock (seconds),
            "verdict": "accepted" | "duplicate" | "held" | "rejected"}

The signature is Ed25519 by the node key over ``"kiosk-ack/1" 0x00 || canonical(BODY)``.
``reason`` is null exactly when the verdict is not ``rejected``. :func:`parse_ack` is strict
and raises only :class:`FormatError` (or :class:`SignatureError` for a wrong signer or a bad
signature). Details in docs/formats.md, "Acknowledgement".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kiosk.contract.batch import MAX_NUMBER, MODES, BatchHeader
from kiosk.contract.canonical import canonical_bytes, parse_json
from kiosk.contract.election import ID_PATTERN
from kiosk.contract.envelope import open_envelope, seal_envelope
from kiosk.errors import FormatError
from kiosk.contract.keys import SigningKey, VerifyKey

ACK_CONTEXT = "kiosk-ack/1"
ACK_FORMAT = "kiosk-ack/1"
VERDICTS = ("accepted", "duplicate", "held", "rejected")
DELIVERED = ("accepted", "duplicate")  # verdicts that mean "the node holds this batch for good"
REASON_PATTERN = re.compile(r"\A[a-z][a-z_]{0,39}\Z")
MAX_ACK_BYTES = 4096
MAX_DETAIL = 300


@dataclass(frozen=True)
class BatchRef:
    """Which batch: kiosk key, batch number, header hash."""

    kiosk_key_hex: str
    number: int
    header_hex: str

    @classmethod
    def of(cls, header: BatchHeader) -> "BatchRef":
        """The reference of a batch header."""
        return cls(header.kiosk_key_hex, header.number, header.hash().hex())

    def to_json(self) -> dict:
        return {"header_hex": self.header_hex, "kiosk_key_hex": self.kiosk_key_hex, "number": self.number}


@dataclass(frozen=True)
class Checkpoint:
    """A node's board: how many accepted sealed ballots, and their RFC 6962 root."""

    tree_size: int
    root_hex: str

    def to_json(self) -> dict:
        return {"root_hex": self.root_hex, "tree_size": self.tree_size}


@dataclass(frozen=True)
class Acknowledgement:
    """A node's verdict on a batch (parsed and signature-checked, or about to be signed)."""

    node_id: str
    election_hex: str
    mode: str
    batch: BatchRef
    verdict: str
    reason: str | None
    detail: str
    double_use: int
    checkpoint: Checkpoint
    time: int

    @property
    def delivered(self) -> bool:
        """True when the node holds the batch for good (accepted now or before)."""
        return self.verdict in DELIVERED

    def body(self) -> dict:
        """The signed body (see the module docstring)."""
        return {"batch": self.batch.to_json(), "checkpoint": self.checkpoint.to_json(), "detail": self.detail,
                "double_use": self.double_use, "election_hex": self.election_hex, "format": ACK_FORMAT,
                "mode": self.mode, "node_id": self.node_id, "reason": self.reason, "time": self.time,
                "verdict": self.verdict}


def sign_ack(key: SigningKey, ack: Acknowledgement) -> bytes:
    """The acknowledgement's bytes: the canonical JSON of its signed envelope."""
    return canonical_bytes(seal_envelope(ACK_CONTEXT, ack.body(), key))


def _whole(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FormatError(f"{what} must be a whole number from {low} to {high}")
    return value


def _hex32(value: Any, what: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{64}", value):
        raise FormatError(f"{what} must be 32 bytes in lowercase hex")
    return value


def _exact(value: Any, keys: set[str], what: str) -> dict:
    if not isinstance(value, dict) or set(value) != keys:
        raise FormatError(f"{what} must be an object with exactly the fields {sorted(keys)}")
    return value


def ack_from_body(body: Any) -> Acknowledgement:
    """Check an acknowledgement body's every field (FormatError naming the first problem)."""
    d = _exact(body, {"batch", "checkpoint", "detail", "double_use", "election_hex", "format", "mode", "node_id",
                      "reason", "time", "verdict"}, "the acknowledgement")
    if d["format"] != ACK_FORMAT:
        raise FormatError(f"the acknowledgement has format {str(d['format'])[:40]!r}; this version reads "
                          f"{ACK_FORMAT!r}", hint="update the software that reads acknowledgements")
    b = _exact(d["batch"], {"header_hex", "kiosk_key_hex", "number"}, "ack.batch")
    c = _exact(d["checkpoint"], {"root_hex", "tree_size"}, "ack.checkpoint")
    if d["verdict"] not in VERDICTS:
        raise FormatError(f"ack.verdict must be one of {', '.join(VERDICTS)}")
    reason = d["reason"]
    if d["verdict"] == "rejected":
        if not isinstance(reason, str) or not REASON_PATTERN.match(reason):
            raise FormatError("ack.reason must be a reason code when the verdict is rejected")
    elif reason is not None:
        raise FormatError("ack.reason must be null unless the verdict is rejected")
    if d["mode"] not in MODES:
        raise FormatError("ack.mode must be official or test")
    if not isinstance(d["node_id"], str) or not ID_PATTERN.match(d["node_id"]):
        raise FormatError("ack.node_id is not a node id")
    if not isinstance(d["detail"], str) or len(d["detail"]) > MAX_DETAIL:
        raise FormatError(f"ack.detail must be text of at most {MAX_DETAIL} characters")
    batch = BatchRef(_hex32(b["kiosk_key_hex"], "ack.batch.kiosk_key_hex"),
                     _whole(b["number"], "ack.batch.number", 1, MAX_NUMBER),
                     _hex32(b["header_hex"], "ack.batch.header_hex"))
    checkpoint = Checkpoint(_whole(c["tree_size"], "ack.checkpoint.tree_size", 0, 2**62),
                            _hex32(c["root_hex"], "ack.checkpoint.root_hex"))
    return Acknowledgement(d["node_id"], _hex32(d["election_hex"], "ack.election_hex"), d["mode"], batch,
                           d["verdict"], reason, d["detail"], _whole(d["double_use"], "ack.double_use", 0, MAX_NUMBER),
                           checkpoint, _whole(d["time"], "ack.time", 0, 2**62))


def parse_ack(data: bytes, node_key: VerifyKey | None) -> Acknowledgement:
    """Parse acknowledgement bytes strictly and check the node's signature.

    With ``node_key`` given, an acknowledgement signed by any other key is refused; with None
    only the envelope's own key is checked (for tools that then look the signer up).
    """
    if not isinstance(data, bytes) or len(data) > MAX_ACK_BYTES:
        raise FormatError(f"an acknowledgement is at most {MAX_ACK_BYTES} bytes")
    envelope = parse_json(data, "the acknowledgement")
    body = open_envelope(envelope, ACK_CONTEXT, node_key, "the acknowledgement")
    ack = ack_from_body(body)
    if canonical_bytes(envelope) != data:
        raise FormatError("the acknowledgement is not in canonical form")
    return ack

