"""The daemon through a loopback proxy that delays, truncates and drops: delivered exactly once."""

from __future__ import annotations

import threading

from centralhelp import running_node
from faultproxy import Fault, FaultProxy
from synchelp import FAST, acknowledged, kiosk_with_batches
from sync.daemon import SyncDaemon, SyncSettings


def test_daemon_through_a_bad_network(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(10, 10, 10, 2))
    with running_node(central, tmp_path / "n1") as (node, server), FaultProxy(server.port) as proxy:
        proxy.add(Fault(truncate_answer_after=40),                      # node info cut short
                  Fault(delay_s=0.5, from_upload_byte=1000),            # first answer after a batch: too late
                  Fault(drop_answer=True, from_upload_byte=1000),       # committed, answer lost
                  Fault(cut_upload_after=3000),                         # upload cut mid-body
                  Fault(truncate_answer_after=100, from_upload_byte=1000),  # an acknowledgement cut short
                  Fault(delay_s=0.05))                                  # slow but fine
        daemon = SyncDaemon(kiosk, [f"n1={proxy.url}"], SyncSettings(timeout_s=0.4, policy=FAST.policy))
        stop, done, rounds = threading.Event(), threading.Event(), []

        def seen(result):
            rounds.append(result)
            if result.ok:
                done.set()

        worker = threading.Thread(target=daemon.run, args=(stop, seen))
        worker.start()
        try:
            assert done.wait(60), [r.error for r in rounds]
        finally:
            stop.set()
            worker.join(30)
        assert not proxy.faults  # every fault was met
        assert sum(not r.ok for r in rounds) >= 5
        assert node.store.checkpoint()[0] == 32  # every ballot once
    assert acknowledged(kiosk, central) == {1: ["n1"], 2: ["n1"], 3: ["n1"], 4: ["n1"]}
