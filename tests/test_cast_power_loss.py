"""Power loss: the power fails at a random write, sync or truncate while ballots are cast and sealed.

Each cut runs the real store code over :mod:`powercut`'s virtual file system, then builds the
disk as it could be after the cut (synced data, plus a random subset of the unsynced writes,
torn at 512 bytes), opens that with plain ``sqlite3`` and checks: ``kiosk verify`` passes,
SQLite's integrity check passes, and every ballot whose cast returned Cast is there.

With ``synchronous=FULL`` (the store's setting): 0 corrupt stores and 0 lost acknowledged
ballots over 120 cuts. The same harness with ``synchronous=NORMAL`` must lose acknowledged
ballots, which shows that the harness can fail.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import sqlite3
from functools import partial
from pathlib import Path

import pytest

from kiosk.station.casting import Cast, cast
from kiosk.errors import KioskError
from kiosk.station.sealing import seal
from kiosk.station.station import Station
from kiosk.station.verify import verify_data
from powercut import ApswConnection, PowerCutVFS
from storehelp import NOW, choices, make_station

CASTS = 14          # ballots a run tries to cast before the power fails
SEAL_EVERY = 5      # so that cuts land in sealing (and its checkpoint and VACUUM) too


def run_until_cut(template: Path, scratch: Path, tokens, vfs: PowerCutVFS, synchronous: str) -> list[bytes]:
    """Cast (and seal) on a copy of the station until the power fails; the acknowledged ballot ids."""
    shutil.copytree(template, scratch)
    acknowledged: list[bytes] = []
    connect = partial(lambda path, read_only, name: ApswConnection(path, name, read_only), name=vfs.name)
    station = None
    try:
        station = Station.open(scratch, connect=connect, synchronous=synchronous)
        for i, (style, payload) in enumerate(tokens[:CASTS]):
            result = cast(station, payload, choices(station.election, style, n=i % 4), NOW + i)
            if not isinstance(result, Cast):
                break
            acknowledged.append(result.ballot_id)
            if station.ballots % SEAL_EVERY == 0:
                seal(station, NOW + i)
    except (KioskError, sqlite3.Error):
        pass  # the power failed: whatever was not acknowledged may or may not be there
    finally:
        if station is not None:  # the process would be gone: drop it without a clean close
            with contextlib.suppress(Exception):
                station.store.db.conn.close(True)
            station.roll.close()
            station._lock.close()
    return acknowledged


def crash_copy(scratch: Path, image: Path, vfs: PowerCutVFS, rng: random.Random) -> bool:
    """The station directory as the disk holds it after the cut; True if unsynced data was lost or torn."""
    shutil.copytree(scratch, image, ignore=shutil.ignore_patterns("store-*.sqlite*"))
    lost_any = False
    for path in vfs.durable:
        name = Path(path).name
        if name.startswith("store-"):
            data, lost = vfs.crash_image(path, rng)
            lost_any |= lost
            (image / name).write_bytes(data)
    return lost_any


def check_image(image: Path, acknowledged: list[bytes]) -> tuple[bool, int]:
    """(corrupt, lost acknowledged ballots) of a crash image."""
    try:
        report = verify_data(image)
        db = sqlite3.connect(image / "store-test.sqlite")
        try:
            intact = db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            present = {r[0] for r in db.execute("SELECT ballot_id FROM ballots")}
        finally:
            db.close()
    except (KioskError, sqlite3.Error):
        return True, len(acknowledged)
    return not (report.ok and intact), len(set(acknowledged) - present)


def count_ops(template: Path, scratch: Path, tokens, synchronous: str) -> int:
    vfs = PowerCutVFS(f"count-{scratch.name}", None)
    try:
        run_until_cut(template, scratch, tokens, vfs, synchronous)
        return vfs.ops
    finally:
        vfs.unregister()


def cuts(store_election, tmp_path: Path, n: int, synchronous: str, seed: int) -> dict:
    template = make_station(store_election, tmp_path / "template")
    rng = random.Random(seed)
    total_ops = count_ops(template, tmp_path / "count", store_election.test, synchronous)
    tally = {"cuts": 0, "corrupt": 0, "lost": 0, "runs_losing_unsynced_data": 0, "acknowledged": 0}
    for i in range(n):
        vfs = PowerCutVFS(f"cut-{tmp_path.name}-{i}", rng.randint(1, total_ops))
        try:
            acknowledged = run_until_cut(template, tmp_path / f"run{i}", store_election.test, vfs, synchronous)
            lost_unsynced = crash_copy(tmp_path / f"run{i}", tmp_path / f"image{i}", vfs, rng)
        finally:
            vfs.unregister()
        corrupt, lost = check_image(tmp_path / f"image{i}", acknowledged)
        tally["cuts"] += 1
        tally["corrupt"] += corrupt
        tally["lost"] += lost
        tally["acknowledged"] += len(acknowledged)
        tally["runs_losing_unsynced_data"] += lost_unsynced
        shutil.rmtree(tmp_path / f"run{i}")
        shutil.rmtree(tmp_path / f"image{i}")
    return tally


@pytest.mark.parametrize("seed", [11, 12])
def test_power_cuts_with_synchronous_full_lose_nothing(store_election, tmp_path, seed):
    """2 x 60 = 120 cuts."""
    tally = cuts(store_election, tmp_path, 60, "FULL", seed)
    print(tally)
    assert tally["corrupt"] == 0 and tally["lost"] == 0, tally
    assert tally["runs_losing_unsynced_data"] > 10, tally  # the cuts did drop and tear unsynced writes
    assert tally["acknowledged"] > 60 * CASTS // 4, tally  # and landed among the casts, not before them


def test_the_same_cuts_with_synchronous_normal_lose_ballots(store_election, tmp_path):
    """Without a sync at each COMMIT, acknowledged ballots vanish: the harness can fail."""
    tally = cuts(store_election, tmp_path, 30, "NORMAL", 13)
    print(tally)
    assert tally["lost"] > 0, tally


@pytest.mark.slow
def test_many_power_cuts(store_election, tmp_path):
    tally = cuts(store_election, tmp_path, 1000, "FULL", 14)
    print(tally)
    assert tally["corrupt"] == 0 and tally["lost"] == 0, tally
