"""The sync daemon: every configured node gets every batch, whatever the network does.

Each node has its own worker thread and its own schedule, so a node that is down for hours
never delays the others. A worker runs a round (:func:`sync.pusher.push_round`); after a
round that left something undelivered it waits by :func:`sync.schedule.next_attempt`
(capped exponential backoff with jitter), after a complete round it waits the idle interval
and looks at the outbox again. The daemon holds no key that can sign anything.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kiosk.station.datadir import DataDir
from kiosk.contract.election import Election
from kiosk.errors import KioskError
from kiosk.contract.keys import VerifyKey
from kiosk.contract.package import load_package
from sync.client import DEFAULT_TIMEOUT_S, NodeClient
from sync.pusher import NodeTarget, RoundResult, push_round
from sync.schedule import RetryPolicy, next_attempt

log = logging.getLogger(__name__)


NO_NODES = ("the election package lists no central nodes and none is configured: nothing to deliver to; "
            "waiting until stopped (what to do: list them in [sync] nodes of the configuration, or provision a "
            "package that lists them, then restart kiosk-sync)",
            "선거 패키지에 중앙 노드가 없고 설정된 노드도 없습니다: 보낼 곳이 없어 멈출 때까지 기다립니다 "
            "(설정 파일의 [sync] nodes 에 적거나 노드가 있는 패키지로 준비한 뒤 kiosk-sync 를 다시 시작하십시오)")


def nothing_to_deliver_to(data_root: Path, overrides: list[str] | None) -> bool:
    """No ``--node`` (nor ``[sync] nodes``) and a package that lists no central node.

    Such a kiosk (a demo or a test station, or one that carries its batches on a USB stick) is not
    misconfigured: ``kiosk-sync run`` waits instead of exiting, which would have systemd restart it
    every 10 s for ever."""
    return not overrides and not load_package(DataDir(Path(data_root)).election).election.nodes


def targets(election: Election, overrides: list[str] | None = None) -> list[NodeTarget]:
    """The nodes to deliver to: the package's list, or the ``--node`` options (or ``[sync] nodes``).

    ``--node ID=URL`` sends to node ID (its key from the package) at another URL; ``--node URL``
    must be a URL the package lists. A node the package does not list is refused: its
    acknowledgements could not be checked.
    """
    listed = {n.id: n for n in election.nodes}
    if not overrides:
        if not listed:
            raise KioskError("the election package lists no central nodes",
                             hint="give --node ID=URL (or list them in [sync] nodes of --config)",
                             korean=("선거 패키지에 중앙 노드가 없습니다",
                                     "--node ID=URL 을 주거나 --config 파일의 [sync] nodes 에 적으십시오"))
        return [NodeTarget(n.id, n.url, VerifyKey.from_hex(n.key_hex)) for n in election.nodes]
    out = []
    for text in overrides:
        node_id, sep, url = text.partition("=")
        if sep and node_id in listed:
            node = listed[node_id]
        else:
            url = text
            node = next((n for n in election.nodes if n.url.rstrip("/") == text.rstrip("/")), None)
            if node is None:
                raise KioskError(f"the election package lists no node at {text}",
                                 hint="give --node ID=URL (or ID=URL in [sync] nodes) with a node id from the package",
                                 korean=(f"선거 패키지에 {text} 에 있는 노드가 없습니다",
                                         "--node (또는 [sync] nodes) 에 패키지의 노드 ID 로 ID=URL 을 적으십시오"))
        out.append(NodeTarget(node.id, url, VerifyKey.from_hex(node.key_hex)))
    return out


@dataclass(frozen=True)
class SyncSettings:
    """How the daemon talks and waits."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    policy: RetryPolicy = RetryPolicy()


class SyncDaemon:
    """Delivers one station's outbox to a list of nodes."""

    def __init__(self, data_root: Path, node_options: list[str] | None = None, settings: SyncSettings = SyncSettings(),
                 clock: Callable[[], float] = time.monotonic, rng: Callable[[], float] = random.random) -> None:
        self.data = DataDir(Path(data_root))
        self.election = load_package(self.data.election).election
        self.targets = targets(self.election, node_options)
        self.settings, self.clock, self.rng = settings, clock, rng

    def round(self, target: NodeTarget) -> RoundResult:
        """One round with one node (a fresh connection: a node restarted meanwhile is fine)."""
        client = NodeClient(target.url, self.settings.timeout_s)
        try:
            return push_round(self.data, self.election, target, client)
        finally:
            client.close()

    def once(self) -> list[RoundResult]:
        """One round with every node, side by side; results in the package's node order."""
        results: dict[str, RoundResult] = {}

        def work(t: NodeTarget) -> None:
            results[t.node_id] = self.round(t)

        threads = [threading.Thread(target=work, args=(t,), name=f"sync-{t.node_id}") for t in self.targets]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return [results[t.node_id] for t in self.targets]

    def run(self, stop: threading.Event, on_round: Callable[[RoundResult], None] | None = None) -> None:
        """Deliver until ``stop`` is set: one worker per node, each on its own schedule."""
        workers = [threading.Thread(target=self._worker, args=(t, stop, on_round), name=f"sync-{t.node_id}")
                   for t in self.targets]
        for w in workers:
            w.start()
        for w in workers:
            w.join()

    def _worker(self, target: NodeTarget, stop: threading.Event,
                on_round: Callable[[RoundResult], None] | None) -> None:
        failures = 0
        while not stop.is_set():
            result = self.round(target)
            failures = 0 if result.ok else failures + 1
            if on_round is not None:
                on_round(result)
            now = self.clock()
            wait = next_attempt(now, self.settings.policy, failures, self.rng()) - now
            if failures:
                log.info("node %s: next try in %.1f s (failure %d in a row)", target.node_id, wait, failures)
            stop.wait(wait)
