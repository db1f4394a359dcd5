"""``kiosk provision`` as the composition root runs it: the station's provisioning, then the QR image.

:func:`kiosk.station.provisioning.provision` writes the data directory (the station draws no
pictures); the registration's QR code goes beside ``registration.json`` as
``registration.png``, for central staff to scan.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.contract.canonical import parse_json
from kiosk.contract.registration import QUIET_ZONE, registration_qr
from kiosk.station.datadir import DataDir
from kiosk.station.provisioning import DEFAULT_SEAL_INTERVAL_S, provision

REGISTRATION_PNG = "registration.png"


def write_registration_png(envelope: dict, png_path: Path, scale: int = 6) -> None:
    """A PNG of the registration's QR code (byte mode, ECC level M, a 4-module quiet zone)."""
    registration_qr(envelope).save(str(png_path), kind="png", scale=scale, border=QUIET_ZONE)


def provision_station(election_dir: Path, station: str, data_root: Path, now: int, mode: str = "test",
                      seal_interval_s: int = DEFAULT_SEAL_INTERVAL_S) -> dict:
    """Provision a station and draw its registration's QR beside it; the technician's summary."""
    done = provision(election_dir, station, data_root, now, mode=mode, seal_interval_s=seal_interval_s)
    data = DataDir(Path(data_root))
    envelope = parse_json(data.registration_file.read_bytes(), str(data.registration_file))
    write_registration_png(envelope, data.root / REGISTRATION_PNG)
    return done
