"""Format-2 ballots in both node stores (SQLite and PostgreSQL): token keys on the board, never a serial;
encrypted ballots and spoiled ballots with their seeds, for the count (``encrypted_ballots``,
``spoiled_ballots``); append-only; a store from before format 2 opens and takes them."""

from __future__ import annotations

import os

import pytest

from ceremonyhelp import format2_election
from kiosk.contract.ballot import SealedBallot, seal_ballot
from kiosk.contract.sealed_batch import SpoiledBallot, build_batch
from kiosk.contract.keys import SigningKey
from kiosk.contract.merkle import leaf_hashes
from kiosk.contract.ttabok import ttabok_spec
from sync.central.store import NodeMeta

ELECTION = format2_election(ttabok_spec(24), "11" * 32)
KIOSK = SigningKey(bytes(range(32)))
META = NodeMeta(ELECTION.fingerprint_hex, "ab" * 32, "official")


def ballot(serial: bytes, style: str = "C001") -> SealedBallot:
    return seal_ballot(KIOSK, ELECTION, serial, os.urandom(16), style, os.urandom(300))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        from sync.central.sqlite_store import SQLiteNodeStore
        s = SQLiteNodeStore(tmp_path / "store.sqlite", META)
    else:
        from pghelp import schema_url
        from sync.central.pg_store import PostgresNodeStore
        s = PostgresNodeStore(schema_url(request.getfixturevalue("pg_server"), str(tmp_path)), META)
    yield s
    s.close()


def accept(store, number, ballots, spoiled=(), previous=None):
    batch = build_batch(KIOSK, ELECTION.fingerprint_hex, "official", number, previous, ballots, spoiled, False)
    with store.transaction():
        store.add_accepted(batch.header, batch.signature, [(b, b.token_key) for b in batch.ballots],
                           leaf_hashes([b.leaf() for b in batch.ballots]))
        store.add_spoiled(batch.header, batch.spoiled)
    return batch


def test_format_2_ballots_round_trip_by_token_key_and_feed_the_count(store):
    serials = [os.urandom(16) for _ in range(4)]
    first = accept(store, 1, [ballot(s) for s in serials[:3]], [SpoiledBallot(ballot(serials[3]), bytes(range(32)))])
    again = ballot(serials[0])                                  # the same token at another ballot: a double use
    second = accept(store, 2, [again], previous=first.header)
    leaves = list(store.leaves())
    assert [leaf.ballot for leaf in leaves] == list(first.ballots) + [again]
    assert all(leaf.token_ref == leaf.ballot.token_key for leaf in leaves)
    assert store.leaves_at([3])[0].ballot == again and store.leaves_at([0])[0].ballot.leaf() == first.ballots[0].leaf()
    key = first.ballots[0].token_key
    assert store.spent_by([key, b"\0" * 32]) == {key: frozenset({KIOSK.verify_key.hex})}
    (ref, doubled), = store.double_uses().items()
    assert ref == again.token_key and [leaf.index for leaf in doubled][-1] == 3 and len(doubled) == 2
    assert [leaf.index for leaf in store.token_leaves([again.token_key])[again.token_key]][-1] == 3
    counted = list(store.encrypted_ballots())
    assert counted == [(b.style, b.ballot_id.hex(), b.encrypted) for b in first.ballots + second.ballots]
    assert [c[1] for c in store.encrypted_ballots(excluded={0, 3})] == [b.ballot_id.hex() for b in first.ballots[1:]]
    (kiosk, number, spoiled), = store.spoiled_ballots()
    assert (kiosk, number, spoiled) == (KIOSK.verify_key.hex, 1, first.spoiled[0])
    assert store.checkpoint()[0] == 4 and [b.header for b in store.batches()] == [first.header, second.header]


def test_no_serial_is_stored_for_a_format_2_ballot(store, tmp_path):
    serial = bytes(range(16))
    accept(store, 1, [ballot(serial)], [SpoiledBallot(ballot(bytes(range(1, 17))), bytes(32))])
    rows = store._all("SELECT serial FROM board")
    assert [bytes(r[0]) for r in rows] == [b""]


def test_spoiled_ballots_are_append_only(store):
    accept(store, 1, [], [SpoiledBallot(ballot(os.urandom(16)), bytes(32))])
    for sql in ("UPDATE spoiled SET style='C002'", "DELETE FROM spoiled"):
        with pytest.raises(Exception, match="append-only"):
            with store.transaction():
                store._execute(sql)
    assert len(list(store.spoiled_ballots())) == 1
