"""A large-print paper record for a voter who reads large print on screen: capitals of at least
5 mm (203 dpi: 8 dots a mm), measured on the rasters the printer gets and on the bytes it is sent,
read back by the ESC/POS parser; still one size of paper for every choice of a ballot style."""

from __future__ import annotations

import numpy as np
import pytest

from booth_ui import flow
from hardware.document import PAPER_58MM, PAPER_80MM
from hardware.escpos import encode_lines
from hardware.escpos_parse import Parser
from hardware.layout import ImageLine, TextLine, layout
from hardware.raster import render_text
from kiosk.app.printing import report_document
from kiosk.station.reports import paper_record
from tests.test_booth_worker_words import E

DOTS_PER_MM = 8
STYLE = E.styles[2].id
CONTEST = E.style(STYLE).contests[0]
SHOWN = [o.id for o in E.contest(CONTEST).options if o.id not in E.style(STYLE).exclude]


def ink_rows(raster) -> int:
    """How many dot rows of a raster carry ink (its text's height on paper)."""
    image = np.array(raster.to_image().convert("L"))
    inked = np.where((image < 128).any(axis=1))[0] if image.mean() > 128 else np.where((image > 128).any(axis=1))[0]
    return int(inked.max() - inked.min() + 1) if len(inked) else 0


@pytest.mark.parametrize("profile", [PAPER_80MM, PAPER_58MM], ids=["80mm", "58mm"])
def test_large_print_capitals_are_at_least_5_mm(profile):
    large = profile.large()
    capital = ink_rows(render_text("H", large.font_px, large.line_dots)) / DOTS_PER_MM
    hangul = ink_rows(render_text("가", large.font_px, large.line_dots)) / DOTS_PER_MM
    normal = ink_rows(render_text("H", profile.font_px, profile.line_dots)) / DOTS_PER_MM
    assert capital >= 5.0 and hangul >= 5.0, (capital, hangul)
    assert normal < 5.0    # the ordinary paper is not large print
    # Font A is 24 dots tall; tripled by GS ! it is 72 dots, 9 mm a line
    assert large.text_scale == 3 and large.line_dots == 72


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_large_paper_record_is_large_everywhere_and_one_size_for_every_choice(language):
    lengths = set()
    for chosen in (SHOWN[:1], SHOWN[1:3], []):
        record = paper_record(E, STYLE, {CONTEST: chosen}, "ab" * 16, "test", language)
        lines = layout(report_document(record, large=True), PAPER_80MM)
        texts = [line for line in lines if isinstance(line, TextLine)]
        images = [line for line in lines if isinstance(line, ImageLine) and not line.source.startswith("QR:")]
        assert texts and all(line.size == 3 for line in texts)
        assert images and all(line.raster.height == 72 for line in images)
        assert max(ink_rows(line.raster) for line in images if line.source) / DOTS_PER_MM >= 5.0
        data = encode_lines(lines)
        lengths.add(len(data))
        parsed = [e for e in Parser().feed(data) if isinstance(e, TextLine)]
        assert parsed and all(e.size == 3 for e in parsed)   # GS ! 0x22 on the wire, read back
        ordinary = layout(report_document(record), PAPER_80MM)
        assert all(line.size == 1 for line in ordinary if isinstance(line, TextLine))
    assert len(lengths) == 1   # the bytes do not tell which choice was printed


@pytest.mark.parametrize("text_size, large", [(0, False), (1, False), (2, True), (3, True)])
def test_large_print_on_screen_asks_for_large_print_on_paper(text_size, large):
    vote = flow.Vote(payload="KT1O", style=STYLE, selections=((CONTEST, tuple(SHOWN[:1])),))
    state = flow.BoothState(screen=flow.Screen.REVIEW, vote=vote, polls_open=True,
                            prefs=flow.Prefs("ko", text_size))
    state, effects = flow.step(state, flow.Confirm(), 1.0, E)
    assert [e.large for e in effects if isinstance(e, flow.PrintPaperRecord)] == [large]
