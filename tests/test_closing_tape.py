"""`kiosk close` with a closing statement too long for one QR code: the tape prints its parts, and
the real decoder reads them all back off the rendered tape (a PNG, as a photo would be).

An election of 40 contests of 12 options at privacy floor 1 gives a station's statement of some
10,000 characters (more than four of the largest QR codes' worth); before the parts, closing it
crashed in the QR encoder (segno's DataOverflowError). The parts are joined (kiosk.contract.closing_parts), the signature verified and
the statement set beside the election, as central staff do with a photographed tape; then the
same with ``kiosk-central tapes read`` on one JPEG "photo" per code, given in any order.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
import zxingcpp
from PIL import Image
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


@pytest.fixture(scope="module")
def closed(wide, tmp_path_factory):
    """A station of the wide election, three ballots cast, closed with ``kiosk close``: (tokens, tape PNG)."""
    tokens, cards = wide
    tmp_path = tmp_path_factory.mktemp("closed")
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
    device = VirtualPrinter()
    device.receive(paper.read_bytes()[opened:])
    png = tmp_path / "tape.png"
    tape_image(list(device.printed)).save(png)
    return tokens, png


def test_kiosk_close_prints_the_long_statement_in_parts_that_read_back(closed):
    tokens, png = closed
    texts = decode_frame(np.array(Image.open(png).convert("L")))
    parts = [t for t in texts if is_part(t)]
    assert len(parts) >= 2 and len(parts) == len(texts)  # every code on the tape read, each a part
    assert {p.split(":")[2] for p in parts} == {f"{i}/{len(parts)}" for i in range(1, len(parts) + 1)}
    joined = assemble([("tape.png", t) for t in reversed(parts)])
    assert joined.refused == [] and len(joined.statements) == 1
    statement = parse_closing(joined.statements[0][1])
    assert len(joined.statements[0][1]) > 10_000
    assert check_closing(statement, tokens.election) == [] and statement["ballots"] == 3
    assert statement["contests"]["contest-07"]["options"]["option-07-02"] == 2  # the second and third voters


def photos_of_each_code(png, folder) -> list:
    """One JPEG "photo" per QR code of the tape: the code and a margin around it, cut out of the tape."""
    image = Image.open(png).convert("L")
    found = zxingcpp.read_barcodes(np.array(image), formats=zxingcpp.BarcodeFormat.QRCodeModel2)
    photos = []
    for n, code in enumerate(sorted(found, key=lambda c: c.position.top_left.y)):
        corners = [code.position.top_left, code.position.top_right, code.position.bottom_left,
                   code.position.bottom_right]
        box = (max(0, min(p.x for p in corners) - 40), max(0, min(p.y for p in corners) - 40),
               max(p.x for p in corners) + 40, max(p.y for p in corners) + 40)
        photos.append(folder / f"code-{n + 1}.jpg")
        image.crop(box).resize((900, 900)).save(photos[-1], quality=85)
    return photos


def central(*argv) -> tuple[int, str, str]:
    from sync.central.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def test_tapes_read_joins_the_parts_across_photos_in_any_order(closed, tmp_path):
    tokens, png = closed
    photos = photos_of_each_code(png, tmp_path)
    assert len(photos) >= 2
    code, out, err = central("tapes", "read", *reversed(photos), photos[0], "--election", tokens.directory)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 1 and check_closing(parse_closing(lines[0]), tokens.election) == []
    assert "station S-0001, official, 3 ballots" in err
    assert [s for _, s in assemble([("", line) for line in out.splitlines()]).statements] == lines


def test_tapes_read_names_the_part_no_photo_holds(closed, tmp_path):
    photos = photos_of_each_code(closed[1], tmp_path)
    code, out, err = central("tapes", "read", *photos[:-1])
    n = len(photos)
    assert code == 1 and out == ""
    assert f"part {n}/{n} not read" in err and f"{n}/{n} 조각을 읽지 못했습니다" in err


def test_tapes_read_says_when_an_image_holds_no_closing_code(tmp_path):
    blank = tmp_path / "blank.png"
    Image.new("L", (300, 300), 255).save(blank)
    code, out, err = central("tapes", "read", blank)
    assert code == 1 and "no closing statement QR code read" in err
    assert central("tapes", "read", tmp_path / "missing.png")[0] == 2
