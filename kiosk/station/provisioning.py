"""Provisioning a station (the technician's ``kiosk provision``): a new data directory, complete or absent.

The package copy is checked, the kiosk key made, the registration signed and written, the
first store created; ``station.json`` is written last, so a directory without it was never
provisioned. The registration's QR image is drawn by the composition root
(:func:`kiosk.app.provision.provision_station`): the station writes no pictures.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.contract.canonical import canonical_bytes
from kiosk.contract.election import ID_PATTERN
from kiosk.contract.envelope import write_envelope
from kiosk.contract.keys import SigningKey, save_signing_key
from kiosk.contract.package import copy_public, load_package
from kiosk.contract.registration import make_registration
from kiosk.errors import KioskError
from kiosk.files import write_atomic
from kiosk.station.attest import attest_installed
from kiosk.station.datadir import MODES, DataDir, StationIdentity, writer_lock
from kiosk.station.station import create_store

DEFAULT_SEAL_INTERVAL_S = 30 * 60


def provision(election_dir: Path, station: str, data_root: Path, now: int, mode: str = "test",
              seal_interval_s: int = DEFAULT_SEAL_INTERVAL_S) -> dict:
    """Make a new station: package copy (checked), kiosk key, config, registration, first store.

    Returns a summary (station, election, kiosk key fingerprint, mode) for the technician.
    """
    if not isinstance(station, str) or not ID_PATTERN.match(station):
        raise KioskError(f"station id {station!r} must be 1-40 letters, digits, '_', '.' or '-'")
    if mode not in MODES:
        raise KioskError(f"mode must be test or official, not {mode!r}")
    if not 0 <= seal_interval_s <= 86_400:
        raise KioskError("the sealing interval must be from 0 to 1440 minutes")
    data = DataDir(Path(data_root))
    if data.root.exists() and any(data.root.iterdir()):
        raise KioskError(f"{data.root} is not empty", hint="provision into a new, empty directory")
    load_package(election_dir)  # refuse a bad signature or a format-1 package (format_1_refused) before copying
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
    registration = make_registration(station, key, config.election_hex,
                                     attest_installed(None).software_hash_hex, now)
    write_envelope(data.registration_file, registration)  # its QR is the composition root's (kiosk.app.provision)
    for mode_name in MODES:
        (data.outbox / mode_name).mkdir(parents=True, exist_ok=True)
    data.acks.mkdir(exist_ok=True)
    with writer_lock(data):
        create_store(data, config, key, mode, now)
    write_atomic(data.station_file, canonical_bytes(config.to_json()) + b"\n")  # last: marks it complete
    return {"station": station, "election_hex": config.election_hex, "kiosk_key": key.verify_key.fingerprint,
            "kiosk_key_hex": key.verify_key.hex, "mode": mode, "data": str(data.root)}
