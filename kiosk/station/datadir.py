"""A station's data directory, and provisioning it (the technician's ``kiosk provision``).

Layout::

    DATA/election/              the public election package: election.json, roll.sqlite, roll-root.json
    DATA/kiosk.key              the kiosk's Ed25519 key (mode 0600; never leaves the kiosk)
    DATA/station.json           station id, election fingerprint, kiosk public key, sealing interval
    DATA/registration.json      the kiosk's self-signed registration, for ``kiosk-central kiosks add``
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

from kiosk.contract.canonical import canonical_bytes, parse_json
from kiosk.contract.election import ID_PATTERN
from kiosk.errors import FormatError, KioskError, StorageError
from kiosk.files import write_atomic
from kiosk.contract.keys import SigningKey, save_signing_key
from kiosk.contract.package import copy_public, load_package

STATION_FORMAT = "kiosk-station/1"
DEFAULT_SEAL_INTERVAL_S = 30 * 60
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


def provision(election_dir: Path, station: str, data_root: Path, now: int, mode: str = "test",
              seal_interval_s: int = DEFAULT_SEAL_INTERVAL_S) -> dict:
    """Make a new station: package copy (checked), kiosk key, config, registration, first store.

    Returns a summary (station, election, kiosk key fingerprint, mode) for the technician.
    """
    from kiosk.station.station import create_store  # the store's first entry is the station's business

    if not isinstance(station, str) or not ID_PATTERN.match(station):
        raise KioskError(f"station id {station!r} must be 1-40 letters, digits, '_', '.' or '-'")
    if mode not in MODES:
        raise KioskError(f"mode must be test or official, not {mode!r}")
    if not 0 <= seal_interval_s <= 86_400:
        raise KioskError("the sealing interval must be from 0 to 1440 minutes")
    data = DataDir(Path(data_root))
    if data.root.exists() and any(data.root.iterdir()):
        raise KioskError(f"{data.root} is not empty", hint="provision into a new, empty directory")
    load_package(election_dir)  # refuse a package whose signature does not check before copying
    data.root.mkdir(parents=True, exist_ok=True)
    copy_public(election_dir, data.election)
    package = load_package(data.election)
    roll = package.roll()
    try:
        if not roll.verify():
            raise KioskError("the token roll is not frozen, or does not match its signed root",
                             hint="run 'kiosk-central tokens freeze' and copy the package again")
    finally:
        roll.close()
    key = SigningKey.generate()
    save_signing_key(data.key_file, key)
    config = StationIdentity(station, package.election.fingerprint_hex, key.verify_key.hex, seal_interval_s)
    from kiosk.station.attest import attest_installed  # the software this kiosk was provisioned with
    from kiosk.contract.registration import make_registration, write_registration

    registration = make_registration(station, key, config.election_hex,
                                     attest_installed(None).software_hash_hex, now)
    write_registration(registration, data.registration_file, data.root / "registration.png")
    for mode_name in MODES:
        (data.outbox / mode_name).mkdir(parents=True, exist_ok=True)
    data.acks.mkdir(exist_ok=True)
    with writer_lock(data):
        create_store(data, config, key, mode, now)
    write_atomic(data.station_file, canonical_bytes(config.to_json()) + b"\n")  # last: marks it complete
    return {"station": station, "election_hex": config.election_hex, "kiosk_key": key.verify_key.fingerprint,
            "kiosk_key_hex": key.verify_key.hex, "mode": mode, "data": str(data.root)}
