"""A node that is down, then up: nothing is lost, the daemon resumes, nothing is counted twice."""

from __future__ import annotations

import threading

from centralhelp import batches, post, running_node
from synchelp import FAST, acknowledged, kiosk_with_batches, once
from sync.daemon import SyncDaemon
from sync.central.serve import bind


def free_port() -> int:
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_node_down_then_up_once(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k")
    port = free_port()
    down = once(kiosk, f"n1=http://127.0.0.1:{port}")
    assert not down[0].ok and "ConnectError" in down[0].error
    assert acknowledged(kiosk, central) == {1: [], 2: []}
    with running_node(central, tmp_path / "n1", port=port) as (node, _):
        up = once(kiosk, f"n1=http://127.0.0.1:{port}")
        assert up[0].ok and up[0].pushed == 2
        assert node.store.checkpoint()[0] == 15
        again = once(kiosk, f"n1=http://127.0.0.1:{port}")  # nothing left to send
        assert again[0].ok and again[0].pushed == 0
    assert acknowledged(kiosk, central) == {1: ["n1"], 2: ["n1"]}


def test_daemon_waits_with_backoff_until_the_node_comes_up(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k")
    port = free_port()
    daemon = SyncDaemon(kiosk, [f"n1=http://127.0.0.1:{port}"], FAST)
    stop, failures, done = threading.Event(), [], threading.Event()

    def seen(result):
        if result.ok:
            done.set()
        else:
            failures.append(result)
            if len(failures) == 3:
                started.set()

    started = threading.Event()
    worker = threading.Thread(target=daemon.run, args=(stop, seen))
    worker.start()
    try:
        assert started.wait(30), "the daemon did not keep trying a node that is down"
        with running_node(central, tmp_path / "n1", port=port) as (node, _):
            assert done.wait(30), "the daemon did not deliver once the node was up"
            assert node.store.checkpoint()[0] == 15
    finally:
        stop.set()
        worker.join(30)
    assert not worker.is_alive()
    assert acknowledged(kiosk, central) == {1: ["n1"], 2: ["n1"]}


def test_node_restarted_mid_day_keeps_its_board(central, tmp_path):
    """A node stopped and started again on the same data continues its board where it was."""
    from kiosk.contract.merkle import root_from_leaf_hashes

    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(10, 10, 3))
    port = free_port()
    with running_node(central, tmp_path / "n1", port=port) as (node, server):
        post(server, batches(kiosk)[0], central)
        assert post(server, batches(kiosk)[2], central).verdict == "held"  # an early one, kept across the restart
    with running_node(central, tmp_path / "n1", port=port) as (node, _):
        assert once(kiosk, f"n1=http://127.0.0.1:{port}")[0].ok
        size, root = node.store.checkpoint()
        assert (size, root) == root_from_leaf_hashes(leaf.ballot.leaf_hash() for leaf in node.store.leaves())
        assert size == 23
