"""Round trip: a document printed through a real socat pty pair comes back line for line.

The virtual printer parses the ESC/POS stream back; ASCII lines compare as text, images by the
hash of their dots against the rendering of their source (``legend_of``), and the QR image is
read back by the real decoder.
"""

from __future__ import annotations

import numpy as np
import pytest
from printer_rig import printer_rig

from hardware.document import PAPER_58MM, PAPER_80MM, QR, Align, Columns, Cut, Document, Feed, Rule, Text
from hardware.escpos import encode_document
from hardware.layout import layout
from hardware.virtual_printer import legend_of

DOC = Document([
    Text("STATION 7 - TEST PRINT", size=2, bold=True, align=Align.CENTER),
    Text("제7 투표소 시험 인쇄", size=2, bold=True, align=Align.CENTER),
    Rule(),
    Text("Opened 2026-06-03 06:00"),
    Text("개시 2026-06-03 06:00"),
    Text("A line long enough that it has to be wrapped on a receipt of forty-eight columns."),
    Text("두 줄로 나뉘어야 할 만큼 긴 한국어 문장입니다: 영수증 폭에 맞추어 단어 사이에서 줄을 바꿉니다."),
    Columns("Total", "1,234", bold=True),
    Columns("합계", "1,234"),
    Rule("="),
    QR("KIOSK-CLOSE/1:0123456789ABCDEF"),
    Feed(3),
    Cut(),
], title="golden")

GOLDEN_80MM = [
    "[center,bold,x2] STATION 7 - TEST PRINT",
    "[image,center] 제7 투표소 시험 인쇄",
    "-" * 48,
    "Opened 2026-06-03 06:00",
    "[image] 개시 2026-06-03 06:00",
    "A line long enough that it has to be wrapped on",
    "a receipt of forty-eight columns.",
    "[image] 두 줄로 나뉘어야 할 만큼 긴 한국어 문장입니다: 영수증 폭에",
    "[image] 맞추어 단어 사이에서 줄을 바꿉니다.",
    "[bold] Total" + " " * 38 + "1,234",
    "[image] 합계 | 1,234",
    "=" * 48,
    "[image,center] QR:KIOSK-CLOSE/1:0123456789ABCDEF",
    "(feed 3)",
    "(cut)",
]


@pytest.fixture
def printer_on_pty(tmp_path):
    """(Printer, VirtualPrinter): the kiosk on one end of a socat pair, the device on the other."""
    with printer_rig(tmp_path) as rig:
        yield rig.printer, rig.device


def test_document_comes_back_line_for_line(printer_on_pty):
    printer, device = printer_on_pty
    result = printer.print(DOC)
    assert result.lines == len(GOLDEN_80MM) and not result.paper_near_end
    assert device.transcript(legend_of(DOC, PAPER_80MM)) == GOLDEN_80MM
    assert device.printed == layout(DOC, PAPER_80MM)  # every dot of every image, too


def test_the_printed_qr_code_reads_back(printer_on_pty):
    from scanner.decode import decode_frame

    printer, device = printer_on_pty
    printer.print(Document([QR("KIOSK-CLOSE/1:0123456789ABCDEF")]))
    (image,) = device.printed
    gray = np.array(image.raster.to_image().convert("L"))
    assert decode_frame(gray) == ["KIOSK-CLOSE/1:0123456789ABCDEF"]


def test_two_jobs_in_a_row_stay_apart(printer_on_pty):
    printer, device = printer_on_pty
    printer.print(Document([Text("first"), Cut()]))
    printer.print(Document([Text("second", bold=True), Cut()]))
    assert device.transcript() == ["first", "(cut)", "[bold] second", "(cut)"]


def test_58mm_paper_wraps_narrower():
    lines = [s for s in legend_of(DOC, PAPER_58MM).values() if not s.startswith("QR:")]
    assert len(lines) > len([s for s in legend_of(DOC, PAPER_80MM).values() if not s.startswith("QR:")])


def test_ascii_bytes_are_a_known_answer():
    """The exact ESC/POS bytes of a text-only document (ESC @, ESC t 0, ESC a, ESC E, GS !, LF, ESC d, GS V)."""
    doc = Document([Text("HELLO", size=2, bold=True, align=Align.CENTER), Text("x"), Feed(2), Cut()])
    expected = (b"\x1b@\x1bt\x00"
                b"\x1ba\x01\x1bE\x01\x1d!\x11HELLO\n\x1d!\x00\x1bE\x00"
                b"\x1ba\x00x\n"
                b"\x1bd\x02"
                b"\x1dVB\x00")
    assert encode_document(doc, PAPER_80MM) == expected


def test_hangul_lines_are_one_text_line_tall_and_inked():
    """A Hangul line is a raster exactly as tall as a Font A line (24 dots), with ink in it;
    bold draws different dots. (No fixed hash: it would change with FreeType, not with us.)"""
    from hardware.layout import ImageLine, layout

    (plain,) = layout(Document([Text("투표소")]), PAPER_80MM)
    (bold,) = layout(Document([Text("투표소", bold=True)]), PAPER_80MM)
    (double,) = layout(Document([Text("투표소", size=2)]), PAPER_80MM)
    assert isinstance(plain, ImageLine) and plain.raster.height == PAPER_80MM.line_dots
    assert double.raster.height == 2 * PAPER_80MM.line_dots
    assert any(plain.raster.data) and plain.raster.data != bold.raster.data


def test_newlines_start_new_lines_in_both_scripts():
    from hardware.layout import layout

    lines = layout(Document([Text("one\ntwo"), Text("하나\n둘")]), PAPER_80MM)
    assert [getattr(line, "text", None) or line.source for line in lines] == ["one", "two", "하나", "둘"]


@pytest.mark.parametrize("label, value", [
    ("Software hash", "0123456789abcdef0123456789abcdef0123"),
    ("단말기 소프트웨어", "2026-11-22 16:16:22 UTC 0123456789abcdef"),
])
def test_a_value_too_wide_goes_under_its_label_which_stays_whole(label, value):
    lines = layout(Document([Columns(label, value)]), PAPER_80MM)
    sources = [getattr(line, "text", None) or line.source for line in lines]
    assert sources[0].strip() == label  # the label whole on its own line, not in pieces of two letters
    assert " ".join(s.replace(" | ", "").strip() for s in sources[1:]) == value  # then the value, flush right


def test_a_short_value_stays_beside_its_label():
    (ascii_line,) = layout(Document([Columns("Ballots cast", "34")]), PAPER_80MM)
    (hangul_line,) = layout(Document([Columns("투표 수", "34")]), PAPER_80MM)
    assert ascii_line.text.startswith("Ballots cast") and ascii_line.text.endswith("34")
    assert hangul_line.source == "투표 수 | 34"
