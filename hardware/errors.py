"""Printer errors, each with what happened and what to do, in Korean and English.

One base (``PrinterError``, a device error) and three kinds: the printer cannot be reached
(``PrinterUnavailable``), it says it cannot print (``PrinterNotReady``: nothing was printed),
and a print started but was not confirmed complete (``PrintIncomplete``: the paper that came
out is not the whole document). ``problem`` says which condition, for code that decides
(e.g. to block casting); ``say(lang)`` gives the two sentences for a person.
"""

from __future__ import annotations

from enum import Enum

from kiosk.errors import DeviceError


class Problem(Enum):
    """Why a print cannot happen or did not finish."""

    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    NOT_CONNECTED = "not_connected"
    DISCONNECTED = "disconnected"
    NOT_RESPONDING = "not_responding"
    PAPER_NEAR_END = "paper_near_end"  # a warning on a successful print, never an error


# (message, hint) per language. Hints are what a poll worker can do without tools.
TEXTS: dict[Problem, dict[str, tuple[str, str]]] = {
    Problem.PAPER_OUT: {
        "en": ("The printer is out of paper.",
               "Open the printer cover, put in a new paper roll, close the cover, then try again."),
        "ko": ("프린터에 용지가 없습니다.",
               "프린터 덮개를 열고 새 용지 롤을 넣은 뒤 덮개를 닫고 다시 시도하세요."),
    },
    Problem.COVER_OPEN: {
        "en": ("The printer cover is open.",
               "Close the printer cover firmly until it clicks, then try again."),
        "ko": ("프린터 덮개가 열려 있습니다.",
               "딸깍 소리가 날 때까지 프린터 덮개를 닫은 뒤 다시 시도하세요."),
    },
    Problem.OFFLINE: {
        "en": ("The printer reports an error and is offline.",
               "Switch the printer off and on again; if its error light stays on, call the technician."),
        "ko": ("프린터에 오류가 있어 인쇄할 수 없습니다.",
               "프린터를 껐다가 다시 켜세요. 오류 표시등이 계속 켜져 있으면 기술 담당자를 부르세요."),
    },
    Problem.NOT_CONNECTED: {
        "en": ("The printer cannot be reached.",
               "Check that the printer is switched on and its cable is plugged in, then try again."),
        "ko": ("프린터에 연결할 수 없습니다.",
               "프린터 전원이 켜져 있고 케이블이 꽂혀 있는지 확인한 뒤 다시 시도하세요."),
    },
    Problem.DISCONNECTED: {
        "en": ("The printer was disconnected.",
               "Plug the printer cable back in and check that the printer is on, then try again."),
        "ko": ("프린터 연결이 끊어졌습니다.",
               "프린터 케이블을 다시 꽂고 전원이 켜져 있는지 확인한 뒤 다시 시도하세요."),
    },
    Problem.NOT_RESPONDING: {
        "en": ("The printer does not answer.",
               "Switch the printer off and on again and check its cable, then try again."),
        "ko": ("프린터가 응답하지 않습니다.",
               "프린터를 껐다가 다시 켜고 케이블을 확인한 뒤 다시 시도하세요."),
    },
    Problem.PAPER_NEAR_END: {
        "en": ("The paper roll is nearly used up.",
               "Keep a new paper roll ready and change it before the next long report."),
        "ko": ("용지가 거의 다 떨어졌습니다.",
               "새 용지 롤을 준비하고, 다음 긴 보고서를 인쇄하기 전에 바꾸세요."),
    },
}

_INCOMPLETE = {
    "en": ("The printout stopped before the end: ", " Then print it again: the paper that came out is incomplete."),
    "ko": ("인쇄가 끝나기 전에 멈췄습니다: ", " 그다음 다시 인쇄하세요. 이미 나온 용지는 완전하지 않습니다."),
}


def say(problem: Problem, lang: str = "en") -> tuple[str, str]:
    """(message, hint) for ``problem`` in ``lang`` ("ko" or "en"; anything else gives English)."""
    texts = TEXTS[problem]
    return texts.get(lang, texts["en"])


class PrinterError(DeviceError):
    """Base of every printer error; ``problem`` says why, ``say(lang)`` says it to a person."""

    def __init__(self, problem: Problem, detail: str = "") -> None:
        message, hint = self.say("en", problem)
        super().__init__(message + (f" ({detail})" if detail else ""), hint)
        self.problem = problem
        self.detail = detail

    def say(self, lang: str = "en", problem: Problem | None = None) -> tuple[str, str]:
        """(message, hint) in ``lang``: what happened, and what to do."""
        return say(problem or self.problem, lang)


class PrinterUnavailable(PrinterError):
    """The printer cannot be reached: no port, the port went away, or no answer."""


class PrinterNotReady(PrinterError):
    """The printer answered that it cannot print now. Nothing was sent to it."""


class PrintIncomplete(PrinterError):
    """Printing started but was not confirmed to the end. ``problem`` is the cause found."""

    def say(self, lang: str = "en", problem: Problem | None = None) -> tuple[str, str]:
        """(message, hint): the cause, then what to do, then to print it again."""
        message, hint = say(problem or self.problem, lang)
        prefix, suffix = _INCOMPLETE.get(lang, _INCOMPLETE["en"])
        return prefix + message, hint + suffix
