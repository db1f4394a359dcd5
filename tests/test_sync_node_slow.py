"""A slow node: answers later than the daemon waits, or just in time. Delivered once either way."""

from __future__ import annotations

from centralhelp import running_node
from faultproxy import Fault, FaultProxy
from synchelp import FAST, acknowledged, kiosk_with_batches, once
from sync.daemon import SyncSettings

IMPATIENT = SyncSettings(timeout_s=0.3, policy=FAST.policy)


def test_too_slow_then_normal(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k")
    with running_node(central, tmp_path / "n1") as (node, server), FaultProxy(server.port) as proxy:
        proxy.add(Fault(delay_s=1.0, from_upload_byte=1000))  # the first batch's answer comes too late
        slow = once(kiosk, f"n1={proxy.url}", settings=IMPATIENT)
        assert not slow[0].ok and "Timeout" in slow[0].error
        assert acknowledged(kiosk, central) == {1: [], 2: []}
        done = once(kiosk, f"n1={proxy.url}")  # the node is quick again (a patient timeout: a loaded CI is slow)
        assert done[0].ok
        assert node.store.checkpoint()[0] == 15  # the batch the slow answer was about is there once
    assert acknowledged(kiosk, central) == {1: ["n1"], 2: ["n1"]}


def test_slow_but_within_the_timeout(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k")
    with running_node(central, tmp_path / "n1") as (node, server), FaultProxy(server.port) as proxy:
        proxy.add(Fault(delay_s=0.3))
        result = once(kiosk, f"n1={proxy.url}", settings=SyncSettings(timeout_s=10.0, policy=FAST.policy))
        assert result[0].ok and result[0].pushed == 2
        assert node.store.checkpoint()[0] == 15
