"""The kiosk roster: which kiosk keys may send batches, and for which station (authority-signed).

``roster.json`` beside ``election.json`` is a signed envelope (context ``kiosk-roster/1``,
signed by the authority key the package names)::

    {"election_hex", "format": "kiosk-roster/1",
     "kiosks": [{"kiosk_key_hex", "registered", "station"}, ...]}   in the order added

A kiosk gets on the roster from the registration file ``kiosk provision`` writes
(``DATA/registration.json``, see :mod:`kiosk.station.datadir`): an envelope with context
``kiosk-registration/1`` signed by the kiosk's own key, whose body is exactly
``{"election_hex", "format", "kiosk_key_hex", "station", "time"}``. A station may have more
than one kiosk (a replacement for one that died); a kiosk key appears at most once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from kiosk.contract.election import ID_PATTERN
from kiosk.contract.envelope import read_envelope, seal_envelope, write_envelope
from kiosk.errors import FormatError, KioskError
from kiosk.contract.keys import SigningKey, VerifyKey
from kiosk.contract.registration import parse_registration as read_kiosk_registration

ROSTER_FILE = "roster.json"
ROSTER_CONTEXT = "kiosk-roster/1"
ROSTER_FORMAT = "kiosk-roster/1"
MAX_REGISTRATION_BYTES = 2048


@dataclass(frozen=True)
class RosterEntry:
    """One registered kiosk."""

    station: str
    kiosk_key_hex: str
    registered: int

    def to_json(self) -> dict:
        return {"kiosk_key_hex": self.kiosk_key_hex, "registered": self.registered, "station": self.station}


@dataclass(frozen=True)
class Roster:
    """The signed roster of an election."""

    election_hex: str
    kiosks: tuple[RosterEntry, ...]

    def kiosk(self, kiosk_key_hex: str) -> RosterEntry | None:
        """The entry of a kiosk key, or None when it is not on the roster."""
        return next((k for k in self.kiosks if k.kiosk_key_hex == kiosk_key_hex), None)

    @property
    def stations(self) -> list[str]:
        """Every station with at least one kiosk, in order of first registration."""
        return list(dict.fromkeys(k.station for k in self.kiosks))

    def body(self) -> dict:
        """The signed body of ``roster.json``."""
        return {"election_hex": self.election_hex, "format": ROSTER_FORMAT,
                "kiosks": [k.to_json() for k in self.kiosks]}


def parse_registration(data: bytes, election_hex: str) -> RosterEntry:
    """Check a kiosk's registration file (what ``kiosk provision`` writes) for this election."""
    if len(data) > MAX_REGISTRATION_BYTES:
        raise FormatError("a registration file is at most 2 KiB", hint="give DATA/registration.json of the kiosk")
    registration = read_kiosk_registration(data)
    if registration.election_hex != election_hex:
        raise KioskError("the kiosk was provisioned for another election",
                         hint="provision the kiosk with this election package, then register it")
    return RosterEntry(registration.station, registration.kiosk_key_hex, registration.time)


def _roster_from_body(body: Any, election_hex: str) -> Roster:
    if not isinstance(body, dict) or set(body) != {"election_hex", "format", "kiosks"} \
            or body["format"] != ROSTER_FORMAT or body["election_hex"] != election_hex:
        raise FormatError("roster.json is not this election's kiosk roster")
    if not isinstance(body["kiosks"], list):
        raise FormatError("roster.json: kiosks must be a list")
    kiosks = []
    for i, k in enumerate(body["kiosks"]):
        if not isinstance(k, dict) or set(k) != {"kiosk_key_hex", "registered", "station"}:
            raise FormatError(f"roster.json: kiosks[{i}] must have exactly kiosk_key_hex, registered, station")
        VerifyKey.from_hex(k["kiosk_key_hex"], f"roster.json kiosks[{i}].kiosk_key_hex")
        if not isinstance(k["station"], str) or not ID_PATTERN.match(k["station"]) \
                or isinstance(k["registered"], bool) or not isinstance(k["registered"], int):
            raise FormatError(f"roster.json: kiosks[{i}] has a bad station or registration time")
        kiosks.append(RosterEntry(k["station"], k["kiosk_key_hex"], k["registered"]))
    if len({k.kiosk_key_hex for k in kiosks}) != len(kiosks):
        raise FormatError("roster.json names a kiosk key twice")
    return Roster(election_hex, tuple(kiosks))


def load_roster(directory: Path, election_hex: str, authority: VerifyKey) -> Roster:
    """The package's roster, signature-checked; an empty roster when there is none yet."""
    path = Path(directory) / ROSTER_FILE
    if not path.exists():
        return Roster(election_hex, ())
    return _roster_from_body(read_envelope(path, ROSTER_CONTEXT, authority, "the kiosk roster"), election_hex)


def add_kiosk(directory: Path, election_hex: str, authority: SigningKey, registration: bytes) -> RosterEntry:
    """Append a registered kiosk to the roster and sign it again (refuses a key already on it)."""
    return add_kiosks(directory, election_hex, authority, [registration])[0]


def add_kiosks(directory: Path, election_hex: str, authority: SigningKey,
               registrations: Iterable[bytes]) -> list[RosterEntry]:
    """Append registered kiosks to the roster and sign it once (refuses a key already on it).

    One signature for many kiosks: adding thousands one at a time would re-read and re-sign
    a growing roster each time.
    """
    roster = load_roster(directory, election_hex, authority.verify_key)
    known = {k.kiosk_key_hex for k in roster.kiosks}
    entries = []
    for registration in registrations:
        entry = parse_registration(registration, election_hex)
        if entry.kiosk_key_hex in known:
            raise KioskError(f"kiosk {VerifyKey.from_hex(entry.kiosk_key_hex).fingerprint} is already on the roster",
                             hint="nothing to do")
        known.add(entry.kiosk_key_hex)
        entries.append(entry)
    updated = Roster(election_hex, roster.kiosks + tuple(entries))
    write_envelope(Path(directory) / ROSTER_FILE, seal_envelope(ROSTER_CONTEXT, updated.body(), authority))
    return entries
