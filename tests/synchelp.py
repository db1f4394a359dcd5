"""Helpers for the kiosk-sync tests: a kiosk with batches ready, the daemon's once, what was kept."""

from __future__ import annotations

from pathlib import Path

from centralhelp import CentralElection, close_station, make_kiosk, seal_batch, vote
from kiosk.station.datadir import DataDir
from kiosk.station.delivery import deliveries
from sync.daemon import SyncDaemon, SyncSettings
from sync.pusher import RoundResult
from sync.schedule import RetryPolicy

FAST = SyncSettings(timeout_s=5.0, policy=RetryPolicy(base_s=0.05, cap_s=0.2, idle_s=0.1))


def kiosk_with_batches(central: CentralElection, root: Path, sizes=(12, 3), station: str = "S-0001",
                       first_token: int = 0, close: bool = True) -> Path:
    """A registered kiosk that cast ``sum(sizes)`` ballots sealed into one batch per size."""
    make_kiosk(central, root, station)
    at = first_token
    for i, n in enumerate(sizes):
        vote(root, central.official[at:at + n], central.election)
        at += n
        if close and i == len(sizes) - 1:
            close_station(root)
        else:
            seal_batch(root)
    return root


def once(root: Path, *nodes: str, settings: SyncSettings = FAST) -> list[RoundResult]:
    """``kiosk-sync once`` in-process, with ``--node ID=URL`` options."""
    return SyncDaemon(root, list(nodes), settings).once()


def acknowledged(root: Path, central: CentralElection) -> dict[int, list[str]]:
    """Batch number -> nodes whose checked acknowledgement says they hold it."""
    found, bad = deliveries(DataDir(root).root, central.election)
    assert not bad, bad
    return {d.batch.header.number: d.acknowledged_by for d in found}
