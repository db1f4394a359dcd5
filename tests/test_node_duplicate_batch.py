"""A batch sent twice (or ten times) is acknowledged ``duplicate`` and counted once."""

from __future__ import annotations

from centralhelp import batches, post, running_node
from synchelp import kiosk_with_batches


def test_duplicate_batch_counted_once(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k")
    first, second = batches(kiosk)
    with running_node(central, tmp_path / "n1") as (node, server):
        assert post(server, first, central).verdict == "accepted"
        size_root = node.store.checkpoint()
        for _ in range(10):
            ack = post(server, first, central)
            assert (ack.verdict, ack.reason) == ("duplicate", None)
            assert (ack.checkpoint.tree_size, ack.checkpoint.root_hex) == (size_root[0], size_root[1].hex())
        assert post(server, second, central).verdict == "accepted"
        assert post(server, second, central).verdict == "duplicate"
        assert node.store.checkpoint()[0] == 15
