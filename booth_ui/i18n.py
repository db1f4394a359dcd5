"""Message catalogues: every text a voter sees or hears, in Korean and English.

The catalogues are TOML files in ``booth_ui/messages/`` (one per language, the same keys);
code refers to messages by key only. A key missing from a catalogue is a bug caught by the
tests, never a blank on screen.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.words import load_catalogue

LANGUAGES = ("ko", "en")
MESSAGES = Path(__file__).resolve().parent / "messages"


def catalog(language: str) -> dict[str, str]:
    """All messages of a language (``booth_ui/messages/<language>.toml``)."""
    return load_catalogue(MESSAGES, language)


def t(language: str, key: str, **params: object) -> str:
    """The message ``key`` in ``language`` with ``{params}`` filled in."""
    text = catalog(language)[key]
    return text.format(**params) if params else text


def status_text(language: str, key: str, value: str) -> str:
    """A status value in words (``polls_open`` is "the polls are open"); a number or a name as it is."""
    return catalog(language).get(f"status_{key}_{value}", value)


def reason_text(language: str, code: str) -> str:
    """Words for a refusal reason, a device problem or a notice code."""
    cat = catalog(language)
    for prefix in ("reason_", "problem_", "notice_"):
        if prefix + code in cat:
            return cat[prefix + code]
    return cat["problem_unknown"]
