"""Compaction that always happens (issue 21): a kill at any point of closing used to leave the whole
day's casting order in the WAL (rank correlation 1.0) or the store's layout, and nothing compacted
again. Now ``Station.open`` compacts when the WAL holds anything or a ballot was cast after the
last finished compaction; ``kiosk status`` and ``kiosk verify`` say "compaction pending" until then.

A kill is taken as a copy of the store file and its WAL at that point (what a SIGKILL leaves on
disk), at each step of the closing's compaction: after the COMMIT, after the first checkpoint,
after the VACUUM.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sqlite3

import pytest

from kiosk.cli import main as kiosk_main
from kiosk.station.casting import cast
from kiosk.station.polls import close_polls
from kiosk.station.station import Station
from kiosk.station.status import station_status
from kiosk.station.store import Store
from kiosk.station.verify import verify_data
from storehelp import NOW, choices, make_station
from test_order_secrecy import (UNCORRELATED, cell_offsets, page_layout, rank_correlation, replayed_layout,
                                wal_first_frames)

N = 120  # UNCORRELATED is calibrated for 120 ranks
STEPS = ("after_commit", "after_checkpoint", "after_vacuum")


class Killed(Exception):
    pass


def kill_during_compaction(step: str, snapshot):
    """A Store.compact that stops (as a kill would) at ``step`` after copying the files."""
    def compact(self) -> bool:
        if step != "after_commit":
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        if step == "after_vacuum":
            self.db.execute("VACUUM")
        snapshot()
        raise Killed(step)
    return compact


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_any_point_of_closing_is_compacted_at_the_next_open(store_election, tmp_path, monkeypatch, step):
    root = make_station(store_election, tmp_path / "s")
    after = tmp_path / "after-kill"
    with Station.open(root) as station:
        ids = [cast(station, payload, choices(station.election, style, n=i % 4), NOW + i).ballot_id
               for i, (style, payload) in enumerate(store_election.test[:N])]
        records = list(station.store.ballots())
        refs = {r.ballot_id: r.token_ref for r in records}
        monkeypatch.setattr(Store, "compact", kill_during_compaction(
            step, lambda: shutil.copytree(root, after, ignore=shutil.ignore_patterns("*.lock", "*-shm"))))
        with pytest.raises(Killed):
            close_polls(station, NOW + N)
        monkeypatch.undo()
    store_file, wal_file = after / "store-test.sqlite", after / "store-test.sqlite-wal"
    if step == "after_commit":  # the leak this mends: the WAL gives the exact order
        frames = wal_first_frames(wal_file.read_bytes(), ids)
        assert -1 not in frames and rank_correlation(frames, list(range(N))) > 0.95

    assert station_status(after)["compaction_pending"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        kiosk_main(["status", "--data", str(after)])
    assert "compaction pending" in out.getvalue()
    assert any("compaction pending" in n.detail for n in verify_data(after).notes)

    with Station.open(after) as reopened:
        assert not reopened.store.compaction_pending()
    assert not wal_file.exists() or wal_file.stat().st_size == 0
    data = store_file.read_bytes()
    offsets = cell_offsets(data, ids, refs)
    assert -1 not in offsets and abs(rank_correlation(offsets, list(range(N)))) < UNCORRELATED
    assert page_layout(data, ids, refs) == replayed_layout(records, tmp_path / "replay", compact=True)
    assert not station_status(after)["compaction_pending"]
    assert not any("compaction pending" in n.detail for n in verify_data(after).notes)


def test_unsealed_ballots_are_compacted_at_open_and_pending_until_then(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    with Station.open(root) as station:
        assert not station.store.compaction_pending()
        cast(station, store_election.test[0][1], choices(station.election, store_election.test[0][0]), NOW)
        assert station.store.compaction_pending()  # one ballot, its order in the WAL
    assert station_status(root)["compaction_pending"]  # closed cleanly: the layout still has it
    with Station.open(root) as station:
        assert not station.store.compaction_pending()
    assert not station_status(root)["compaction_pending"]


def test_a_failed_compaction_says_so_and_is_retried(store_election, tmp_path, monkeypatch):
    root = make_station(store_election, tmp_path / "s")
    with Station.open(root) as station:
        cast(station, store_election.test[0][1], choices(station.election, store_election.test[0][0]), NOW)
        real = station.store.db
        monkeypatch.setattr(station.store, "db", _Failing(real))
        assert station.store.compact() is False
        monkeypatch.setattr(station.store, "db", real)
        assert station.store.compaction_pending()
        assert station.store.compact() is True and not station.store.compaction_pending()


class _Failing:
    def __init__(self, db) -> None:
        self.db = db

    def execute(self, sql, *args):
        if sql == "VACUUM":
            raise sqlite3.OperationalError("database is locked")
        return self.db.execute(sql, *args)
