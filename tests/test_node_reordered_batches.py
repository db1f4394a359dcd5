"""Batches out of order: an early batch is held until the gap fills, then accepted in order."""

from __future__ import annotations

import httpx

from centralhelp import batches, post, running_node
from kiosk.contract.ack import parse_ack
from synchelp import kiosk_with_batches


def test_reordered_batches_are_held_then_accepted(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(10, 10, 10, 1))
    one, two, three, four = batches(kiosk)
    with running_node(central, tmp_path / "n1") as (node, server):
        for body in (four, two, three):
            ack = post(server, body, central)
            assert ack.verdict == "held" and ack.checkpoint.tree_size == 0
        assert post(server, three, central).verdict == "held"  # held again, not twice
        key = ack.batch.kiosk_key_hex
        assert node.holdings(key)["held"] == [2, 3, 4]
        assert post(server, one, central).verdict == "accepted"
        assert node.holdings(key) | {"checkpoint": None} == node.holdings(key) | {
            "accepted_through": 4, "held": [], "checkpoint": None}
        assert node.store.checkpoint()[0] == 31
        lines = httpx.get(f"{server.url}/v1/kiosks/{key}/acks").content.splitlines()
        acks = [parse_ack(line, central.node_keys["n1"].verify_key) for line in lines]
        assert [(a.batch.number, a.verdict) for a in acks] == [(1, "accepted"), (2, "accepted"), (3, "accepted"),
                                                               (4, "accepted")]
        assert [a.checkpoint.tree_size for a in acks] == [10, 20, 30, 31]  # the board grew in chain order


def test_a_gap_that_never_fills_stays_held(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(10, 10, 1))
    one, two, three = batches(kiosk)
    with running_node(central, tmp_path / "n1") as (node, server):
        assert post(server, one, central).verdict == "accepted"
        assert post(server, three, central).verdict == "held"
        assert node.store.checkpoint()[0] == 10
