"""The technician's self-test: each check's ok and problem outcomes, with hints in both languages."""

from __future__ import annotations

import functools
import shutil
from collections import namedtuple
from datetime import datetime, timezone

import pytest

from kiosk.station.input_devices import BTN_TOUCH, bitmask, parse_input_devices
from kiosk.app.selftest_run import read_input_devices
from kiosk.station.selftest import (EARLIEST_SANE_TIME, check_camera, check_clock, check_disk, check_input,
                            check_printer, run_selftest)

# /proc/bus/input/devices as a Raspberry Pi with a USB touch screen, a keyboard, a touchpad and
# the power button shows it (64-bit kernel).
PROC_DEVICES = """\
I: Bus=0019 Vendor=0000 Product=0001 Version=0000
N: Name="Power Button"
P: Phys=LNXPWRBN/button/input0
H: Handlers=kbd event0
B: PROP=0
B: EV=3
B: KEY=10000000000000 0

I: Bus=0003 Vendor=0eef Product=0001 Version=0100
N: Name="eGalax Inc. USB TouchController"
H: Handlers=mouse0 event1
B: PROP=2
B: EV=b
B: KEY=400 0 0 0 0 0
B: ABS=260800000000003

I: Bus=0003 Vendor=046d Product=c31c Version=0110
N: Name="Logitech USB Keyboard"
H: Handlers=sysrq kbd leds event2
B: PROP=0
B: EV=120013
B: KEY=1000000000007 ff9f207ac14057ff febeffdfffefffff fffffffffffffffe
B: MSC=10
B: LED=7

I: Bus=0018 Vendor=06cb Product=7e7e Version=0100
N: Name="SYNA Touchpad"
H: Handlers=mouse1 event3
B: PROP=5
B: EV=1b
B: KEY=e520 10000 0 0 0 0
B: ABS=2e0800000000003
"""


def by_name(text: str = PROC_DEVICES):
    return {d.name: d for d in parse_input_devices(text)}


def test_bitmask_reads_words_most_significant_first():
    assert bitmask("400 0 0 0 0 0") == {BTN_TOUCH}
    assert bitmask("1 3", word_bits=32) == {0, 1, 32}
    assert bitmask("") == set()


def test_touch_screen_keyboard_touchpad_and_power_button_are_told_apart():
    d = by_name()
    assert d["eGalax Inc. USB TouchController"].is_touch
    assert not d["eGalax Inc. USB TouchController"].is_keypad
    assert d["Logitech USB Keyboard"].is_keypad and not d["Logitech USB Keyboard"].is_touch
    assert not d["SYNA Touchpad"].is_touch  # moves a pointer: a voter cannot touch a button with it
    assert not d["Power Button"].is_touch and not d["Power Button"].is_keypad


def test_devices_without_an_event_handler_and_garbled_lines_are_ignored():
    text = 'N: Name="js only"\nH: Handlers=js0\nB: KEY=zz\n\nN: Name="odd"\nH: Handlers=event9\nB: KEY=zz\n'
    assert [d.name for d in parse_input_devices(text)] == ["odd"]


def test_input_check_needs_touch_or_keys():
    assert check_input(parse_input_devices(PROC_DEVICES)).ok
    only_power = PROC_DEVICES.split("\n\n")[0]
    result = check_input(parse_input_devices(only_power))
    assert not result.ok and "1 input devices" in result.detail
    assert "터치스크린" in result.hint_ko and "touch screen" in result.hint_en
    keys_only = PROC_DEVICES.split("\n\n")[2]
    assert check_input(parse_input_devices(keys_only)).detail == "keys: Logitech USB Keyboard"


def test_input_devices_unreadable_means_none(tmp_path):
    assert read_input_devices(tmp_path / "missing") == []
    (tmp_path / "devices").write_text(PROC_DEVICES)
    assert len(read_input_devices(tmp_path / "devices")) == 4


def test_camera_frames_arrive_or_not():
    assert check_camera(lambda: 12).ok
    few = check_camera(lambda: 2)
    assert not few.ok and few.detail == "2 frames (at least 5 expected)" and few.hint_ko and few.hint_en

    def unplugged() -> int:
        raise OSError("cannot open /dev/video0")

    broken = check_camera(unplugged)
    assert not broken.ok and "/dev/video0" in broken.detail


@pytest.mark.parametrize("condition, ok, says", [
    ("ok", True, "ok"), ("paper_near_end", False, "near its end"), ("paper_out", False, "out of paper"),
    ("cover_open", False, "cover open"), ("offline", False, "offline")])
def test_printer_conditions(condition, ok, says):
    result = check_printer(lambda: condition)
    assert result.ok is ok and says in result.detail
    assert ok or (result.hint_ko and result.hint_en)


def test_printer_that_does_not_answer():
    def silent() -> str:
        raise TimeoutError("0 of 3 status bytes")

    result = check_printer(silent)
    assert not result.ok and "0 of 3 status bytes" in result.detail and "프린터" in result.hint_ko


Usage = namedtuple("Usage", "total used free")


def test_disk_free_above_or_below_threshold(tmp_path):
    assert check_disk(tmp_path, 512, lambda p: Usage(10**10, 0, 600_000_000)).ok
    low = check_disk(tmp_path, 512, lambda p: Usage(10**10, 0, 100_000_000))
    assert not low.ok and low.detail == "100 MB free (at least 512 MB needed)"
    gone = check_disk(tmp_path / "missing", 512, shutil.disk_usage)
    assert not gone.ok and "cannot measure" in gone.detail
    assert check_disk(tmp_path, 16, shutil.disk_usage).ok  # this machine's real disk through shutil.disk_usage


def test_clock_in_1970_or_before_the_election_is_refused():
    now = int(datetime(2026, 5, 1, 9, 0, tzinfo=timezone.utc).timestamp())
    assert check_clock(now).ok and check_clock(now).detail == "2026-05-01 09:00 UTC"
    assert not check_clock(17).ok  # a Pi without network time wakes up in 1970
    assert not check_clock(EARLIEST_SANE_TIME - 1).ok
    assert not check_clock(now, not_before_s=now + 3600).ok
    assert check_clock(now, not_before_s=now - 3600, not_after_s=now + 3600).ok
    late = check_clock(now, not_after_s=now - 1)
    assert not late.ok and "date -s" in late.hint_en


def test_the_report_runs_every_check_and_lists_problems(tmp_path):
    report = run_selftest([
        functools.partial(check_camera, lambda: 30),
        functools.partial(check_printer, lambda: "paper_out"),
        functools.partial(check_disk, tmp_path, 16, shutil.disk_usage),
        functools.partial(check_clock, 0),
    ])
    assert [r.check for r in report.results] == ["camera", "printer", "disk", "clock"]
    assert not report.ok and [r.check for r in report.problems] == ["printer", "clock"]
    body = report.as_json()
    assert body["ok"] is False and body["checks"][0] == {"check": "camera", "ok": True, "detail": "30 frames",
                                                          "hint_ko": "", "hint_en": ""}


def test_every_hint_is_in_korean_and_english():
    from kiosk.station.selftest import HINTS

    for name, (ko, en) in HINTS.items():
        assert any("\uac00" <= ch <= "\ud7a3" for ch in ko), f"{name}: the Korean hint has no Hangul"
        assert en.isascii() and en.endswith("."), f"{name}: the English hint"
