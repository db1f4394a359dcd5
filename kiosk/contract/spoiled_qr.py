"""The QR of a checked (spoiled) ballot: which election, which ballot, and the seed of its encryption. Pure.

When a voter chooses "check this ballot" instead of casting (a Benaloh challenge), the kiosk prints
this QR on the paper record and publishes the encrypted ballot as spoiled. Anyone who scans it
(``kiosk-central board check-spoiled``, or the node's ``/check-spoiled`` page) finds the published
ballot by its id and opens it with the printed seed alone
(:func:`kiosk.contract.crypto.encrypted_ballot.open_with_seed`): what the kiosk encrypted is shown,
and the voter compares it with what they chose. The seed opens only that ballot, which never counts.

Payload, all QR alphanumeric characters::

    KC1:TAG:BALLOT-ID:SEED

``TAG`` the election tag (8 base32 letters, as tokens carry it), ``BALLOT-ID`` the ballot's random
id (32 hex digits, upper case), ``SEED`` the 32-byte nonce seed in RFC 4648 base32 without padding
(52 letters and digits). Lower case is read as upper case (a typed code).
"""

from __future__ import annotations

import base64
import re

from kiosk.errors import FormatError

PREFIX = "KC1:"
_PAYLOAD = re.compile(r"KC1:([A-Z2-7]{8}):([0-9A-F]{32}):([A-Z2-7]{52})")


def spoiled_qr(election_tag: str, ballot_id: bytes, nonce_seed: bytes) -> str:
    """The payload the kiosk prints for a checked ballot."""
    if len(ballot_id) != 16 or len(nonce_seed) != 32:
        raise ValueError("a 128-bit ballot id and a 32-byte seed are needed")
    payload = f"{PREFIX}{election_tag}:{ballot_id.hex().upper()}:{base64.b32encode(nonce_seed).decode().rstrip('=')}"
    if not _PAYLOAD.fullmatch(payload):
        raise ValueError("the election tag is 8 base32 letters")
    return payload


# the words the paper record prints (kiosk/messages/reports.toml: checked, checked_qr)
NOT_A_CODE = ("확인한 투표지의 QR 코드가 아닙니다.", "'무효(확인용)' 종이 기록의 '확인용 QR' 코드를 읽히세요.")


def parse_spoiled_qr(text: object) -> tuple[str, bytes, bytes]:
    """``(election tag, ballot id, nonce seed)`` of a checked ballot's QR, or :class:`FormatError`."""
    if not isinstance(text, str) or len(text) > 200:
        raise FormatError("this is not a checked ballot's QR code (KC1:…)",
                          hint="scan the 'Check QR' of the paper record marked SPOILED (CHECKED)",
                          korean=NOT_A_CODE)
    match = _PAYLOAD.fullmatch(text.strip().upper())
    if match is None:
        version = text.strip()[2:].split(":", 1)[0]
        if text.strip().upper().startswith("KC") and version.isdigit() and version != "1":
            raise FormatError(f"checked ballot QR version {version} is not known (this reads KC1)",
                              hint="update the verifier",
                              korean=(f"알 수 없는 QR 코드 버전({version})입니다.", "검증 프로그램을 새 버전으로 바꾸세요."))
        raise FormatError("this is not a checked ballot's QR code (KC1:TAG:BALLOT-ID:SEED) / "
                          "확인한 투표지의 QR 코드가 아닙니다",
                          hint="scan the 'Check QR' of the paper record marked SPOILED (CHECKED)",
                          korean=NOT_A_CODE)
    seed = base64.b32decode(match.group(3) + "====")
    if base64.b32encode(seed).decode().rstrip("=") != match.group(3):   # the last letter's unused bits set
        raise FormatError("the checked ballot's QR has a damaged seed", hint="scan the QR again",
                          korean=("QR 코드의 난수 부분이 손상되었습니다.", "QR 코드를 다시 읽히세요."))
    return match.group(1), bytes.fromhex(match.group(2)), seed
