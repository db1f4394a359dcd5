"""A test batch sent to an official node is refused; a test node takes it; the two never mix."""

from __future__ import annotations

import pytest

from centralhelp import batches, close_station, make_kiosk, post, running_node, vote
from kiosk.errors import StorageError
from sync.central.node import CentralNode


def test_test_batch_to_official_node(central, tmp_path):
    kiosk = make_kiosk(central, tmp_path / "k", mode="test")
    vote(kiosk, central.test[:4], central.election)
    close_station(kiosk)
    (batch,) = batches(kiosk, "test")
    with running_node(central, tmp_path / "official") as (node, server):
        ack = post(server, batch, central)
        assert (ack.verdict, ack.reason, ack.mode) == ("rejected", "wrong_mode", "official")
        assert node.store.checkpoint()[0] == 0
    with running_node(central, tmp_path / "testnode", mode="test") as (node, server):
        ack = post(server, batch, central)
        assert (ack.verdict, ack.mode) == ("accepted", "test")
        assert node.store.checkpoint()[0] == 4


def test_a_store_is_for_one_mode_only(central, tmp_path):
    import sync.central.node as node_module
    from sync.central.store import NodeMeta

    with running_node(central, tmp_path / "n1"):
        pass
    wrong = NodeMeta(central.election.fingerprint_hex, central.node_keys["n1"].verify_key.hex, "test")
    with pytest.raises(StorageError):
        # the node's own way to its store: the SQLite file, or the PostgreSQL run's database
        node_module.open_store(None, node_module.store_path(tmp_path / "n1", "official"), wrong)
    CentralNode(central.directory, tmp_path / "n1", mode="test").close()  # its own file: fine
