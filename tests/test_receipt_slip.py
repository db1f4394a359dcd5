"""The receipt the voter keeps when the package asks for one: the tracking code, and a QR of the
node's /receipt page that reads back with the booth's own decoder; one size for every code."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from printer_rig import printer_rig

from hardware.document import PAPER_80MM
from hardware.escpos import encode_document
from ceremonyhelp import format2_election
from kiosk.app.printing import report_document
from kiosk.contract.spec import read_spec
from kiosk.contract.tracking import parse_code, tracking_code
from kiosk.errors import ValidationError
from kiosk.station.reports import as_text, receipt_slip

KEY = "ab" * 32
ROOT = Path(__file__).resolve().parent.parent


def election(**extra):
    spec = read_spec(ROOT / "docs/examples/apartment.toml")
    return format2_election(dict(spec, **extra), KEY)


def test_the_package_field_is_off_unless_asked_and_must_be_a_boolean():
    assert election().receipt is False and election(receipt=True).receipt is True
    with pytest.raises(ValidationError, match="receipt: must be true or false"):
        election(receipt="yes")


def test_the_printed_receipt_qr_opens_the_nodes_receipt_page(tmp_path):
    from scanner.decode import decode_frame

    node = {"id": "n1", "url": "https://n1.example.org/", "key_hex": "cd" * 32}
    e = election(nodes=[node], receipt=True)
    code = tracking_code(hashlib.sha256(b"a ballot").digest())
    report = receipt_slip(e, code, "test")
    text = as_text(report)
    assert code in text and "TEST" in text and "https://n1.example.org/receipt" in text
    with printer_rig(tmp_path) as rig:
        rig.printer.print(report_document(report))
        qr = [image for image in rig.device.printed if hasattr(image, "raster")]
        found = [t for image in qr for t in decode_frame(np.array(image.raster.to_image().convert("L")))]
    assert found == [f"https://n1.example.org/receipt?code={code}"]
    assert parse_code(found[0].split("code=")[1]) == code


def test_every_code_prints_the_same_bytes():
    e = election(nodes=[{"id": "n1", "url": "https://n1.example.org", "key_hex": "cd" * 32}], receipt=True)
    sizes = {len(encode_document(report_document(receipt_slip(e, tracking_code(hashlib.sha256(bytes([n])).digest()),
                                                              mode)), PAPER_80MM))
             for n in range(40) for mode in ("official",)}
    assert len(sizes) == 1


def test_a_large_print_receipt_lays_out_on_both_papers():
    """A voter who asked for large print gets the receipt large too; the code still fits a line."""
    from hardware.document import PAPER_58MM
    from hardware.layout import layout

    e = election(nodes=[{"id": "n1", "url": "https://n1.example.org", "key_hex": "cd" * 32}], receipt=True)
    report = receipt_slip(e, tracking_code(hashlib.sha256(b"y").digest()), "official")
    for profile in (PAPER_58MM, PAPER_80MM):
        normal, large = layout(report_document(report), profile), layout(report_document(report, large=True), profile)
        assert len(large) > len(normal)
        texts = [getattr(line, "source", "") or getattr(line, "text", "") for line in large]
        for group in report.blocks[3].text.split("-"):   # on 58 mm large print it breaks at its dash only
            assert any(group in t for t in texts), (group, texts)
