"""Sealing: when a batch is due, what it holds, how batches link, the closing batch, the outbox."""

from __future__ import annotations

from kiosk.station import eventlog as ev
from kiosk.contract.ballot import check_sealed_ballot
from kiosk.contract.sealed_batch import check_sealed_batch, parse_batch
from kiosk.station.casting import Cast, cast
from kiosk.contract.keys import VerifyKey
from kiosk.station.polls import StepRefused, change_mode, close_polls, open_polls
from kiosk.station.outbox import restore_outbox
from kiosk.station.sealing import seal, seal_due, seal_if_due
from kiosk.station.lifecycle import StationState
from kiosk.station.station import Station
from storehelp import NOW, choices, make_station, verify_json


def cast_n(station, tokens, n, start=0):
    e = station.election
    results = [cast(station, p, choices(e, s), NOW) for s, p in tokens[start:start + n]]
    assert all(isinstance(r, Cast) for r in results)
    return results


def test_a_batch_is_due_after_k_ballots_and_t_seconds(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s", seal_interval_s=600)
    with Station.open(root) as station:
        k = station.election.privacy_floor
        cast_n(station, store_election.test, k - 1)
        assert not seal_due(station, NOW + 3600)          # too few ballots, however long
        cast_n(station, store_election.test, 1, start=k - 1)
        assert not seal_due(station, NOW + 599)           # enough ballots, too soon
        assert seal_due(station, NOW + 600)
        batch = seal_if_due(station, NOW + 600)
        assert batch.header.count == k and batch.header.number == 1
        cast_n(station, store_election.test, k, start=k)
        assert not seal_due(station, NOW + 1199)          # T counts from the last batch
        assert seal_if_due(station, NOW + 1200).header.number == 2


def test_batches_link_hold_sealed_ballots_in_id_order_and_verify(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    with Station.open(root) as station:
        first = cast_n(station, store_election.test, 12)
        b1 = seal(station, NOW)
        second = cast_n(station, store_election.test, 11, start=12)
        b2 = close_polls(station, NOW + 60)
        key = VerifyKey.from_hex(station.config.kiosk_key_hex)
        election_hex = station.config.election_hex
        files = sorted((root / "outbox" / "test").iterdir())
    assert [f.name for f in files] == ["batch-000001.json", "batch-000002.json"]
    p1, p2 = (parse_batch(f.read_bytes()) for f in files)
    assert (p1, p2) == (b1, b2)
    assert [b.ballot_id for b in p1.ballots] == sorted(r.ballot_id for r in first)
    assert {b.ballot_id for b in p2.ballots} == {r.ballot_id for r in second}
    assert check_sealed_batch(p1, election_hex, key, None) == []
    for ballot in p1.ballots + p2.ballots:   # the ballots' own signatures and proofs (the node's check)
        check_sealed_ballot(ballot, store_election.election, key, store_election.election.election_public_key)
    assert check_sealed_batch(p2, election_hex, key, p1.header) == []
    assert (p2.header.cumulative, p2.header.polls_closed, p1.header.polls_closed) == (23, True, False)
    assert [x.code for x in check_sealed_batch(p2, election_hex, key, None)] == ["not_linked"]
    assert verify_json(root)[0] == 0


def test_a_batch_never_carries_the_plain_selections(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    with Station.open(root) as station:
        cast_n(station, store_election.test, 10)
        option_ids = {o.id for c in station.election.contests for o in c.options}
        selections = [r.selections for r in station.store.ballots()]
        close_polls(station, NOW)
    data = (root / "outbox" / "test" / "batch-000001.json").read_bytes()
    assert not any(s in data for s in selections)
    assert not any(f'"{o}"'.encode() in data for o in option_ids)


def test_closing_seals_a_batch_whatever_its_count(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    with Station.open(root) as station:
        batch = close_polls(station, NOW)
        assert (batch.header.count, batch.header.polls_closed) == (0, True)
        assert station.state is StationState.POLLS_CLOSED
        kinds = [x.kind for x in station.store.events()][-2:]
        assert close_polls(station, NOW) == StepRefused("not_in_this_state")
    assert kinds == [ev.POLLS_CLOSED, ev.BATCH_SEALED]
    assert verify_json(root)[0] == 0


def test_a_missing_outbox_file_is_a_note_and_is_written_again_byte_for_byte(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    with Station.open(root) as station:
        cast_n(station, store_election.test, 10)
        seal(station, NOW)
        path = root / "outbox" / "test" / "batch-000001.json"
        original = path.read_bytes()
        path.unlink()
        code, report = verify_json(root)
        assert code == 0 and report["notes"][0]["place"] == "outbox/test/batch-000001.json"
        assert restore_outbox(station.data, station.store) == [path]
    assert path.read_bytes() == original


def test_change_to_official_archives_the_test_store_and_starts_an_empty_one(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    with Station.open(root) as station:
        cast_n(station, store_election.test, 3)
        assert change_mode(station, NOW) == StepRefused("not_in_this_state")  # polls still open
        close_polls(station, NOW)
        change_mode(station, NOW + 1)
        assert (station.mode, station.state, station.ballots) == ("official", StationState.PROVISIONED, 0)
        assert change_mode(station, NOW) == StepRefused("official_is_final")
        open_polls(station, NOW + 2)
        style, payload = store_election.official[0]
        assert isinstance(cast(station, payload, choices(station.election, style), NOW), Cast)
    with Station.open(root) as station:
        assert (station.mode, station.state) == ("official", StationState.POLLS_OPEN)
    code, report = verify_json(root)
    assert code == 0 and report["stores"]["test"]["ballots"] == 3 and report["stores"]["official"]["ballots"] == 1


def test_a_change_of_mode_cut_short_is_finished(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False)
    with Station.open(root) as station:  # the test store is archived, then the power fails
        with station.store.transaction():
            station.store.append(ev.MODE_CHANGED, {"to": "official", "time": NOW})
    with Station.open(root) as station:
        assert (station.mode, station.archived) == ("test", True)
        change_mode(station, NOW)
        assert (station.mode, station.state, station.archived) == ("official", StationState.PROVISIONED, False)
    assert verify_json(root)[0] == 0
