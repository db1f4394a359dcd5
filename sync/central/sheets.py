"""Printable token sheets and code images: segno encodes the QR, reportlab lays out the PDF.

A token sheet is A4 with 3 x 5 slips, cut marks at every slip corner, and beside each code
the election's name and the ballot style's name in Korean (never the serial in readable
form: the token is a secret). Codes are drawn as vector rectangles, so they print sharp at
any printer resolution.

A ballot style never straddles two pages unless it has more tokens than a page holds: its slips
start on a new page when they would not fit in what is left of the current one, so a poll worker
hands out whole pages per style. Test tokens carry a large diagonal 시험 TEST mark on every slip,
in light grey under the code (the booth's decoder reads through it: tests/test_central_cli.py).
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from itertools import groupby
from typing import Iterable

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from kiosk.fonts import hangul_font

COLUMNS, ROWS = 3, 5
QUIET_ZONE = 4  # modules, as ISO/IEC 18004 asks


def token_qr(payload: str) -> segno.QRCode:
    """The QR symbol of a token: alphanumeric mode, ECC M, never boosted to a larger version."""
    return segno.make(payload, error="m", boost_error=False, mode="alphanumeric", micro=False)


def card_qr(payload: str) -> segno.QRCode:
    """The QR symbol of a poll-worker card (ASCII JSON, byte mode, ECC M)."""
    return segno.make(payload, error="m", boost_error=False, mode="byte", micro=False)


def save_png(qr: segno.QRCode, path: Path, scale: int = 8) -> None:
    """Write a code as a PNG with the standard quiet zone."""
    qr.save(str(path), kind="png", scale=scale, border=QUIET_ZONE)


Matrix = tuple[bytes, ...]


def _encode_and_save(item: tuple[str, str]) -> Matrix:
    payload, path = item
    qr = token_qr(payload)
    save_png(qr, Path(path))
    return tuple(bytes(row) for row in qr.matrix)


def write_token_pngs(items: list[tuple[str, Path]], workers: int | None = None) -> list[Matrix]:
    """Encode each token once, write its PNG, and return the module matrices (for the sheet).

    Encoding is most of the cost (segno evaluates all eight masks), so large runs are spread
    over the machine's cores.
    """
    work = [(payload, str(path)) for payload, path in items]
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(work) < 200:
        return [_encode_and_save(item) for item in work]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_encode_and_save, work, chunksize=64))


def hangul_pdf_font() -> str:
    """The Hangul TrueType font registered with reportlab (NanumGothic); its name."""
    name = "NanumGothic"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(hangul_font())))
    return name


def _draw_qr(c: canvas.Canvas, rows: Matrix, x: float, y: float, size: float) -> None:
    """Draw the dark modules as one path of horizontal runs (few, large rectangles)."""
    n = len(rows)
    module = size / n
    path = c.beginPath()
    for r, row in enumerate(rows):
        col = 0
        while col < n:
            if row[col] & 1:
                start = col
                while col < n and row[col] & 1:
                    col += 1
                path.rect(x + start * module, y + (n - 1 - r) * module, (col - start) * module, module)
            else:
                col += 1
    c.drawPath(path, stroke=0, fill=1)


def _cut_marks(c: canvas.Canvas, x: float, y: float, w: float, h: float) -> None:
    c.setLineWidth(0.3)
    tick = 3 * mm
    for cx, cy in ((x, y), (x + w, y), (x, y + h), (x + w, y + h)):
        c.line(cx - tick, cy, cx + tick, cy)
        c.line(cx, cy - tick, cx, cy + tick)


def sheet_slots(styles: list[str], per_page: int = COLUMNS * ROWS) -> list[tuple[int, int]]:
    """(page, slot) of each slip, slips given in order with the ballot style of each.

    A run of one style that fits on a page but not in what is left of the current page starts a new
    page; a run larger than a page starts on a new page and fills as many as it needs."""
    out: list[tuple[int, int]] = []
    page, slot = 0, 0
    for _, run in groupby(styles):
        n = len(list(run))
        if slot and slot + n > per_page:
            page, slot = page + 1, 0
        for _ in range(n):
            out.append((page, slot))
            slot += 1
            if slot == per_page:
                page, slot = page + 1, 0
    return out


def _test_mark(c: canvas.Canvas, font: str, x: float, y: float, w: float, h: float) -> None:
    """The diagonal 시험 TEST mark corner to corner across one slip, under the code and light enough for it to read."""
    text = "시험 TEST"
    angle = math.degrees(math.atan2(h, w))
    size = 0.85 * math.hypot(w, h) / (c.stringWidth(text, font, 100) / 100)
    c.saveState()
    c.setFillGray(0.72)
    c.translate(x + w / 2, y + h / 2)
    c.rotate(angle)
    c.setFont(font, size)
    c.drawCentredString(0, -size * 0.35, text)
    c.restoreState()


def write_token_sheet(path: Path, election_title: str, slips: Iterable[tuple[Matrix, str]],
                      mode_label: str = "", test: bool = False) -> int:
    """Write the PDF of (QR module matrix, ballot style name) slips; returns the number of pages.

    ``test``: the tokens are test tokens, marked as such on every slip."""
    font = hangul_pdf_font()
    slips = list(slips)
    c = canvas.Canvas(str(path), pagesize=A4, pageCompression=1)
    c.setTitle(election_title)
    page_w, page_h = A4
    margin = 12 * mm
    cell_w, cell_h = (page_w - 2 * margin) / COLUMNS, (page_h - 2 * margin) / ROWS
    code = min(cell_h - 14 * mm, cell_w * 0.62)
    current = 0
    places = sheet_slots([name for _, name in slips])
    for (matrix, style_name), (page, slot) in zip(slips, places):
        while current < page:
            c.showPage()
            current += 1
        col, row = slot % COLUMNS, slot // COLUMNS
        x, y = margin + col * cell_w, page_h - margin - (row + 1) * cell_h
        _cut_marks(c, x, y, cell_w, cell_h)
        if test:
            _test_mark(c, font, x, y, cell_w, cell_h)
        _draw_qr(c, matrix, x + (cell_w - code) / 2, y + 11 * mm, code)
        c.setFont(font, 7.5)
        c.drawCentredString(x + cell_w / 2, y + 7 * mm, _fit(c, font, election_title, 7.5, cell_w - 6 * mm))
        c.setFont(font, 9)
        c.drawCentredString(x + cell_w / 2, y + 3 * mm, f"{style_name} {mode_label}".strip())
    c.showPage()
    c.save()
    return current + 1


def _fit(c: canvas.Canvas, font: str, text: str, size: float, width: float) -> str:
    while text and c.stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text
