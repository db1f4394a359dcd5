"""Disk full: the cast is refused with a clear reason, the store stays valid, nothing is half-written.

The page limit (``PRAGMA max_page_count``) makes SQLite report SQLITE_FULL exactly as a full
disk does, without needing a small file system.
"""

from __future__ import annotations

from kiosk.station.casting import Cast, cast
from kiosk.station.station import Station
from kiosk.contract.tokens import REFUSAL_TEXT, RefusalReason, Refused, parse_token
from storehelp import NOW, choices, make_station, verify_json


def fill_up(station, tokens, election):
    """Cast until the store is full; return (results, the token that was refused)."""
    (pages,) = station.store.db.execute("PRAGMA page_count").fetchone()
    station.store.db.execute(f"PRAGMA max_page_count = {pages + 2}")
    results = []
    for style, payload in tokens:
        result = cast(station, payload, choices(election, style), NOW)
        results.append(result)
        if isinstance(result, Refused):
            return results, (style, payload)
    raise AssertionError("the store never filled up")


def test_a_full_store_refuses_the_cast_and_stays_valid(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    e = store_election.election
    with Station.open(root) as station:
        results, (style, payload) = fill_up(station, store_election.test, e)
        assert results[-1] == Refused(RefusalReason.DISK_FULL)
        assert "storage is full" in REFUSAL_TEXT[RefusalReason.DISK_FULL]
        cast_ids = {r.ballot_id for r in results if isinstance(r, Cast)}
        assert {r.ballot_id for r in station.store.ballots()} == cast_ids   # nothing half-written
        assert station.ballots == len(cast_ids)
        assert not station.store.token_used(parse_token(payload).ref(e.fingerprint))  # the token is not spent
    code, report = verify_json(root)
    assert code == 0, report["problems"]
    assert report["stores"]["test"]["ballots"] == len(cast_ids)


def test_after_space_is_freed_the_refused_token_can_be_cast(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    e = store_election.election
    with Station.open(root) as station:
        _, (style, payload) = fill_up(station, store_election.test, e)
        station.store.db.execute("PRAGMA max_page_count = 1073741823")
        assert isinstance(cast(station, payload, choices(e, style), NOW), Cast)
    assert verify_json(root)[0] == 0
