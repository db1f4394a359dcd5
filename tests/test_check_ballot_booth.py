"""The booth's "check this ballot / 이 투표지 확인" (Benaloh, format 2): the review screen offers it, the
port spoils the reviewed encryption and prints a record marked spoiled with the spoiled QR (read back
from the printed dots by the scanner's decoder), and the voter starts over with the same token."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

from booth_ui import flow as f
from hardware.document import PAPER_80MM
from hardware.escpos import encode_document
from hardware.layout import layout
from kiosk.app.port import StationPort
from kiosk.app.printing import report_document
from kiosk.contract.crypto.encrypted_ballot import open_with_seed, parse_ballot_bytes
from kiosk.contract.spoiled_qr import parse_spoiled_qr
from kiosk.station.casting import Cast, cast
from kiosk.station.reports import checked_record
from kiosk.station.station import Station
from printer_rig import printer_rig
from scanner.decoders import zxing_texts
from storehelp import NOW, choices, make_station
from test_fixed_size_paper import APARTMENT, patterns


def review_state(election, style, payload, likes=2):
    vote = f.Vote(payload=payload, style=style, selections=tuple(choices(election, style, likes).items()))
    return f.replace(f.fresh(f.BoothState(), NOW), screen=f.Screen.REVIEW, vote=vote)


def printed_qr_texts(device) -> list[str]:
    """Every QR the virtual printer put on paper, read from its dots by the booth scanner's decoder."""
    images = [item.raster.to_image().convert("L") for item in device.printed if hasattr(item, "raster")]
    width = max(i.width for i in images)
    stacked = np.vstack([np.pad(np.asarray(i), ((0, 0), (0, width - i.width)), constant_values=255) for i in images])
    return zxing_texts(np.pad(stacked, 40, constant_values=255))


def test_the_review_screen_offers_the_check_and_a_check_starts_the_voter_over(store_election):
    election = store_election.election
    style, payload = store_election.test[0]
    state, effects = f.step(review_state(election, style, payload), f.CheckBallot(), NOW, election)
    assert state.screen == f.Screen.PRINTING
    assert effects == [f.CheckThisBallot(payload, style, choices(election, style), "ko", False)]
    state, _ = f.step(state, f.CheckDone(), NOW, election)   # spoiled: back to an empty ballot, same token
    assert state.screen == f.Screen.BALLOT and state.vote.payload == payload and state.notice == "checked"
    assert all(chosen == () for _, chosen in state.vote.selections)


def test_the_port_spoils_prints_the_seed_and_the_token_casts_after(store_election, tmp_path):
    tokens = store_election
    root = make_station(tokens, tmp_path / "s")
    with Station.open(root) as station, printer_rig(tmp_path) as rig:
        e = station.election
        port = StationPort(station, rig.printer, clock=lambda: NOW)
        style, payload = tokens.test[0]
        assert isinstance(port.check_token(payload), f.TokenAccepted)
        port.prepare_encryption(payload, style, choices(e, style, 3))
        early = port._early[1]
        assert port.check_ballot(payload, style, choices(e, style, 3), "en") == f.CheckDone()
        assert port._early is None
        [(leaf, seed)] = station.store.spoiled()
        assert seed == early.nonce_seed and early.ballot_id.hex() in leaf.decode()
        [qr] = [t for t in printed_qr_texts(rig.device) if t.startswith("KC1:")]
        tag, ballot_id, printed_seed = parse_spoiled_qr(qr)
        assert (tag, ballot_id, printed_seed) == (e.tag, early.ballot_id, early.nonce_seed)
        ballot = parse_ballot_bytes(early.encrypted, e, style, ballot_id.hex())
        assert open_with_seed(e.election_public_key, e, ballot, printed_seed) == choices(e, style, 3)
        assert any("SPOILED" in line for line in rig.device.transcript())
        # the same token still casts, and never with the checked encryption
        done = port.cast(payload, style, choices(e, style, 1), None)
        assert isinstance(done, f.CastDone)
        assert next(station.store.ballots()).ballot_id != early.ballot_id


def test_no_printer_no_check(store_election, tmp_path):
    tokens = store_election
    root = make_station(tokens, tmp_path / "s")
    with Station.open(root) as station:
        port = StationPort(station, None, clock=lambda: NOW)
        style, payload = tokens.test[1]
        assert port.check_ballot(payload, style, choices(station.election, style), "ko") == \
            f.PrintFailed("printer_offline")
        assert station.store.spoiled() == []
        assert isinstance(cast(station, payload, choices(station.election, style), NOW), Cast)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_every_checked_record_of_a_style_prints_the_same_length(language):
    qr = "KC1:" + APARTMENT.tag + ":" + "A" * 32 + ":" + "B" * 52
    for style in ("owner", "tenant"):
        sizes = set()
        for p in patterns(APARTMENT, style):
            document = report_document(checked_record(APARTMENT, style, p, "ab" * 16, qr, "official", language))
            sizes.add((len(encode_document(document, PAPER_80MM)), len(layout(document, PAPER_80MM))))
        assert len(sizes) == 1, (style, sizes)
