"""What the central side's PDF reports share: the Hangul font, paragraph styles and a gridded table.

reportlab lays them out (platypus); the font is the one the token sheets embed, so Korean prints
the same in every report (the audit report, the results report).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from sync.central.sheets import hangul_pdf_font


@dataclass(frozen=True)
class Styles:
    """The report's font and its three paragraph styles."""

    font: str
    body: ParagraphStyle
    head: ParagraphStyle
    sub: ParagraphStyle

    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        """A paragraph of plain ``text`` (escaped: names from a package are never markup)."""
        return Paragraph(escape(text), style or self.body)

    def table(self, rows: list[list[str]], header: bool = False) -> Table:
        """A gridded table of plain text cells; the header row (when ``header``) repeats on every page."""
        style = ParagraphStyle("cell", fontName=self.font, fontSize=8.5, leading=11)
        table = Table([[Paragraph(escape(c), style) for c in row] for row in rows], hAlign="LEFT",
                      repeatRows=int(header))
        commands = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        if header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")))
        table.setStyle(TableStyle(commands))
        return table


def styles() -> Styles:
    """The Hangul font registered and the styles made from it."""
    font = hangul_pdf_font()
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13)
    return Styles(font, body, ParagraphStyle("head", parent=body, fontSize=15, leading=20, spaceAfter=4),
                  ParagraphStyle("sub", parent=body, fontSize=11.5, leading=16, spaceBefore=8, spaceAfter=3))


def build(path, story: list, title: str) -> None:
    """Write ``story`` as an A4 PDF at ``path``."""
    SimpleDocTemplate(str(path), pagesize=A4, title=title, author="kiosk-central",
                      leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm).build(story)
