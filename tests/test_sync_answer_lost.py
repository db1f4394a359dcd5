"""The node committed but its answer was lost: the retry comes back ``duplicate``, counted once."""

from __future__ import annotations

from centralhelp import running_node
from faultproxy import Fault, FaultProxy
from kiosk.contract.ack import parse_ack
from kiosk.station.datadir import DataDir
from kiosk.station.delivery import ack_path
from synchelp import acknowledged, kiosk_with_batches, once


def test_answer_lost_after_commit(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k")
    with running_node(central, tmp_path / "n1") as (node, server), FaultProxy(server.port) as proxy:
        proxy.add(Fault(drop_answer=True, from_upload_byte=1000))  # the answer to the first POST
        lost = once(kiosk, f"n1={proxy.url}")
        assert not lost[0].ok
        assert node.store.checkpoint()[0] == 12  # the node did commit batch 1
        assert acknowledged(kiosk, central) == {1: [], 2: []}
        retry = once(kiosk, f"n1={proxy.url}")
        assert retry[0].ok and retry[0].pushed == 2
        assert node.store.checkpoint()[0] == 15  # 12 + 3: batch 1 once
    verdict = parse_ack(ack_path(DataDir(kiosk), "official", "n1", 1).read_bytes(), None).verdict
    assert verdict == "duplicate"
    assert acknowledged(kiosk, central) == {1: ["n1"], 2: ["n1"]}
