"""The technician's self-test: camera, printer, touch or keypad, free disk, clock.

Each check is a function that returns a :class:`CheckResult` (ok, or a problem with what was
measured and a hint in Korean and English); a check never raises, so one broken device does not
hide the state of the others. Devices come in as callables (a frame counter, a printer status
query) so the core stays free of OpenCV and pyserial; the composition root passes adapters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from kiosk.station.input_devices import InputDevice

# A clock before this is surely unset (a Raspberry Pi has no battery clock and starts in 1970).
EARLIEST_SANE_TIME = int(datetime(2025, 1, 1, tzinfo=timezone.utc).timestamp())
MIN_FRAMES = 5


# (Korean, English) hint per problem: what a technician can do about it, without tools.
HINTS: dict[str, tuple[str, str]] = {
    "camera_failed": ("카메라 케이블을 확인하고 다시 연결한 뒤 자가 점검을 다시 하십시오.",
                      "Check the camera cable, reconnect it and run the self-test again."),
    "camera_few_frames": ("카메라가 가려져 있지 않은지, 케이블이 꽂혀 있는지 확인하십시오.",
                          "Make sure the camera is not covered and its cable is plugged in."),
    "printer_silent": ("프린터 전원과 USB 케이블을 확인하십시오.", "Check the printer's power and its USB cable."),
    "paper_near_end": ("새 용지 롤을 넣으십시오.", "Put in a new paper roll."),
    "paper_out": ("용지 롤을 넣으십시오.", "Put in a paper roll."),
    "cover_open": ("프린터 덮개를 닫으십시오.", "Close the printer's cover."),
    "printer_other": ("프린터를 껐다 켠 뒤 다시 점검하십시오.", "Switch the printer off and on, then check again."),
    "no_input": ("터치스크린 USB 케이블 또는 키패드를 연결하십시오.", "Connect the touch screen's USB cable or a keypad."),
    "disk_unreadable": ("저장 장치를 확인하십시오. 필요하면 이미지를 다시 기록하십시오.",
                        "Check the storage card; reflash the kiosk if needed."),
    "disk_low": ("더 큰 저장 카드를 쓰거나 이미지를 다시 기록하십시오.", "Use a larger storage card or reflash the kiosk."),
    "clock_wrong": ("시계가 맞지 않습니다. 'date -s' 로 현재 시각을 맞추십시오.",
                    "The clock is wrong. Set the current time with 'date -s'."),
}
PRINTER_PROBLEMS = {"paper_near_end": "paper near its end", "paper_out": "out of paper", "cover_open": "cover open"}


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome. ``detail`` is what was measured (for the log and the screen)."""

    check: str
    ok: bool
    detail: str
    hint_ko: str = ""
    hint_en: str = ""

    def as_json(self) -> dict:
        """The result for ``--json`` output."""
        return {"check": self.check, "ok": self.ok, "detail": self.detail,
                "hint_ko": self.hint_ko, "hint_en": self.hint_en}


def _problem(check: str, detail: str, hint: str) -> CheckResult:
    return CheckResult(check, False, detail, *HINTS[hint])


def _at_least(check: str, value: int, minimum: int, shown: str, needed: str, hint: str) -> CheckResult:
    if value < minimum:
        return _problem(check, f"{shown} ({needed})", hint)
    return CheckResult(check, True, shown)


def check_camera(count_frames: Callable[[], int], min_frames: int = MIN_FRAMES) -> CheckResult:
    """Frames arrive: ``count_frames()`` returns how many frames came in its sampling window."""
    try:
        frames = int(count_frames())
    except Exception as e:  # any failure of the camera adapter is the camera's problem here
        return _problem("camera", f"camera failed: {e}", "camera_failed")
    return _at_least("camera", frames, min_frames, f"{frames} frames", f"at least {min_frames} expected",
                     "camera_few_frames")


def check_printer(printer_status: Callable[[], str]) -> CheckResult:
    """The printer answers a status query: ``printer_status()`` returns its condition's name
    (``ok``, ``paper_near_end``, ``paper_out``, ``cover_open``, ``offline``) or raises."""
    try:
        condition = str(printer_status())
    except Exception as e:  # not connected, not responding: all mean "no answer"
        return _problem("printer", f"no answer: {e}", "printer_silent")
    if condition == "ok":
        return CheckResult("printer", True, "ok")
    if condition in PRINTER_PROBLEMS:
        return _problem("printer", PRINTER_PROBLEMS[condition], condition)
    return _problem("printer", f"printer says {condition}", "printer_other")


def check_input(devices: Iterable[InputDevice]) -> CheckResult:
    """A touch screen or a keypad is attached (a voter must be able to choose)."""
    devices = list(devices)
    found = [f"touch: {d.name}" for d in devices if d.is_touch] + [f"keys: {d.name}" for d in devices if d.is_keypad]
    if not found:
        return _problem("input", f"no touch screen or keypad among {len(devices)} input devices", "no_input")
    return CheckResult("input", True, "; ".join(found))


def check_disk(path: Path, min_free_mb: int, disk_usage: Callable[[Path], tuple]) -> CheckResult:
    """The data directory's file system has at least ``min_free_mb`` megabytes free.

    ``disk_usage`` measures (``shutil.disk_usage`` on the kiosk, passed in by the composition root).
    """
    try:
        free_mb = disk_usage(Path(path))[2] // 1_000_000
    except OSError as e:
        return _problem("disk", f"cannot measure {path}: {e.strerror}", "disk_unreadable")
    return _at_least("disk", free_mb, min_free_mb, f"{free_mb} MB free", f"at least {min_free_mb} MB needed",
                     "disk_low")


def check_clock(now_s: int, not_before_s: int | None = None, not_after_s: int | None = None) -> CheckResult:
    """The clock is sane: not in 1970, not before ``not_before_s`` (e.g. when the election
    package or the technician's card was made), not after ``not_after_s`` (e.g. the card's end)."""
    earliest = max(EARLIEST_SANE_TIME, not_before_s or 0)
    shown = datetime.fromtimestamp(now_s, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if now_s < earliest or (not_after_s is not None and now_s > not_after_s):
        return _problem("clock", f"the clock says {shown}", "clock_wrong")
    return CheckResult("clock", True, shown)


@dataclass(frozen=True)
class SelfTestReport:
    """Every check's result, in the order run."""

    results: tuple[CheckResult, ...]

    @property
    def ok(self) -> bool:
        """True when every check passed: the kiosk may be handed over."""
        return all(r.ok for r in self.results)

    @property
    def problems(self) -> tuple[CheckResult, ...]:
        """The checks that did not pass."""
        return tuple(r for r in self.results if not r.ok)

    def as_json(self) -> dict:
        """The report for ``--json`` output."""
        return {"ok": self.ok, "checks": [r.as_json() for r in self.results]}


def run_selftest(checks: Iterable[Callable[[], CheckResult]]) -> SelfTestReport:
    """Run each check (zero-argument callables, e.g. ``functools.partial(check_disk, ...)``)."""
    return SelfTestReport(tuple(check() for check in checks))
