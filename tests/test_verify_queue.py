"""Proof verification shared through PostgreSQL (sync/central/verify_queue.py): workers in their own
processes claim received batches with SELECT ... FOR UPDATE SKIP LOCKED, each batch is verified once,
failures are recorded and named, and the node's acceptance takes the recorded verdict (or verifies a
batch no worker took, or waits for the worker that holds it)."""

from __future__ import annotations

import multiprocessing
import os
import threading

import pytest

from kiosk.contract.ballot import seal_ballot
from kiosk.contract.sealed_batch import SpoiledBallot, encode_batch
from sync.central import verify_queue as vq
from test_acceptance import ELECTION, KIOSK, OTHER, SERIALS, Y, ballot, batch_of


@pytest.fixture
def queue_url(pg_server, tmp_path):
    from pghelp import schema_url
    return schema_url(pg_server, str(tmp_path))


def bodies():
    good = [encode_batch(batch_of([ballot(i), ballot(i + 4)], [SpoiledBallot(ballot(i), bytes(32))]))
            for i in range(3)]
    moved = seal_ballot(KIOSK, ELECTION, SERIALS[3], os.urandom(16), "C001", ballot(3).encrypted)
    bad = encode_batch(batch_of([ballot(7, kiosk=OTHER), moved]))
    return good, bad


def _worker(url: str, name: str) -> None:
    db = vq.connect(url)
    vq.work(db, Y, ELECTION, name)
    db.close()


def test_two_worker_processes_share_the_batches_and_record_each_verdict_once(queue_url):
    good, bad = bodies()
    db = vq.connect(queue_url)
    assert vq.enqueue(db, good + [bad]) == 4 and vq.enqueue(db, good) == 0   # a body queued twice is one
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_worker, args=(queue_url, f"w{i}")) for i in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    rows = db.execute("SELECT worker, failures FROM verify_queue ORDER BY seq").fetchall()
    assert len(rows) == 4 and all(r[0] in ("w1", "w2") and r[1] is not None for r in rows)
    from kiosk.contract.sealed_batch import parse_batch
    for body in good:
        assert vq.recorded_failures(db, parse_batch(body).header.hash(), Y, ELECTION) == []
    found = vq.recorded_failures(db, parse_batch(bad).header.hash(), Y, ELECTION)
    assert sorted(code for _, code, _ in found) == ["bad_ballot_signature", "bad_proof"]
    assert vq.recorded_failures(db, b"\0" * 32, Y, ELECTION) is None           # not queued: the caller verifies
    db.close()


def test_a_batch_no_worker_took_is_verified_by_the_node_and_one_a_worker_holds_is_waited_for(queue_url):
    good, bad = bodies()
    from kiosk.contract.sealed_batch import parse_batch
    db = vq.connect(queue_url)
    vq.enqueue(db, [good[0], bad])
    found = vq.recorded_failures(db, parse_batch(bad).header.hash(), Y, ELECTION)
    assert {code for _, code, _ in found} == {"bad_ballot_signature", "bad_proof"}
    assert db.execute("SELECT worker FROM verify_queue WHERE failures IS NOT NULL").fetchall() == [("node",)]

    holder = vq.connect(queue_url)
    claimed, release = threading.Event(), threading.Event()

    def slow_worker():
        with holder.transaction():
            row = holder.execute("SELECT header_hash FROM verify_queue WHERE failures IS NULL "
                                 "FOR UPDATE SKIP LOCKED").fetchone()
            claimed.set()
            release.wait(30)
            holder.execute("UPDATE verify_queue SET failures='[]', worker='slow' WHERE header_hash=%s", (row[0],))

    t = threading.Thread(target=slow_worker)
    t.start()
    claimed.wait(30)
    assert vq.work(db, Y, ELECTION, "other") == 0          # SKIP LOCKED: nothing else to take
    threading.Timer(0.3, release.set).start()
    assert vq.recorded_failures(db, parse_batch(good[0]).header.hash(), Y, ELECTION) == []
    t.join()
    assert db.execute("SELECT worker FROM verify_queue WHERE header_hash=%s",
                      (parse_batch(good[0]).header.hash(),)).fetchone() == ("slow",)  # its verdict, not ours
    holder.close()
    db.close()
