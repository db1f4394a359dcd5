"""Proof verification on several machines: a queue of received format-2 batches in the node's PostgreSQL.

A national node outgrows one machine on proof checks alone (a few ms per ballot). Here the work
is shared through the database, so adding a machine adds a worker, not code:

* the node (or ``kiosk-central ingest``) **enqueues** each received batch body;
* any number of **workers** (``kiosk-central verifier``, on any machine that reaches the
  database) each take the oldest unclaimed batch with ``SELECT ... FOR UPDATE SKIP LOCKED``
  (two workers never take the same one; a worker that dies releases its row with its
  connection), check every ballot's signatures and proofs, and record the failures (none, or
  each ballot's index, code and reason) in the same transaction;
* the node's acceptance asks :func:`recorded_failures` for a batch it judges, **in the same
  order as ever and all or nothing**: a batch already verified costs a lookup; one no worker
  took is claimed and verified by the node itself; one a worker holds is waited for (its row
  lock), so acceptance never runs ahead of a verdict and never judges from a guess.

A verdict is keyed by the header hash: the header signature covers both Merkle roots, which the
node checks before it asks, so the hash pins every byte the verdict is about.
"""

from __future__ import annotations

import json
from typing import Callable

from kiosk.contract.sealed_batch import parse_batch
from kiosk.contract.election import Election
from kiosk.errors import FormatError
from sync.central.proof_pool import check_sealed_all

SCHEMA = ("CREATE TABLE IF NOT EXISTS verify_queue (seq BIGINT GENERATED ALWAYS AS IDENTITY, header_hash BYTEA PRIMARY KEY,"
          " body BYTEA NOT NULL, failures TEXT, worker TEXT)")
Failures = list[tuple[int, str, str]]


def connect(url: str):
    """An autocommit connection with the queue's table (its own: never the store's transaction)."""
    import psycopg

    db = psycopg.connect(url, autocommit=True)
    with db.transaction():
        db.execute("SELECT pg_advisory_xact_lock(hashtext('kiosk-verify-queue:' || current_schema()))")
        db.execute(SCHEMA)
    return db


def enqueue(db, bodies: list[bytes]) -> int:
    """Put format-2 batch bodies in the queue (a body already there is kept as it is); how many were new."""
    new = 0
    for body in bodies:
        header_hash = parse_batch(body).header.hash()
        cur = db.execute("INSERT INTO verify_queue (header_hash, body) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                         (header_hash, body))
        new += cur.rowcount
    return new


def enqueue_valid(db, bodies: list[bytes]) -> int:
    """:func:`enqueue` of the bodies that parse (the node names a malformed one when it judges it)."""
    good = []
    for body in bodies:
        try:
            parse_batch(body)
        except FormatError:
            continue
        good.append(body)
    return enqueue(db, good)


def verify_body(public_key: bytes, election: Election, body: bytes, workers: int = 1) -> Failures:
    """Every failing ballot of a batch body (cast first, then spoiled), as the node's pool reports them."""
    try:
        batch = parse_batch(body)
    except FormatError as e:
        return [(0, "malformed", e.message[:300])]
    kiosk = batch.header.kiosk_key_hex
    items = [(kiosk, b) for b in batch.ballots] + [(kiosk, s.ballot) for s in batch.spoiled]
    return check_sealed_all(public_key, election, items, workers)


def work(db, public_key: bytes, election: Election, worker: str, workers: int = 1,
         stop: Callable[[int], bool] = lambda done: False) -> int:
    """Claim, verify and record batches until none is left unclaimed (or ``stop(done)``); how many were done."""
    done = 0
    while not stop(done):
        with db.transaction():
            row = db.execute("SELECT header_hash, body FROM verify_queue WHERE failures IS NULL ORDER BY seq "
                             "LIMIT 1 FOR UPDATE SKIP LOCKED").fetchone()
            if row is None:
                return done
            failures = verify_body(public_key, election, bytes(row[1]), workers)
            db.execute("UPDATE verify_queue SET failures=%s, worker=%s WHERE header_hash=%s",
                       (json.dumps(failures), worker, row[0]))
        done += 1
    return done


def recorded_failures(db, header_hash: bytes, public_key: bytes, election: Election, workers: int = 1) -> Failures | None:
    """The verdict on a queued batch, waiting for a worker that holds it, verifying it here if none took it.

    None when the batch is not in the queue (the caller verifies it itself).
    """
    with db.transaction():
        row = db.execute("SELECT failures, body FROM verify_queue WHERE header_hash=%s FOR UPDATE",
                         (header_hash,)).fetchone()  # blocks while a worker holds it
        if row is None:
            return None
        if row[0] is not None:
            return [tuple(f) for f in json.loads(row[0])]
        failures = verify_body(public_key, election, bytes(row[1]), workers)
        db.execute("UPDATE verify_queue SET failures=%s, worker='node' WHERE header_hash=%s",
                   (json.dumps(failures), header_hash))
        return failures
