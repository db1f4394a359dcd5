"""The kiosk's registration: what a technician carries from a provisioned kiosk to central staff.

A signed envelope (``kiosk-registration/1``, signed by the kiosk key itself, which proves the
kiosk holds it) whose body names the station, the election fingerprint, the kiosk's public
key and its short fingerprint, and the software hash. It travels as a JSON file on a USB
stick or as a QR code on the kiosk's screen or paper; ``kiosk-central kiosks add`` reads either
with :func:`parse_registration`, which refuses anything that is not exactly this format with a
:class:`~kiosk.errors.FormatError` (does not parse, wrong shape or version, signature does not
verify) or a :class:`~kiosk.errors.ValidationError` (parses, but a field breaks a rule), and
nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import segno

from kiosk.contract.canonical import canonical_bytes, parse_json
from kiosk.contract.election import ID_PATTERN
from kiosk.contract.envelope import open_envelope, seal_envelope
from kiosk.errors import FormatError, SignatureError, ValidationError
from kiosk.files import read_input
from kiosk.contract.keys import SigningKey, VerifyKey

REGISTRATION_CONTEXT = "kiosk-registration/1"
FIELDS = ("election_hex", "format", "kiosk_fingerprint", "kiosk_key_hex", "software_hash_hex", "station", "time")
HEX64 = re.compile(r"\A[0-9a-f]{64}\Z")
QUIET_ZONE = 4  # modules, as ISO/IEC 18004 asks (for whoever draws registration_qr)


@dataclass(frozen=True)
class Registration:
    """A checked registration."""

    station: str
    election_hex: str
    kiosk_key_hex: str
    software_hash_hex: str
    time: int

    @property
    def kiosk_key(self) -> VerifyKey:
        """The kiosk's public key."""
        return VerifyKey.from_hex(self.kiosk_key_hex)

    @property
    def kiosk_fingerprint(self) -> str:
        """The key's short fingerprint, as printed on the kiosk's label and zero report."""
        return self.kiosk_key.fingerprint


def make_registration(station: str, key: SigningKey, election_hex: str, software_hash_hex: str,
                      now: int) -> dict:
    """The signed registration envelope of a kiosk (checked by the same rules as the parser)."""
    body = {"format": REGISTRATION_CONTEXT, "station": station, "election_hex": election_hex,
            "kiosk_key_hex": key.verify_key.hex, "kiosk_fingerprint": key.verify_key.fingerprint,
            "software_hash_hex": software_hash_hex, "time": now}
    _check_body(body)
    return seal_envelope(REGISTRATION_CONTEXT, body, key)


def registration_payload(envelope: dict) -> bytes:
    """The registration's bytes as they go into the QR code: canonical JSON, ASCII."""
    return canonical_bytes(envelope)


def registration_qr(envelope: dict) -> segno.QRCode:
    """The QR code of a registration (byte mode, ECC level M)."""
    return segno.make(registration_payload(envelope), error="m", mode="byte", micro=False)


def _check_body(body: dict) -> None:
    problems: list[tuple[str, str]] = []
    missing, unknown = set(FIELDS) - set(body), set(body) - set(FIELDS)
    if missing or unknown:
        problems += [(name, "missing") for name in sorted(missing)]
        problems += [(name, "unknown field") for name in sorted(unknown)]
        raise ValidationError("the registration", problems,
                              hint="it was made by another software version or edited")
    station = body["station"]
    if not isinstance(station, str) or not ID_PATTERN.match(station):
        problems.append(("station", "must be 1-40 letters, digits, '_', '.' or '-'"))
    for name in ("election_hex", "kiosk_key_hex", "software_hash_hex"):
        if not isinstance(body[name], str) or not HEX64.match(body[name]):
            problems.append((name, "must be 64 lowercase hex digits"))
    key_hex = body["kiosk_key_hex"]
    if isinstance(key_hex, str) and HEX64.match(key_hex) \
            and body["kiosk_fingerprint"] != VerifyKey.from_hex(key_hex).fingerprint:
        problems.append(("kiosk_fingerprint", "does not belong to kiosk_key_hex"))
    t = body["time"]
    if isinstance(t, bool) or not isinstance(t, int) or not 0 <= t < 2**40:
        problems.append(("time", "must be whole seconds since 1970"))
    if problems:
        raise ValidationError("the registration", problems, hint="it was edited or damaged; make it again")


def parse_registration(data: bytes | str, what: str = "registration") -> Registration:
    """Read a registration (file contents or a scanned QR text) strictly; see the module doc."""
    envelope = parse_json(data, what)
    try:
        body = open_envelope(envelope, REGISTRATION_CONTEXT, None, what)
    except SignatureError as e:  # self-signed: a bad signature means changed bytes, not a stranger
        raise FormatError(f"{what}: the kiosk's signature does not verify",
                          hint="the file was changed or damaged; take it from the kiosk again") from e
    if body.get("format") != REGISTRATION_CONTEXT:
        raise FormatError(f"{what} has format {body.get('format')!r}; this version reads {REGISTRATION_CONTEXT!r}")
    _check_body(body)
    if body["kiosk_key_hex"] != envelope["signer_hex"]:
        raise ValidationError(what, [("signer_hex", "the registration is signed by another key than it names")])
    return Registration(body["station"], body["election_hex"], body["kiosk_key_hex"],
                        body["software_hash_hex"], body["time"])


def read_registration(path: Path) -> Registration:
    """Read a registration file."""
    data = read_input(path, f"the registration {path}", hint="give the registration.json the kiosk wrote")
    return parse_registration(data, str(path))
