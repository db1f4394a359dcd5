"""The scanning port: what the camera loop and the handheld scanner tell the booth.

Both adapters (``scanner/`` and ``hardware/``) put these values on one ``queue.Queue`` that
the booth drains without blocking (``get_nowait``). Nothing here knows what a payload means:
the booth checks it as a ballot token or a poll-worker card. Pure Python, no I/O.

A payload is a secret (it is a ballot token): ``repr`` never shows it, and nothing here logs it.
"""

from __future__ import annotations

import enum
import logging
import queue
from dataclasses import dataclass, field

log = logging.getLogger(__name__)
REPEAT_HOLD_S = 3.0


class ScanHint(enum.Enum):
    """Something the voter can fix. Values are stable ids for the UI's message catalog."""

    ONE_AT_A_TIME = "one_at_a_time"   # two different codes in one frame


@dataclass(frozen=True)
class PayloadScanned:
    """A code was read (and confirmed): its text, which device read it, and when."""

    payload: str = field(repr=False)
    device: str
    at_s: float

    def __repr__(self) -> str:
        return f"PayloadScanned(device={self.device!r}, at_s={self.at_s:.3f}, length={len(self.payload)})"


@dataclass(frozen=True)
class HintShown:
    """A frame held something the voter should change (see ``ScanHint``)."""

    hint: ScanHint
    device: str
    at_s: float


@dataclass(frozen=True)
class DeviceLost:
    """The camera or scanner stopped answering: the booth shows "out of service"."""

    device: str
    reason: str
    at_s: float


@dataclass(frozen=True)
class DeviceBack:
    """The lost device answers again."""

    device: str
    at_s: float


@dataclass(frozen=True)
class SourceEnded:
    """A finite source (a video file, a folder of images) has no more frames."""

    device: str
    at_s: float


ScanEvent = PayloadScanned | HintShown | DeviceLost | DeviceBack | SourceEnded


def is_printable_payload(text: str) -> bool:
    """True when ``text`` is non-empty printable ASCII (every token and card payload is)."""
    return bool(text) and all(" " <= ch <= "~" for ch in text)


class RepeatFilter:
    """Lets a payload through once, then holds it back while it keeps coming within ``hold_s``.

    A slip held in front of the camera (or a handheld scanner in continuous mode) reads the
    same code many times a second; the booth must hear of it once. The hold restarts on every
    sighting, so a slip left in view is not accepted again until it has been away ``hold_s``.
    """

    def __init__(self, hold_s: float = REPEAT_HOLD_S) -> None:
        self.hold_s = hold_s
        self._last_seen_s: dict[str, float] = {}

    def admit(self, payload: str, now_s: float) -> bool:
        """True if ``payload`` is new or has been away for ``hold_s`` seconds."""
        self._last_seen_s = {p: t for p, t in self._last_seen_s.items() if now_s - t < self.hold_s}
        fresh = payload not in self._last_seen_s
        self._last_seen_s[payload] = now_s
        return fresh


def offer(events: "queue.Queue[ScanEvent]", event: ScanEvent) -> bool:
    """Put ``event`` on the booth's queue without ever blocking a device thread.

    A full queue means the booth has stopped listening; the event is dropped (and said so,
    without its payload) rather than stall the camera or the scanner.
    """
    try:
        events.put_nowait(event)
        return True
    except queue.Full:
        log.warning("the booth is not taking scan events: one %s dropped", type(event).__name__)
        return False


def drain(events: "queue.Queue[ScanEvent]", limit: int = 100) -> list[ScanEvent]:
    """Every event waiting on ``events`` (at most ``limit``), without blocking."""
    out: list[ScanEvent] = []
    while len(out) < limit:
        try:
            out.append(events.get_nowait())
        except queue.Empty:
            break
    return out
