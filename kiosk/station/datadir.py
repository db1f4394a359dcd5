"""A station's data directory: where each file lives, ``station.json``, the one-writer lock.

Provisioning one (the technician's ``kiosk provision``) is :mod:`kiosk.station.provisioning`.

Layout::

    DATA/election/              the public election package: election.json, roll.sqlite, roll-root.json
    DATA/kiosk.key              the kiosk's Ed25519 key (mode 0600; never leaves the kiosk)
    DATA/station.json           station id, election fingerprint, kiosk public key, sealing interval
    DATA/registration.json      the kiosk's self-signed registration, for ``kiosk-central kiosks add``
    DATA/cards.json             the authority's card list for this kiosk (``kiosk cards load``), once loaded
    DATA/store-test.sqlite      test-mode store (event log + ballot box), while testing
    DATA/store-official.sqlite  official store, from the change to official mode on
    DATA/outbox/<mode>/batch-NNNNNN.json   sealed batches, for the sync daemon or a USB stick
    DATA/acks/                  acknowledgements from central nodes (written by the sync daemon)
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from kiosk.contract.canonical import parse_json
from kiosk.errors import FormatError, StorageError

STATION_FORMAT = "kiosk-station/1"
MODES = ("test", "official")


@dataclass(frozen=True)
class DataDir:
    """Where each file of a station lives."""

    root: Path

    @property
    def election(self) -> Path:
        return self.root / "election"

    @property
    def key_file(self) -> Path:
        return self.root / "kiosk.key"

    @property
    def station_file(self) -> Path:
        return self.root / "station.json"

    @property
    def registration_file(self) -> Path:
        return self.root / "registration.json"

    @property
    def card_list(self) -> Path:
        return self.root / "cards.json"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def acks(self) -> Path:
        return self.root / "acks"

    def store_file(self, mode: str) -> Path:
        """The store of ``mode``."""
        return self.root / f"store-{mode}.sqlite"

    def batch_file(self, mode: str, number: int) -> Path:
        """Where sealed batch ``number`` of ``mode`` goes in the outbox."""
        return self.outbox / mode / f"batch-{number:06d}.json"


@dataclass(frozen=True)
class StationIdentity:
    """``station.json``: who this kiosk is, as provisioning fixed it (not the [station] settings of kiosk.ini)."""

    station: str
    election_hex: str
    kiosk_key_hex: str
    seal_interval_s: int

    def to_json(self) -> dict:
        """The body of ``station.json``."""
        return {"format": STATION_FORMAT, "station": self.station, "election_hex": self.election_hex,
                "kiosk_key_hex": self.kiosk_key_hex, "seal_interval_s": self.seal_interval_s}


def read_config(data: DataDir) -> StationIdentity:
    """Read ``station.json`` strictly: a missing or unknown field is an error naming it."""
    path = data.station_file
    if not path.exists():
        raise FormatError(f"{data.root} is not a provisioned station (no station.json)",
                          hint="run: kiosk provision --election DIR --station S --data DIR")
    body = parse_json(path.read_bytes(), str(path))
    fields = {"format", "station", "election_hex", "kiosk_key_hex", "seal_interval_s"}
    if not isinstance(body, dict) or set(body) != fields:
        raise FormatError(f"{path} must have exactly the fields {sorted(fields)}")
    if body["format"] != STATION_FORMAT:
        raise FormatError(f"{path} has format {body['format']!r}; this version reads {STATION_FORMAT!r}")
    interval = body["seal_interval_s"]
    if isinstance(interval, bool) or not isinstance(interval, int) or not 0 <= interval <= 86_400:
        raise FormatError(f"{path}: seal_interval_s must be a whole number of seconds from 0 to 86400")
    return StationIdentity(body["station"], body["election_hex"], body["kiosk_key_hex"], interval)


@contextlib.contextmanager
def writer_lock(data: DataDir):
    """Hold the station's one-writer lock (released by the kernel if the process dies)."""
    fd = os.open(data.root / ".writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise StorageError(f"another kiosk process is using the station in {data.root}",
                               hint="stop the booth service before running this command") from e
        yield
    finally:
        os.close(fd)
