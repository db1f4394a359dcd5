"""The paper record's QR: which election, and which ballot. Pure.

Payload ``KP1:`` + the election tag (base32 of 5 fingerprint bytes, as tokens carry it) + ``:``
+ the ballot's random id (32 lowercase hex digits), QR alphanumeric-friendly ASCII. The tag lets
an audit board see at once that a paper belongs to another election; the id finds the paper's
cast vote record in a comparison audit. It names no time, no station and no order.
"""

from __future__ import annotations

import re

from kiosk.errors import FormatError

PREFIX = "KP1:"
_PAYLOAD = re.compile(r"KP1:([A-Z2-7]{8}):([0-9a-f]{32})")


def paper_qr(election_tag: str, ballot_id_hex: str) -> str:
    """The payload printed on the paper record."""
    payload = f"{PREFIX}{election_tag}:{ballot_id_hex}"
    if not _PAYLOAD.fullmatch(payload):
        raise ValueError("an election tag of 8 base32 letters and a 128-bit ballot id are needed")
    return payload


def parse_paper_qr(text: object) -> tuple[str, str]:
    """``(election tag, ballot id hex)`` of a paper's QR, or :class:`FormatError` naming the problem."""
    if not isinstance(text, str) or len(text) > 200:
        raise FormatError("this is not a paper record's QR code")
    match = _PAYLOAD.fullmatch(text.strip())
    if match is None:
        if text.startswith("KP") and text[2:].split(":", 1)[0].isdigit() and not text.startswith(PREFIX):
            raise FormatError(f"paper record QR version {text[2:].split(':', 1)[0]} is not known (this reads KP1)",
                              hint="update the audit software")
        raise FormatError("this is not a paper record's QR code (KP1:TAG:BALLOT-ID) / 투표 확인지의 QR 코드가 아닙니다")
    return match.group(1), match.group(2)
