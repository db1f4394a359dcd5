"""Three nodes, one down the whole day: the other two acknowledge every batch; the third catches up."""

from __future__ import annotations

import threading

from centralhelp import close_station, make_kiosk, running_node, seal_batch, vote
from synchelp import FAST, acknowledged
from sync.central.serve import bind
from sync.daemon import SyncDaemon


def test_three_nodes_one_down_all_day(central, tmp_path):
    kiosk = make_kiosk(central, tmp_path / "k")
    spare = bind("127.0.0.1", 0)
    down_port = spare.getsockname()[1]
    spare.close()
    with running_node(central, tmp_path / "n1", "n1") as (n1, s1), running_node(central, tmp_path / "n2", "n2") as (n2, s2):
        daemon = SyncDaemon(kiosk, [f"n1={s1.url}", f"n2={s2.url}", f"n3=http://127.0.0.1:{down_port}"], FAST)
        stop, lock, seen = threading.Event(), threading.Lock(), {}
        progress = threading.Condition(lock)

        def record(result):
            with progress:
                seen[result.node_id] = result
                progress.notify_all()

        def wait_for(check):
            with progress:
                assert progress.wait_for(lambda: check(seen), timeout=60), seen

        worker = threading.Thread(target=daemon.run, args=(stop, record))
        worker.start()
        try:
            at = 0
            for number, size in enumerate((10, 10, 10, 4), start=1):  # the day: batches while the daemon runs
                vote(kiosk, central.official[at:at + size], central.election)
                at += size
                close_station(kiosk) if number == 4 else seal_batch(kiosk)
                wait_for(lambda s, n=number: all(s.get(i) and s[i].ok and s[i].total == n for i in ("n1", "n2")))
            assert not seen["n3"].ok and seen["n3"].error
            assert acknowledged(kiosk, central) == {n: ["n1", "n2"] for n in (1, 2, 3, 4)}
            with running_node(central, tmp_path / "n3", "n3", port=down_port) as (n3, _):  # evening: n3 is back
                wait_for(lambda s: s["n3"].ok and s["n3"].total == 4)
                assert n3.store.checkpoint() == n1.store.checkpoint() == n2.store.checkpoint()
                assert n3.store.checkpoint()[0] == 34
        finally:
            stop.set()
            worker.join(30)
        assert not worker.is_alive()
    assert acknowledged(kiosk, central) == {n: ["n1", "n2", "n3"] for n in (1, 2, 3, 4)}
