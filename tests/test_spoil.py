"""Checking a ballot instead of casting it (Benaloh), at the station: recorded as spoiled with its seed,
the token left unspent, sealed into the next batch's ``spoiled`` list, counted on the reports, accepted
by a real node and opened there from the QR the paper record carries."""

from __future__ import annotations

import json

from centralhelp import make_kiosk, post, running_node
from kiosk.app.cliutil import call
from kiosk.contract.sealed_batch import parse_any_batch
from kiosk.contract.crypto.encrypted_ballot import open_with_seed, parse_ballot_bytes
from kiosk.contract.spoiled_qr import parse_spoiled_qr
from kiosk.contract.tokens import Refused, RefusalReason, Valid
from kiosk.station.casting import Cast, Spoiled, admit_token, cast, prepare_encryption_for, spoil_ballot
from kiosk.station.outbox import read_batch_file
from kiosk.station.polls import close_polls, pause_polls
from kiosk.station.reports import as_text
from kiosk.station.station import Station
from kiosk.station.station_reports import report_of
from storehelp import NOW, choices, make_station, verify_json
from sync.central.cli import main as central_main


def check(station, style, payload, likes, now=NOW):
    """What the booth does on "check this ballot": the encryption of the review screen, spoiled."""
    admitted = admit_token(station, payload, now)
    assert isinstance(admitted, Valid), admitted
    early = prepare_encryption_for(station, style, choices(station.election, style, likes))
    return spoil_ballot(station, admitted, early, now), early


def test_a_checked_ballot_is_spoiled_with_its_seed_and_the_voter_starts_over(store_election, tmp_path):
    tokens = store_election
    root = make_station(tokens, tmp_path / "s")
    with Station.open(root) as station:
        e = station.election
        style, payload = tokens.test[0]
        spoiled, early = check(station, style, payload, 3)
        assert isinstance(spoiled, Spoiled) and spoiled.ballot_id == early.ballot_id
        assert parse_spoiled_qr(spoiled.qr) == (e.tag, early.ballot_id, early.nonce_seed)
        assert str(early.nonce_seed) not in repr(spoiled) and spoiled.qr not in repr(spoiled)
        # the token is not spent: the same voter casts with it, other selections
        assert isinstance(admit_token(station, payload, NOW), Valid)
        casts = [cast(station, p, choices(e, s), NOW) for s, p in tokens.test[:11]]
        assert all(isinstance(c, Cast) for c in casts) and station.ballots == 11
        again, _ = check(station, *tokens.test[11], 1)                # a second check, by another voter
        assert isinstance(again, Spoiled)
        # a used token cannot be checked: it would publish a second ballot under a spent token
        used = admit_token(station, tokens.test[12][1], NOW)
        cast(station, tokens.test[12][1], choices(e, tokens.test[12][0]), NOW)
        refused = spoil_ballot(station, used, prepare_encryption_for(station, tokens.test[12][0],
                                                                      choices(e, tokens.test[12][0])), NOW)
        assert refused == Refused(RefusalReason.ALREADY_USED)
        pause_polls(station, NOW + 10)
        slip = as_text(report_of(station, "pause_slip", NOW + 10, "en"))
        assert "Ballots checked (spoiled): 2" in slip and "Ballots cast: 12" in slip
        close_polls(station, NOW + 60)
        tape = as_text(report_of(station, "results_tape", NOW + 60, "en"))
        assert "Ballots checked (spoiled): 2" in tape
        assert report_of(station, "results_tape", NOW + 60, "ko") is not None
        batch = parse_any_batch(read_batch_file(station.data, "test", 1))
        assert len(batch.ballots) == 12 and batch.header.spoiled == 2
        entry = next(s for s in batch.spoiled if s.ballot.ballot_id == early.ballot_id)
        assert entry.nonce_seed == early.nonce_seed and station.roll.lookup(entry.ballot.token_key) == ("test", style)
        ballot = parse_ballot_bytes(entry.ballot.encrypted, e, style, entry.ballot.ballot_id.hex())
        assert open_with_seed(e.election_public_key, e, ballot, entry.nonce_seed) == choices(e, style, 3)
        assert {b.ballot_id for b in batch.ballots}.isdisjoint(s.ballot.ballot_id for s in batch.spoiled)
    # the outbox file is written again from the store byte for byte, spoiled list included
    path = root / "outbox" / "test" / "batch-000001.json"
    written = path.read_bytes()
    path.unlink()
    with Station.open(root):
        pass
    assert path.read_bytes() == written
    code, report = verify_json(root)
    assert code == 0, report["problems"]


def test_the_node_accepts_the_spoiled_ballot_and_opens_it_from_the_paper_records_qr(central, tmp_path):
    c = central
    root = make_kiosk(c, tmp_path / "k")
    with Station.open(root) as station:
        e = station.election
        style, payload = c.official[0]
        spoiled, early = check(station, style, payload, 3, NOW + 30)
        assert isinstance(spoiled, Spoiled)
        for s, p in c.official[:12]:                                   # the checked voter's token casts too
            assert isinstance(cast(station, p, choices(e, s, 1), NOW + 60), Cast)
        close_polls(station, NOW + 600)
        body = read_batch_file(station.data, "official", 1)
    data = tmp_path / "n1"
    with running_node(c, data) as (node, server):
        ack = post(server, body, c)
        assert ack.verdict == "accepted", ack.reason
        held = [entry for _, _, entry in node.store.spoiled_ballots()]
        assert [s.ballot.ballot_id for s in held] == [spoiled.ballot_id]
        code, text = call(central_main, "board", "check-spoiled", spoiled.qr, "--election", c.directory,
                          "--from", server.url, "--json")
        assert code == 0, text
        assert json.loads(text)["contents"] == choices(e, style, 3)
