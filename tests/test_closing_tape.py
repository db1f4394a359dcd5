"""`kiosk close` with a closing statement too long for one QR code: the tape prints its parts, and
the real decoder reads them all back off the rendered tape (a PNG, as a photo would be).

An election of 40 contests of 12 options at privacy floor 1 gives a station's statement of some
10,000 characters (more than four of the largest QR codes' worth); before the parts, closing it
crashed in the QR encoder (segno's DataOverflowError). The parts are joined (kiosk.contract.closing_parts), the signature verified and
the statement set beside the election, as central staff do with a photographed tape.
"""

from __future__ import annotations

import numpy as np
import pytest
from pollhelp import PIN, card_file, cli, make_cards
from storehelp import NOW, make_election, make_station

from hardware.tape_image import tape_image
from hardware.virtual_printer import VirtualPrinter
from kiosk.contract.closing import check_closing, parse_closing
from kiosk.contract.closing_parts import assemble, is_part
from kiosk.station.casting import Cast, cast
from kiosk.station.station import Station
from scanner.decode import decode_frame

CONTESTS, OPTIONS = 40, 12


def _t(text: str) -> dict:
    return {"ko": text, "en": text}


def wide_spec() -> dict:
    """An election whose every station statement is long: every contest on every ballot, floor 1."""
    contests = [{"id": f"contest-{c:02d}", "title": _t(f"Contest {c}"), "rule": "approval", "min": 0, "max": 3,
                 "options": [{"id": f"option-{c:02d}-{o:02d}", "title": _t(f"Option {o}")} for o in range(OPTIONS)]}
                for c in range(CONTESTS)]
    return {"id": "wide-tape", "title": _t("A wide election"), "privacy_floor": 1, "paper_record": False,
            "nodes": [], "contests": contests,
            "styles": [{"id": f"style-{s}", "title": _t(f"Style {s}"), "contests": [c["id"] for c in contests]}
                       for s in range(2)]}


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    tokens = make_election(tmp_path_factory.mktemp("wide") / "e", per_style=2, spec=wide_spec())
    return tokens, make_cards(tokens)


def read_tape(printed_bytes: bytes, png) -> list[str]:
    """Every QR text the project's decoder reads off the tape rendered to ``png``."""
    device = VirtualPrinter()
    device.receive(printed_bytes)
    image = tape_image(list(device.printed))
    image.save(png)
    return decode_frame(np.array(image.convert("L")))


def test_kiosk_close_prints_the_long_statement_in_parts_that_read_back(wide, tmp_path):
    tokens, cards = wide
    root = make_station(tokens, tmp_path / "s", mode="official", polls_open=False, cards=cards)
    worker, paper = card_file(tmp_path, cards.poll_worker), tmp_path / "paper.bin"
    common = ("--data", root, "--printer", f"file:{paper}", "--language", "ko")
    assert cli(PIN + "\n", "open", "--card", worker, *common)[0] == 0
    with Station.open(root) as station:
        for n, (style, payload) in enumerate(tokens.official[:3]):
            picks = {c: [f"option-{c[-2:]}-{(n + i) % OPTIONS:02d}" for i in range(n + 1)]
                     for c in station.election.style(style).contests}
            assert isinstance(cast(station, payload, picks, NOW + 120 + n), Cast)
    opened = paper.stat().st_size
    code, out, err = cli(PIN + "\n", "close", "--card", worker, *common)
    assert code == 0, err
    texts = read_tape(paper.read_bytes()[opened:], tmp_path / "tape.png")
    parts = [t for t in texts if is_part(t)]
    assert len(parts) >= 2 and len(parts) == len(texts)  # every code on the tape read, each a part
    assert {p.split(":")[2] for p in parts} == {f"{i}/{len(parts)}" for i in range(1, len(parts) + 1)}
    joined = assemble([("tape.png", t) for t in reversed(parts)])
    assert joined.refused == [] and len(joined.statements) == 1
    statement = parse_closing(joined.statements[0][1])
    assert len(joined.statements[0][1]) > 10_000, len(joined.statements[0][1])
    assert check_closing(statement, tokens.election) == [] and statement["ballots"] == 3
    assert statement["contests"]["contest-07"]["options"]["option-07-02"] == 2  # the second and third voters
