"""Cast vote records: a closed kiosk's plain ballot box, for a ballot-comparison audit.

A kiosk exports them after the polls closed (``kiosk export-cvr``); central staff give them to
the audit board and to nobody else: with the ballot ids, a voter's tracking code leads to the
voter's record. The file holds no order (records sorted by ballot id), no time, no token and no
serial; each record is the ballot's random id (the id printed as the paper's QR), its ballot
style and its selections as the ballot box holds them. The file::

    {"body": {"format": "kiosk-cvr/1", "election_hex", "station", "mode", "kiosk_key_hex",
              "records": [{"ballot_id_hex", "style", "selections"}, ...]},   (by ballot_id_hex)
     "signature": b64url(Ed25519 by the kiosk key over "kiosk-cvr/1" || 0x00 || canonical(body))}

:func:`parse_cvrs` is strict and checks the signature against the key it names (the caller
checks that key against the roster); each record's selections are checked against the
election's rules by the caller, which knows the election.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.contract.canonical import b64url, canonical_bytes, from_b64url, from_hex, parse_json
from kiosk.contract.election import ID_PATTERN
from kiosk.contract.keys import SigningKey, VerifyKey
from kiosk.errors import FormatError

CVR_FORMAT = "kiosk-cvr/1"
CVR_CONTEXT = "kiosk-cvr/1"
FIELDS = {"format", "election_hex", "station", "mode", "kiosk_key_hex", "records"}
RECORD_FIELDS = {"ballot_id_hex", "style", "selections"}
MAX_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class CastVoteRecord:
    """One ballot as its kiosk recorded it."""

    ballot_id_hex: str
    style: str
    selections: dict

    def __repr__(self) -> str:  # selections are secret: never in a log line
        return f"CastVoteRecord(style={self.style})"


@dataclass(frozen=True)
class CvrFile:
    """A parsed, signature-checked export of one kiosk."""

    election_hex: str
    station: str
    mode: str
    kiosk_key_hex: str
    records: tuple[CastVoteRecord, ...]


def sign_cvrs(key: SigningKey, election_hex: str, station: str, mode: str,
              records: list[CastVoteRecord]) -> bytes:
    """The export file's bytes: records sorted by ballot id, signed by the kiosk key."""
    body = {"format": CVR_FORMAT, "election_hex": election_hex, "station": station, "mode": mode,
            "kiosk_key_hex": key.verify_key.hex,
            "records": [{"ballot_id_hex": r.ballot_id_hex, "style": r.style, "selections": r.selections}
                        for r in sorted(records, key=lambda r: r.ballot_id_hex)]}
    message = canonical_bytes(body)
    return canonical_bytes({"body": body, "signature": b64url(key.sign(CVR_CONTEXT, message))}) + b"\n"


def parse_cvrs(data: bytes) -> CvrFile:
    """Parse an export and check its signature; :class:`FormatError` names the first problem."""
    if len(data) > MAX_BYTES:
        raise FormatError("this cast vote record file is far too large")
    outer = parse_json(data, "the cast vote record file")
    if not isinstance(outer, dict) or set(outer) != {"body", "signature"}:
        raise FormatError("a cast vote record file holds exactly body and signature")
    body = outer["body"]
    if not isinstance(body, dict) or set(body) != FIELDS:
        raise FormatError(f"the cast vote records' body must hold exactly {sorted(FIELDS)}")
    if body["format"] != CVR_FORMAT:
        raise FormatError(f"cast vote record format {body['format']!r} is not known (this reads {CVR_FORMAT})",
                          hint="update the reading software")
    from_hex(body["election_hex"], "election_hex", 32)
    key = VerifyKey.from_hex(body["kiosk_key_hex"], "kiosk_key_hex")
    for name in ("station", "mode"):
        if not isinstance(body[name], str) or not ID_PATTERN.match(body[name]):
            raise FormatError(f"{name} must be an id")
    if not isinstance(body["records"], list):
        raise FormatError("records must be a list")
    records, last = [], ""
    for i, r in enumerate(body["records"]):
        if not isinstance(r, dict) or set(r) != RECORD_FIELDS:
            raise FormatError(f"records[{i}] must hold exactly {sorted(RECORD_FIELDS)}")
        from_hex(r["ballot_id_hex"], f"records[{i}].ballot_id_hex", 16)
        if r["ballot_id_hex"] <= last:
            raise FormatError(f"records[{i}]: records must be sorted by ballot id, each once")
        if not isinstance(r["style"], str) or not ID_PATTERN.match(r["style"]) or not isinstance(r["selections"], dict):
            raise FormatError(f"records[{i}]: style must be an id and selections an object")
        last = r["ballot_id_hex"]
        records.append(CastVoteRecord(r["ballot_id_hex"], r["style"], r["selections"]))
    if not isinstance(outer["signature"], str):
        raise FormatError("the signature must be text")
    key.verify(CVR_CONTEXT, canonical_bytes(body), from_b64url(outer["signature"], "the signature"))
    return CvrFile(body["election_hex"], body["station"], body["mode"], body["kiosk_key_hex"], tuple(records))
