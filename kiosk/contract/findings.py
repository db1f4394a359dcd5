"""Findings: what every verifier reports, one place and what was found there.

The same type serves ``kiosk verify`` (a station's data directory), ``kiosk-central verify``
(a node's store) and ``kiosk-central observe`` (published data only): ``level`` is ``ok``,
``note`` (shown, never a failure) or ``problem`` (the verification fails).
"""

from __future__ import annotations

from dataclasses import dataclass

OK, NOTE, PROBLEM = "ok", "note", "problem"
LEVELS = (OK, NOTE, PROBLEM)


@dataclass(frozen=True)
class Finding:
    """One check's outcome at one place ("official event seq 17", "board leaf 3", ...)."""

    level: str
    place: str
    detail: str

    def line(self) -> str:
        """The printed line, ``level: place: detail``."""
        return f"{self.level}: {self.place}: {self.detail}"

    def to_json(self) -> dict:
        """``{"level", "place", "detail"}`` (``kiosk-central observe --json``)."""
        return {"level": self.level, "place": self.place, "detail": self.detail}

    def place_and_problem(self) -> dict:
        """``{"place", "problem"}``: the shape ``kiosk verify --json`` and ``kiosk-central verify --json`` print."""
        return {"place": self.place, "problem": self.detail}


def ok(place: str, detail: str) -> Finding:
    """A check that passed."""
    return Finding(OK, place, detail)


def note(place: str, detail: str) -> Finding:
    """Something shown but not a failure (a missing outbox file, a double use the nodes flag)."""
    return Finding(NOTE, place, detail)


def problem(place: str, detail: str) -> Finding:
    """Something wrong: the verification fails."""
    return Finding(PROBLEM, place, detail)
