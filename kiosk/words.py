"""Words for people, in Korean and English, from the TOML catalogues in ``kiosk/messages/``.

Each catalogue has a ``[ko]`` and an ``[en]`` table with the same keys (a test checks it).
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("ko", "en")
MESSAGES = Path(__file__).resolve().parent / "messages"


@lru_cache(maxsize=None)
def load_catalogue(directory: Path, name: str) -> dict:
    """``directory/<name>.toml``, read once: the one loader of every message catalogue (booth_ui's too)."""
    with open(directory / f"{name}.toml", "rb") as f:
        return tomllib.load(f)


def catalogue(name: str) -> dict:
    """The tables of ``kiosk/messages/<name>.toml``, by language."""
    return load_catalogue(MESSAGES, name)


def word(name: str, language: str, key: str, **params: object) -> str:
    """One entry of a catalogue in ``language``, with ``{params}`` filled in."""
    text = catalogue(name)[language][key]
    return text.format(**params) if params else text
