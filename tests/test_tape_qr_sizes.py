"""No QR code a kiosk prints can be too large for the paper: the worst case of each, built and read back.

Every report's QR (kiosk.station.reports ``Code``) goes through one printer path, where a text
too long for a QR code used to crash the print (segno's DataOverflowError; ``kiosk close`` with a
long closing statement). Each kind is bounded, and this file builds its largest:

- the paper record: ``KP1:`` tag and ballot id, always 45 characters;
- a checked ballot's record: ``KC1:`` tag, ballot id and seed, always 98;
- the receipt: the first node's address (at most ``https://`` and 200 characters, the package's
  rule) with ``/receipt?code=`` and the 10-letter code;
- the results tape: one code of at most 997 characters, or parts of at most 1,451
  (kiosk.contract.closing_parts), never a code beyond;
- the zero report and the slips print no QR code.

Each is printed on 80 mm and 58 mm paper, must be a version-25 code at most (4 dots a module on
80 mm, 3 on 58 mm), and must read back from the rendered paper with the project's decoder.
"""

from __future__ import annotations

import numpy as np
import pytest
import segno
from test_fixed_size_paper import APARTMENT
from test_receipt_slip import election

from hardware.document import PAPER_58MM, PAPER_80MM
from hardware.escpos import encode_document
from hardware.tape_image import tape_image
from hardware.virtual_printer import VirtualPrinter
from kiosk.app.printing import report_document
from kiosk.contract.closing import MAX_PAYLOAD
from kiosk.contract.closing_parts import MAX_VERSION, PART_MAX, SINGLE_MAX
from kiosk.contract.paper_qr import paper_qr
from kiosk.contract.spoiled_qr import spoiled_qr
from kiosk.errors import ValidationError
from kiosk.station.reports import (Code, Line, Report, StationFacts, checked_record, paper_record, receipt_slip,
                                   results_tape, w)
from scanner.decode import decode_frame

LONGEST_URL = "https://" + "n" * 200   # the package's rule: https?:// and 1..200 more characters


def _with_node(url: str):
    """The apartment election with a receipt and one node at ``url``, as the package parser takes it."""
    return election(nodes=[{"id": "n1", "url": url, "key_hex": "cd" * 32}], receipt=True)


def worst_cases() -> dict[str, Report]:
    style = APARTMENT.styles[0]
    contest = APARTMENT.contest(style.contests[0])
    picks = {contest.id: [o.id for o in contest.options][:contest.max]}
    seed = spoiled_qr(APARTMENT.tag, b"\xff" * 16, b"\xff" * 32)
    return {
        "paper record": paper_record(APARTMENT, style.id, picks, "f" * 32, "official", "ko"),
        "checked record": checked_record(APARTMENT, style.id, picks, "f" * 32, seed, "official", "ko"),
        "receipt": receipt_slip(_with_node(LONGEST_URL), "ZZZZZZZZZZ", "official"),
        # the tape's codes: the two largest texts closing_parts ever prints in one code
        "closing statement": Report("results_tape", "ko", (Code("KS1:" + "9" * (SINGLE_MAX - 4), "closing"),)),
        "closing part": Report("results_tape", "ko",
                               (Code("KSP1:0123456789ABCDEF:99/99:" + "Z" * (PART_MAX - 28), "closing 99/99"),)),
    }


def test_the_fixed_payloads_have_their_fixed_lengths():
    assert len(paper_qr(APARTMENT.tag, "0" * 32)) == 45
    assert len(spoiled_qr(APARTMENT.tag, bytes(16), bytes(32))) == 98
    assert len(f"{LONGEST_URL}/receipt?code=ZZZZZZZZZZ") == 232
    with pytest.raises(ValidationError, match="url"):
        _with_node(LONGEST_URL + "n")  # one more character: the package is refused, so no longer receipt QR


@pytest.mark.parametrize("kind", list(worst_cases()))
@pytest.mark.parametrize("paper", [PAPER_80MM, PAPER_58MM], ids=["80mm", "58mm"])
def test_the_largest_of_each_kind_prints_and_reads_back(kind, paper):
    report = worst_cases()[kind]
    payloads = [b.payload for b in report.blocks if isinstance(b, Code)]
    assert len(payloads) == 1
    assert segno.make(payloads[0], error="m", boost_error=False, micro=False).version <= MAX_VERSION
    device = VirtualPrinter()
    device.receive(encode_document(report_document(report), paper))
    image = tape_image(list(device.printed), paper)
    assert decode_frame(np.array(image.convert("L"))) == payloads


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_statement_no_codes_can_hold_is_said_in_words_and_the_tape_still_prints(language):
    facts = StationFacts(APARTMENT, "S01", "official", "0000-0000-0000-0000", "unattested", "ab" * 32, 1, "cd" * 32,
                         1_495_893_600, 1_495_893_700)
    tape = results_tape(facts, [], 0, {}, {}, None, [], "KS1:" + "9" * MAX_PAYLOAD, language)
    assert not [b for b in tape.blocks if isinstance(b, Code)]
    said = [b.text for b in tape.blocks if isinstance(b, Line) and str(MAX_PAYLOAD + 4) in b.text]
    assert said == [w(language, "closing_qr_too_large", chars=MAX_PAYLOAD + 4)]
    assert encode_document(report_document(tape), PAPER_80MM)
