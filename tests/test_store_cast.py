"""Casting: the happy path, each refusal as a value, what the log and the box hold, the life cycle."""

from __future__ import annotations

from kiosk.station import eventlog as ev
from kiosk.contract.ballot_row import check_ballot_record
from kiosk.contract.tracking import tracking_code
from kiosk.contract.canonical import canonical_bytes, parse_json
from kiosk.contract.crypto.encrypted_ballot import encrypted_length, parse_ballot_bytes
from kiosk.station.casting import Cast, admit_token, cast, commit_ballot, prepare_ballot
from kiosk.station.eventlog import Entry
from kiosk.station.polls import StepRefused, close_polls, open_polls, pause_polls, reopen_polls, resume_polls
from kiosk.station.lifecycle import Action, Role, StationState, allowed_actions
from kiosk.station.station import Station
from kiosk.contract.tokens import RefusalReason, Refused
from storehelp import NOW, choices, make_station, verify_json


def test_cast_writes_one_ballot_and_one_counting_event(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    e = store_election.election
    with Station.open(root) as station:
        for i, (style, payload) in enumerate(store_election.test[:5]):
            result = cast(station, payload, choices(e, style), NOW + i)
            assert isinstance(result, Cast) and len(result.ballot_id) == 16
        records = list(station.store.ballots())
        cast_events = list(station.store.events((ev.BALLOT_CAST,)))
    assert len(records) == 5
    assert [parse_json(x.body, "body") for x in cast_events] == [{"count": i + 1, "time": NOW + i} for i in range(5)]
    assert verify_json(root)[0] == 0


def test_the_log_never_holds_a_token_a_ballot_id_or_a_selection(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    e = store_election.election
    secrets = []
    with Station.open(root) as station:
        for style, payload in store_election.test[:4]:
            chosen = choices(e, style)
            result = cast(station, payload, chosen, NOW)
            secrets += [payload, payload[12:], result.ballot_id.hex()] + [o for opts in chosen.values() for o in opts]
        cast(station, store_election.test[0][1], choices(e, store_election.test[0][0]), NOW)  # refused: used
        serials = [r.serial.hex() for r in station.store.ballots()]
        log_text = b"".join(x.body for x in station.store.events()).decode()
    assert "already_used" in log_text
    for secret in secrets + serials:
        assert secret not in log_text


def test_refusals_are_values_with_the_reason_and_are_logged(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    e = store_election.election
    style, payload = store_election.test[0]
    with Station.open(root) as station:
        assert cast(station, store_election.official[0][1], {}, NOW) == Refused(RefusalReason.WRONG_MODE)
        assert cast(station, "KT1Tgarbage", {}, NOW) == Refused(RefusalReason.MALFORMED)
        too_many = {c: [o.id for o in e.contest(c).options if o.id not in e.style(style).exclude]
                    for c in e.style(style).contests}
        assert cast(station, payload, too_many, NOW) == Refused(RefusalReason.SELECTIONS_INVALID)
        assert isinstance(cast(station, payload, choices(e, style), NOW), Cast)
        assert cast(station, payload, choices(e, style), NOW) == Refused(RefusalReason.ALREADY_USED)
        bodies = [x.fields() for x in station.store.events((ev.TOKEN_REFUSED,))]
        assert station.store.ballot_count() == 1
    assert [b["reason"] for b in bodies] == ["wrong_mode", "malformed", "selections_invalid", "already_used"]
    assert all(set(b) == {"reason", "time"} for b in bodies)  # the reason only


def test_a_ballot_can_be_cast_only_while_the_polls_are_open(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False)
    e = store_election.election
    (s1, p1), (s2, p2) = store_election.test[:2]
    with Station.open(root) as station:
        assert cast(station, p1, choices(e, s1), NOW) == Refused(RefusalReason.POLLS_NOT_OPEN)
        open_polls(station, NOW)
        admitted = admit_token(station, p1, NOW)
        prepared = prepare_ballot(station, admitted, choices(e, s1), NOW)
        pause_polls(station, NOW)  # paused between review and cast: the cast must not go through
        assert commit_ballot(station, prepared, NOW) == Refused(RefusalReason.POLLS_NOT_OPEN)
        resume_polls(station, NOW)
        assert isinstance(commit_ballot(station, prepared, NOW), Cast)
        close_polls(station, NOW)
        assert cast(station, p2, choices(e, s2), NOW) == Refused(RefusalReason.POLLS_NOT_OPEN)


def test_state_comes_back_from_the_log_after_a_restart(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    with Station.open(root) as station:
        assert station.state is StationState.POLLS_OPEN
        pause_polls(station, NOW)
    with Station.open(root) as station:
        assert station.state is StationState.POLLS_PAUSED
        assert Action.RESUME in allowed_actions(station.state, Role.POLL_WORKER)
        assert open_polls(station, NOW) == StepRefused("not_in_this_state")
        assert open_polls(station, NOW, role=Role.TECHNICIAN) == StepRefused("role_not_permitted")
        close_polls(station, NOW)
        assert isinstance(reopen_polls(station, NOW), Entry)  # a technician sets it back to paused
    with Station.open(root) as station:
        assert station.state is StationState.POLLS_PAUSED
    assert verify_json(root)[0] == 0


def test_opening_is_refused_and_logged_when_the_ballot_box_is_not_empty(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False)
    e = store_election.election
    style, payload = store_election.test[0]
    with Station.open(root) as station:
        station.state = StationState.POLLS_OPEN  # a ballot slipped in while provisioned (a bug or a swapped file)
        assert isinstance(cast(station, payload, choices(e, style), NOW), Cast)
        station.refresh()
        assert station.state is StationState.PROVISIONED
        assert open_polls(station, NOW) == StepRefused("ballot_box_not_empty")
        last = station.store.last_event((ev.POLLS_OPEN_REFUSED,))
    assert last.fields()["reason"] == "ballot_box_not_empty"


def test_sealed_form_has_one_length_per_style_whatever_the_choice(store_election, tmp_path):
    """0, 3 and 6 likes of one style: leaves of one length, each a valid encryption of the style's
    shown options (that it opens to the choice is test_cast's, with the review's seed)."""
    root = make_station(store_election, tmp_path / "s")
    e = store_election.election
    style = store_election.test[0][0]
    same_style = [p for s, p in store_election.test if s == style][:3]
    with Station.open(root) as station:
        for n, payload in enumerate(same_style):
            cast(station, payload, choices(e, style, n=n * 3), NOW)
        records = list(station.store.ballots())
        key = station.key.verify_key
    assert len({len(r.sealed) for r in records}) == 1
    assert {len(r.sealed_ballot.encrypted) for r in records} == {encrypted_length(e, style)}
    for r in records:
        parse_ballot_bytes(r.sealed_ballot.encrypted, e, style, r.ballot_id.hex())  # strict: every point
        assert check_ballot_record(r, e, key) is None                                   # every proof
    assert sorted(len(parse_json(r.selections, "s")[e.style(style).contests[0]]) for r in records) == [0, 3, 6]


def test_tracking_code_is_the_short_form_of_the_sealed_leaf_hash(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    style, payload = store_election.test[0]
    with Station.open(root) as station:
        result = cast(station, payload, choices(store_election.election, style), NOW)
        (record,) = station.store.ballots()
    assert result.tracking_code == tracking_code(record.sealed_ballot.leaf_hash())
    assert result.ballot_id == record.ballot_id
    assert canonical_bytes(parse_json(record.selections, "s")) == record.selections
