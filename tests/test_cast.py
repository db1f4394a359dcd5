"""Casting in a format-2 election: encrypted with proofs, the twin kept, the seed never kept, batch format 2."""

from __future__ import annotations

from kiosk.contract.ballot_row import check_ballot_record
from kiosk.contract.ballot import SealedBallot, check_sealed_ballot
from kiosk.contract.tracking import tracking_code
from kiosk.contract.sealed_batch import SealedBatch, check_sealed_batch, parse_any_batch
from kiosk.contract.canonical import parse_json
from kiosk.contract.crypto.encrypted_ballot import open_with_seed, parse_ballot_bytes
from kiosk.contract.keys import VerifyKey
from kiosk.station.casting import Cast, admit_token, cast, commit_ballot, prepare_ballot, prepare_encryption_for
from kiosk.station.outbox import read_batch_file
from kiosk.station.polls import close_polls
from kiosk.station.sealing import seal
from kiosk.station.station import Station
from storehelp import NOW, choices, make_station, verify_json


def opened(election, sealed: SealedBallot, seed: bytes) -> dict:
    ballot = parse_ballot_bytes(sealed.encrypted, election, sealed.style, sealed.ballot_id.hex())
    return open_with_seed(election.election_public_key, election, ballot, seed)


def test_a_cast_ballot_is_encrypted_with_proofs_signed_by_its_token_and_sealed_in_batch_format_2(store_election, tmp_path):
    tokens = store_election
    root = make_station(tokens, tmp_path / "s")
    with Station.open(root) as station:
        e = station.election
        casts = [cast(station, p, choices(e, s), NOW) for s, p in tokens.test[:12]]
        assert all(isinstance(c, Cast) for c in casts)
        rows = list(station.store.ballots())
        batch = seal(station, NOW + 60)
        key = station.key.verify_key
        roll = station.roll
        data = read_batch_file(station.data, "test", 1)
        parsed = parse_any_batch(data)
        assert isinstance(parsed, SealedBatch) and parsed == batch and parsed.spoiled == ()
        assert check_sealed_batch(parsed, e.fingerprint_hex, key, None) == []
        for b in parsed.ballots:
            check_sealed_ballot(b, e, key, e.election_public_key)   # both signatures and every proof
            assert roll.lookup(b.token_key) == ("test", b.style)
        assert {c.tracking_code for c in casts} == {tracking_code(b.leaf_hash()) for b in parsed.ballots}
        for r in rows:                       # the twin: the selections in the clear, in the box only
            assert parse_json(r.selections, "s") == choices(e, r.style) and check_ballot_record(r, e, key) is None
            assert r.serial.hex() not in data.decode() and r.selections.decode() not in data.decode()
    code, report = verify_json(root)
    assert code == 0, report["problems"]


def test_the_encryption_made_during_review_is_used_and_its_seed_is_never_kept(store_election, tmp_path):
    tokens = store_election
    root = make_station(tokens, tmp_path / "s")
    with Station.open(root) as station:
        e = station.election
        style, payload = tokens.test[0]
        admitted = admit_token(station, payload, NOW)
        early = prepare_encryption_for(station, style, choices(e, style))   # as the review screen shows
        prepared = prepare_ballot(station, admitted, choices(e, style), NOW, early)
        assert prepared.ballot_id == early.ballot_id and prepared.record.sealed_ballot.encrypted == early.encrypted
        assert isinstance(commit_ballot(station, prepared, NOW), Cast)
        assert opened(e, prepared.record.sealed_ballot, early.nonce_seed) == choices(e, style)
        close_polls(station, NOW + 60)
        seed = early.nonce_seed
    for f in list((root).rglob("*")):
        if f.is_file():
            assert seed not in f.read_bytes(), f      # not in the store, its WAL, the outbox or anywhere


def test_changed_selections_are_encrypted_again(store_election, tmp_path):
    tokens = store_election
    root = make_station(tokens, tmp_path / "s")
    with Station.open(root) as station:
        e = station.election
        style, payload = tokens.test[1]
        admitted = admit_token(station, payload, NOW)
        early = prepare_encryption_for(station, style, choices(e, style, 1))
        prepared = prepare_ballot(station, admitted, choices(e, style, 3), NOW, early)   # the voter went back
        assert prepared.record.sealed_ballot.encrypted != early.encrypted
        assert isinstance(commit_ballot(station, prepared, NOW), Cast)
        assert parse_json(prepared.record.selections, "s") == choices(e, style, 3)


