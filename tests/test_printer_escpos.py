"""ESC/POS status bytes against the Epson reference, the file: printer, TCP, and the CLI."""

from __future__ import annotations

import pytest

from hardware.document import PAPER_80MM, QR, Cut, Document, Rule, Text
from hardware.escpos import Condition, decode_status, encode_document, encode_status
from hardware.escpos_parse import Parser
from hardware.layout import TextLine
from hardware.printer import Printer
from hardware.virtual_printer import TcpServer, VirtualPrinter, main

# Replies to DLE EOT 1, 2, 4 as the Epson reference defines them: 0x12 is "all clear" (bits 1
# and 4 fixed on); n=1 bit 3 offline; n=2 bit 2 cover, bit 5 paper-end stop, bit 6 error;
# n=4 bits 2-3 near end (0x0C), bits 5-6 paper end (0x60).
KNOWN = [
    ((0x12, 0x12, 0x12), Condition.OK),
    ((0x12, 0x12, 0x1E), Condition.PAPER_NEAR_END),
    ((0x1A, 0x32, 0x7E), Condition.PAPER_OUT),
    ((0x1A, 0x16, 0x12), Condition.COVER_OPEN),
    ((0x1A, 0x36, 0x7E), Condition.COVER_OPEN),  # both: the cover is what to fix first
    ((0x1A, 0x52, 0x12), Condition.OFFLINE),
    ((0x1A, 0x12, 0x12), Condition.OFFLINE),
]


@pytest.mark.parametrize("replies,condition", KNOWN)
def test_status_bytes_decode_as_the_reference_says(replies, condition):
    assert decode_status(*replies) is condition


@pytest.mark.parametrize("bad", [0x00, 0xFF, 0x10, 0x02, 0x92])
def test_bytes_not_shaped_like_a_reply_are_refused(bad):
    with pytest.raises(ValueError, match="not a DLE EOT reply"):
        decode_status(0x12, bad, 0x12)


@pytest.mark.parametrize("cover_open", [False, True])
@pytest.mark.parametrize("paper_out", [False, True])
@pytest.mark.parametrize("near_end", [False, True])
def test_encoded_status_decodes_back(cover_open, paper_out, near_end):
    condition = decode_status(*encode_status(cover_open=cover_open, paper_out=paper_out, near_end=near_end))
    expected = (Condition.COVER_OPEN if cover_open else Condition.PAPER_OUT if paper_out
                else Condition.PAPER_NEAR_END if near_end else Condition.OK)
    assert condition is expected


def test_file_printer_appends_jobs_and_replays(tmp_path, capsys):
    out = tmp_path / "receipts.bin"
    doc = Document([Text("first"), Rule(), Text("투표"), QR("X1"), Cut()])
    with Printer(f"file:{out}") as printer:
        assert printer.status() is Condition.OK
        printer.print(doc)
        printer.print(Document([Text("second")]))
    assert out.read_bytes().startswith(encode_document(doc, PAPER_80MM))
    tape = tmp_path / "tape.png"
    assert main(["--replay", str(out), "--tape", str(tape)]) == 0
    from PIL import Image

    with Image.open(tape) as picture:  # a picture of the paper: printable width plus margins
        assert picture.width == PAPER_80MM.width_dots + 32 and picture.height > 8 * PAPER_80MM.line_dots
        assert picture.getextrema() == (0, 255)
    shown = capsys.readouterr().out.splitlines()
    assert shown[0] == "first" and shown[-1] == "second" and "(cut)" in shown
    assert sum(line.startswith("[image") for line in shown) == 2


def test_file_printer_in_a_missing_folder(tmp_path):
    from hardware.errors import PrinterUnavailable

    with pytest.raises(PrinterUnavailable):
        Printer(f"file:{tmp_path}/no/such/dir/out.bin").print(Document([Text("x")]))


def test_tcp_virtual_printer_for_the_demo():
    device = VirtualPrinter()
    server = TcpServer(device).start()
    try:
        with Printer(server.url) as printer:
            printer.print(Document([Text("over tcp"), Cut()]))
        assert device.transcript() == ["over tcp", "(cut)"]
    finally:
        server.stop()


def test_parser_splits_do_not_matter():
    data = encode_document(Document([Text("abc", bold=True), Text("가나다"), QR("Q"), Cut()]), PAPER_80MM)
    whole = Parser().feed(data)
    parser = Parser()
    bytewise = [event for i in range(len(data)) for event in parser.feed(data[i:i + 1])]
    assert bytewise == whole and whole[0] == TextLine("abc", bold=True)


def test_cli_usage_errors_exit_2(capsys):
    assert main([]) == 2
    assert main(["--serial", "/nonexistent/tty"]) == 2
