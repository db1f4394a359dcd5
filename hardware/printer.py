"""The receipt printer adapter: check the status, send the job, wait until it is printed.

Every print goes: DLE EOT status (refuse, with ``PrinterNotReady``, when the cover is open,
the paper is out or the printer is offline) → the job's bytes → ``GS r 1``, which a printer
answers only after it has printed everything before it. While waiting for that answer the
adapter asks DLE EOT again now and then, so paper running out or a cover opened midway is
reported as ``PrintIncomplete`` at once, never lost. A port that goes away is closed and
opened again on the next use (a printer unplugged and plugged back in just works).

Nothing printed is ever logged: only the document's title and sizes.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

from hardware.document import PAPER_80MM, Document, Profile
from hardware.errors import PrinterError, PrinterNotReady, PrinterUnavailable, PrintIncomplete, Problem
from hardware.escpos import (PRINTED_NEAR_END, PRINTED_QUERY, STATUS_QUERY, Condition, decode_status,
                             encode_lines, is_printed_reply, is_realtime_reply)
from hardware.layout import layout
from hardware.links import open_link

log = logging.getLogger(__name__)

_PROBLEM_OF = {Condition.COVER_OPEN: Problem.COVER_OPEN, Condition.PAPER_OUT: Problem.PAPER_OUT,
               Condition.OFFLINE: Problem.OFFLINE, Condition.PAPER_NEAR_END: Problem.PAPER_NEAR_END}


@dataclass(frozen=True)
class PrintResult:
    """A job printed to the end. ``paper_near_end`` asks for a new roll soon."""

    title: str
    bytes_sent: int
    lines: int
    paper_near_end: bool

    @property
    def warning(self) -> Problem | None:
        """``Problem.PAPER_NEAR_END`` when the roll is nearly used up, else None."""
        return Problem.PAPER_NEAR_END if self.paper_near_end else None


class Printer:
    """An ESC/POS printer at ``url`` (see ``hardware.links.open_link``), opened on first use.

    ``confirm_timeout_s`` bounds the wait for a job to be printed (default: 15 s plus the
    time the bytes take at ``baudrate``); ``reply_timeout_s`` bounds a status answer.
    """

    def __init__(self, url: str, profile: Profile = PAPER_80MM, *, baudrate: int = 19200,
                 reply_timeout_s: float = 1.0, poll_interval_s: float = 0.2,
                 confirm_timeout_s: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.url = url
        self.profile = profile
        self.baudrate = baudrate
        self.reply_timeout_s = reply_timeout_s
        self.poll_interval_s = poll_interval_s
        self.confirm_timeout_s = confirm_timeout_s
        self._clock = clock
        self._link = None
        # One conversation at a time: a status page polling while a report prints would
        # otherwise read the other's reply bytes.
        self._lock = threading.RLock()

    def __enter__(self) -> "Printer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the port (it is opened again on the next use)."""
        with self._lock:
            if self._link is not None:
                self._link.close()
                self._link = None

    def _connected(self):
        if self._link is None:
            self._link = open_link(self.url, self.baudrate)
            log.info("printer port opened: %s", self.url)
        return self._link

    def _dropping_link(self, action: Callable):
        """Run ``action(link)``; on a lost port, close it so that the next use reconnects."""
        try:
            return action(self._connected())
        except PrinterUnavailable:
            self.close()
            raise

    def status(self) -> Condition:
        """What the printer says about itself now; PrinterUnavailable if it cannot say."""
        with self._lock:
            return self._dropping_link(self._ask_status)

    def _ask_status(self, link) -> Condition:
        link.discard_input()
        link.send(STATUS_QUERY)
        reply = link.read(3, self.reply_timeout_s)
        if len(reply) < 3:
            raise PrinterUnavailable(Problem.NOT_RESPONDING, f"{len(reply)} of 3 status bytes")
        try:
            return decode_status(*reply)
        except ValueError as e:  # not a printer on that port, or noise on the line
            raise PrinterUnavailable(Problem.NOT_RESPONDING, str(e)) from e

    def print(self, document: Document) -> PrintResult:
        """Print ``document`` to the end, or raise a PrinterError saying why not.

        PrinterNotReady and PrinterUnavailable before sending mean nothing was printed;
        PrintIncomplete means some paper may have come out and the job must be printed again.
        """
        lines = layout(document, self.profile)
        data = encode_lines(lines)
        with self._lock:
            return self._print_locked(document, lines, data)

    def _print_locked(self, document: Document, lines: list, data: bytes) -> PrintResult:
        condition = self.status()
        if not condition.can_print:
            log.warning("print refused: %s (%s)", document.title, condition.value)
            raise PrinterNotReady(_PROBLEM_OF[condition])
        try:
            near_end = self._dropping_link(lambda link: self._send_and_confirm(link, data))
        except (PrinterUnavailable, PrintIncomplete) as e:
            if document.private:  # no size: it could tell what was printed
                log.error("print incomplete: %s (%s)", document.title, e.problem.value)
            else:
                log.error("print incomplete: %s, %d bytes (%s)", document.title, len(data), e.problem.value)
            if isinstance(e, PrintIncomplete):
                raise
            raise PrintIncomplete(e.problem, e.detail) from e  # the job was (partly) sent
        if not document.private:  # a voter's paper record leaves no line per copy (nor its time)
            log.info("printed %s: %d lines, %d bytes", document.title, len(lines), len(data))
        return PrintResult(document.title, len(data), len(lines),
                           near_end or condition is Condition.PAPER_NEAR_END)

    def _send_and_confirm(self, link, data: bytes) -> bool:
        """Send the job and wait for its GS r answer; True when the paper is near its end."""
        link.send(data + PRINTED_QUERY)
        timeout = self.confirm_timeout_s
        if timeout is None:
            timeout = 15.0 + len(data) * 10 / self.baudrate  # 10 bits a byte on the wire
        deadline = self._clock() + timeout
        status_bytes: list[int] = []
        asked_at: float | None = None
        while self._clock() < deadline:
            got = link.read(1, self.poll_interval_s)
            now = self._clock()
            if not got:
                # Nothing yet: ask how the printer is (again, if the last question got lost).
                if asked_at is None or now - asked_at > self.reply_timeout_s:
                    status_bytes, asked_at = [], now
                    link.send(STATUS_QUERY)
                continue
            byte = got[0]
            if is_printed_reply(byte):
                return bool(byte & PRINTED_NEAR_END)
            if is_realtime_reply(byte):  # bit 4 tells the two replies apart
                status_bytes.append(byte)
                if len(status_bytes) == 3:
                    condition = decode_status(*status_bytes)
                    status_bytes, asked_at = [], None
                    if not condition.can_print:
                        raise PrintIncomplete(_PROBLEM_OF[condition])
        raise PrintIncomplete(Problem.NOT_RESPONDING, f"not confirmed within {timeout:.0f} s")


__all__ = ["Printer", "PrintResult", "PrinterError", "PrinterNotReady", "PrinterUnavailable",
           "PrintIncomplete", "Problem", "Condition"]
