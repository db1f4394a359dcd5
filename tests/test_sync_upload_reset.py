"""A connection cut in the middle of an upload: the node records nothing, the next round delivers."""

from __future__ import annotations

from centralhelp import batches, running_node
from faultproxy import Fault, FaultProxy
from synchelp import acknowledged, kiosk_with_batches, once


def test_connection_reset_mid_upload(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k")
    first = batches(kiosk)[0]
    with running_node(central, tmp_path / "n1") as (node, server), FaultProxy(server.port) as proxy:
        # the GETs before it are a few hundred bytes: cut inside the first batch's body
        proxy.add(Fault(cut_upload_after=1000 + len(first) // 2))
        cut = once(kiosk, f"n1={proxy.url}")
        assert not cut[0].ok and cut[0].error
        assert node.store.checkpoint()[0] == 0  # half a batch is no batch
        assert node.store.last_accepted(node.roster.kiosks[0].kiosk_key_hex) == 0
        done = once(kiosk, f"n1={proxy.url}")
        assert done[0].ok
        assert node.store.checkpoint()[0] == 15
    assert acknowledged(kiosk, central) == {1: ["n1"], 2: ["n1"]}
