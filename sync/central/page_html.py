"""The frame every page a node serves to a person shares: language, phone width, landmarks, focus.

One place for what each page must have and is easy to forget (all checked in headless Chromium by
``tests/test_a11y_pages.py``): ``lang="ko"`` on the page (its English marked ``lang="en"`` where it
stands), a viewport so that a phone lays the page out at its own width instead of shrinking a
980-pixel page, Korean broken between words, not inside them (``word-break: keep-all``, as Korean
is set), the content in a ``<main>`` landmark, form fields in the page's font, a visible
keyboard focus ring, and wide tables and charts that scroll inside their own box instead of pushing
the whole page sideways on a phone.

A scroll box is a Tab stop only while it actually overflows (a keyboard must be able to scroll it, and
axe-core's ``scrollable-region-focusable`` asks for that; where nothing scrolls, a stop is a stop for
nothing). Without a script (the pages have none): the box is a scroll-state container, and the
focusable element inside it (``tabindex="0"``) is ``display: contents``, which takes no focus, until
``@container scroll-state(scrollable: inline)`` says the box can scroll; focused, the arrow keys scroll
the box. A browser without scroll-state queries keeps the element a block: always a stop, as before.
"""

from __future__ import annotations

import html
import re

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'

BASE_STYLE = """
*,*::before,*::after{box-sizing:border-box}
body{word-break:keep-all;overflow-wrap:break-word}
input,button,select{font:inherit;max-width:100%}
:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}
.scroll{overflow-x:auto;max-width:100%;container-type:scroll-state}
.stop{display:contents}
@container scroll-state(scrollable: inline){.stop{display:block}}
@supports not (container-type:scroll-state){.stop{display:block}}
.stop:focus-visible{outline-offset:-3px}
caption{text-align:left}
code{white-space:nowrap}
"""
PHONE_STYLE = "@media (max-width:600px){body{margin:12px}}"   # after the page's own: it wins there

_TABLE = re.compile(r"<table\b")


def bilingual(ko: str, en: str, sep: str = " · ") -> str:
    """Korean, then the English marked as English (a screen reader switches voice), every value escaped;
    once when the two are the same (an id, a name like "mA"): shown twice it is read twice."""
    if ko == en:
        return html.escape(str(ko), quote=True)
    return f'{html.escape(str(ko), quote=True)}{sep}<span lang="en">{html.escape(str(en), quote=True)}</span>'


_BOX, _END = '<div class="scroll"><div class="stop" tabindex="0">', "</div></div>"


def scrolling(part: str) -> str:
    """``part`` (a chart) in a box that scrolls sideways on its own, a Tab stop only while it overflows."""
    return f"{_BOX}{part}{_END}"


def scrolling_tables(body: str) -> str:
    """Each table in a :func:`scrolling` box."""
    return _TABLE.sub(f"{_BOX}<table", body).replace("</table>", f"</table>{_END}")


def page(title: str, style: str, body: str, head: str = "") -> str:
    """A whole page: ``title`` and ``body`` already escaped, ``style`` the page's own CSS,
    ``head`` more of the head (the dashboard's refresh when it is on)."""
    return (f'<!doctype html><html lang="ko"><head><meta charset="utf-8">{VIEWPORT}{head}'
            f"<title>{title}</title><style>{BASE_STYLE}{style}{PHONE_STYLE}</style></head>"
            f"<body><main>{scrolling_tables(body)}</main></body></html>")
