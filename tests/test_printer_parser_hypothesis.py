"""The virtual printer parses outside input: no bytes may crash it, hang it or blow its memory."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.document import PAPER_58MM, Document, Text
from hardware.escpos import encode_document
from hardware.escpos_parse import MAX_LINE_CHARS, MAX_RASTER_BYTES, Parser
from hardware.layout import ImageLine, TextLine
from hardware.virtual_device import VirtualPrinter

# Bytes rich in command introducers, so that commands (and broken ones) are common.
_COMMANDY = st.lists(st.one_of(st.sampled_from([0x1B, 0x1D, 0x10, 0x1C, 0x0A, 0x04, ord("v"), ord("0"), ord("V"),
                                                ord("("), ord("r"), ord("a"), ord("d")]),
                               st.integers(0, 255)), max_size=400).map(bytes)


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(st.binary(max_size=400), _COMMANDY), cut=st.integers(0, 400))
def test_any_bytes_in_any_split_never_crash(data, cut):
    parser = Parser()
    events = parser.feed(data[:cut]) + parser.feed(data[cut:])
    for event in events:
        if isinstance(event, TextLine):
            assert len(event.text) <= MAX_LINE_CHARS
        if isinstance(event, ImageLine):
            assert len(event.raster.data) <= MAX_RASTER_BYTES


@settings(max_examples=200, deadline=None)
@given(data=st.one_of(st.binary(max_size=300), _COMMANDY))
def test_the_virtual_printer_answers_only_status_bytes(data):
    reply = VirtualPrinter(paper_lines=3).receive(data)
    assert all(b & 0x90 == 0 or b & 0x93 == 0x12 for b in reply)  # GS r or DLE EOT shapes only


def test_a_huge_raster_header_is_skipped_without_holding_it():
    parser = Parser()
    head = bytes([0x1D, ord("v"), ord("0"), 0, 0xFF, 0xFF, 0xFF, 0xFF])  # 4 GiB announced
    parser.feed(head + b"\x00" * 1000)
    assert len(parser._buf) == 0  # dropped as it came, not buffered


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60), max_size=8))
def test_ascii_text_round_trips(lines):
    doc = Document([Text(line) for line in lines])
    texts = [e.text for e in Parser().feed(encode_document(doc, PAPER_58MM)) if isinstance(e, TextLine)]
    # wrapping moves spaces and breaks long words; every other character comes back in order
    assert "".join("".join(texts).split()) == "".join("".join(lines).split())