def test_the_token_is_spent_once_by_its_key(store_election, tmp_path):
    tokens = store_election
    root = make_station(tokens, tmp_path / "s")
    with Station.open(root) as station:
        style, payload = tokens.test[2]
        assert isinstance(cast(station, payload, choices(station.election, style), NOW), Cast)
        again = cast(station, payload, choices(station.election, style), NOW)
        assert not isinstance(again, Cast) and again.reason.value == "already_used"


def test_kiosk_verify_names_a_row_whose_twin_was_changed(store_election, tmp_path):
    tokens = store_election
    root = make_station(tokens, tmp_path / "s")
    with Station.open(root) as station:
        e = station.election
        style, payload = tokens.test[3]
        cast(station, payload, choices(e, style, 1), NOW)
        row = next(station.store.ballots())
        changed = type(row)(row.ballot_id, row.token_ref, row.serial, row.style,
                            b'{"' + e.style(style).contests[0].encode() + b'":[]}', row.sealed, row.sealed_sig,
                            row.signature)
        assert check_ballot_record(changed, e, VerifyKey(station.key.verify_key.raw)) == \
            "the ballot's kiosk signature does not verify"


# -- the booth: the encryption starts when the review screen shows ---------------------------------

def test_the_review_screen_starts_the_encryption(store_election):
    from booth_ui import flow as f
    from test_booth_flow import go, state_in

    election = store_election.election
    state, _ = go(state_in(f.Screen.ATTRACT), f.CodeScanned("KT1OAAAAAAAAABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                  f.TokenAccepted("C001"), f.Choose("G01", "P002"), election=election)
    state, effects = f.step(state, f.ToReview(), 0, election)
    assert state.screen == f.Screen.REVIEW
    early = [x for x in effects if isinstance(x, f.PrepareEncryption)]
    assert early == [f.PrepareEncryption(state.vote.payload, "C001", state.vote.as_dict(election))]


def test_the_booth_port_casts_the_encryption_made_during_review(store_election, tmp_path):
    from booth_ui import flow as f
    from kiosk.app.port import StationPort

    tokens = store_election
    root = make_station(tokens, tmp_path / "s")
    with Station.open(root) as station:
        port = StationPort(station, None, clock=lambda: NOW)
        e = station.election
        style, payload = tokens.test[4]
        assert isinstance(port.check_token(payload), f.TokenAccepted)
        port.prepare_encryption(payload, style, choices(e, style))
        early = port._early[1]
        done = port.cast(payload, style, choices(e, style), None)
        assert isinstance(done, f.CastDone) and port._early is None
        row = next(station.store.ballots())
        assert row.ballot_id == early.ballot_id and row.sealed_ballot.encrypted == early.encrypted
        assert done.tracking_code == tracking_code(row.sealed_ballot.leaf_hash())
        # another voter's review left behind is never used for the next token
        style2, payload2 = tokens.test[5]
        port.prepare_encryption(payload, style2, choices(e, style2))
        left = port._early[1]
        assert isinstance(port.check_token(payload2), f.TokenAccepted) and port._early is None
        assert isinstance(port.cast(payload2, style2, choices(e, style2), None), f.CastDone)
        assert left.ballot_id not in {r.ballot_id for r in station.store.ballots()}


def test_the_outbox_of_a_format_2_station_is_read_back_with_its_headers(store_election, tmp_path):
    """Closing and delivery read the outbox's headers: a format-2 header (with its spoiled fields) must read."""
    from kiosk.contract.sealed_batch import SealedBatchHeader
    from kiosk.station.delivery import outbox_batches
    tokens = store_election
    root = make_station(tokens, tmp_path / "s")
    with Station.open(root) as station:
        for s, p in tokens.test[:3]:
            assert isinstance(cast(station, p, choices(station.election, s), NOW), Cast)
        close_polls(station, NOW + 60)
        batches = outbox_batches(station.data, "test")
        assert batches and all(isinstance(b.header, SealedBatchHeader) for b in batches)
        assert batches[-1].header.polls_closed
