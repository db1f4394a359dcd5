"""What the booth says: screen words turned into words espeak-ng reads right (Korean and English).

Symbols, the text-size buttons and codes are not read as written: "/" is "of", "가+" is "larger
text", "▶" is silent, a tracking code is spelled letter by letter. Nothing here logs or keeps
what it is given: the text may be the voter's own choices.
"""

from __future__ import annotations

import re

WORDS = {
    "ko": {"가-": "글자 작게", "가+": "글자 크게", "A-": "글자 작게", "A+": "글자 크게", " / ": ", ", "/": ", ",
           "·": ", "},
    "en": {"가-": "smaller text", "가+": "larger text", "A-": "smaller text", "A+": "larger text", "/": " of ",
           "·": ", "},
}
SILENT = "▶◀●–!"
CODE = re.compile(r"\b[A-Z0-9]{4}(?:-[A-Z0-9]{4})+\b")
LETTERS_KO = dict(zip("0123456789", ["영", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"]))


def spell(code: str, language: str) -> str:
    """A code letter by letter, a pause at each dash (what a voter writes down)."""
    groups = code.split("-")
    if language == "ko":
        return ", ".join(" ".join(LETTERS_KO.get(c, c) for c in g) for g in groups)
    return ", ".join(" ".join(g) for g in groups)


def pronounce(text: str, language: str) -> str:
    """``text`` as espeak-ng should read it in ``language``."""
    out = CODE.sub(lambda m: spell(m.group(0), language), text)
    if language == "ko":   # "1 / 3 쪽" is read "3쪽 중 1쪽"
        out = re.sub(r"(\d+) / (\d+) 쪽", r"\2쪽 중 \1쪽", out)
    for written, said in WORDS.get(language, WORDS["en"]).items():
        out = out.replace(written, said)
    out = "".join(" " if ch in SILENT else ch for ch in out)
    out = re.sub(r"([.…])\.+", r"\1", out)   # a sentence's own full stop and the joining one
    return re.sub(r"\s+", " ", out).strip()
