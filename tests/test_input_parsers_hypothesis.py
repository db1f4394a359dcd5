"""Property tests for two parsers of outside input on the kiosk: the serial line splitter
(hardware/line_splitter.py, bytes from a handheld scanner) and the kernel's input device list
(kiosk/station/input_devices.py, the text of /proc/bus/input/devices)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.line_splitter import LineSplitter
from kiosk.station.input_devices import (ABS_MT_POSITION_X, ABS_MT_POSITION_Y, ABS_X, ABS_Y, BTN_TOUCH,
                                         INPUT_PROP_DIRECT, INPUT_PROP_POINTER, KEY_ENTER, KEY_KPENTER,
                                         MOVE_KEYS, bitmask, parse_input_devices)

# --- the line splitter -------------------------------------------------------------------------

# Bytes rich in terminators and printable code characters, so that lines of every length come up.
STREAM = st.lists(st.one_of(st.sampled_from(b"\r\n"), st.sampled_from(b"KT1ABC-"), st.integers(0, 255)),
                  max_size=300).map(bytes)
LIMIT = st.integers(1, 40)


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(c, len(data)) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)])]


def model(data: bytes, limit: int) -> tuple[list[bytes], int]:
    """(lines, overlong) as the module doc says: terminated, non-empty, at most ``limit`` bytes."""
    pieces = re.split(rb"[\r\n]", data)
    done, partial = pieces[:-1], pieces[-1]
    lines = [p for p in done if 0 < len(p) <= limit]
    return lines, sum(len(p) > limit for p in done) + (len(partial) > limit)


@settings(max_examples=400, deadline=None)
@given(data=STREAM, limit=LIMIT, cuts=st.lists(st.integers(0, 300), max_size=12))
def test_lines_are_the_same_in_any_chunking_and_match_the_rule(data, limit, cuts):
    splitter = LineSplitter(limit)
    lines = [line for chunk in chunked(data, cuts) for line in splitter.feed(chunk)]
    assert (lines, splitter.overlong) == model(data, limit)
    for line in lines:
        assert line and len(line) <= limit and b"\r" not in line and b"\n" not in line


@settings(max_examples=200, deadline=None)
@given(data=STREAM, limit=LIMIT)
def test_byte_by_byte_equals_all_at_once(data, limit):
    whole, single = LineSplitter(limit), LineSplitter(limit)
    assert whole.feed(data) == [line for b in data for line in single.feed(bytes([b]))]
    assert whole.overlong == single.overlong


@settings(max_examples=200, deadline=None)
@given(before=STREAM, after=STREAM, limit=LIMIT)
def test_reset_forgets_the_partial_line_and_only_it(before, after, limit):
    splitter = LineSplitter(limit)
    first = splitter.feed(before)
    overlong = splitter.overlong
    splitter.reset()
    fresh = LineSplitter(limit)
    assert splitter.feed(after) == fresh.feed(after)
    assert first == model(before, limit)[0] and splitter.overlong == overlong + fresh.overlong


@settings(max_examples=100, deadline=None)
@given(code=st.binary(min_size=1, max_size=30).filter(lambda b: b"\r" not in b and b"\n" not in b),
       ending=st.sampled_from([b"\r", b"\n", b"\r\n", b"\n\r", b"\r\r\n"]))
def test_every_terminator_style_gives_one_line(code, ending):
    assert LineSplitter().feed(code + ending + code + ending) == [code, code]


# --- the input device list ----------------------------------------------------------------------

BITS = st.sets(st.integers(0, 0x2FF), max_size=30)


def mask_text(bits: set[int], word_bits: int) -> str:
    """A capability bitmask as the kernel writes it: hex words, most significant first."""
    words = [0] * (max(bits, default=0) // word_bits + 1)
    for b in bits:
        words[b // word_bits] |= 1 << (b % word_bits)
    return " ".join(f"{w:x}" for w in reversed(words))


@settings(max_examples=300, deadline=None)
@given(bits=BITS, word_bits=st.sampled_from([32, 64]), leading=st.integers(0, 3))
def test_bitmask_reads_back_what_was_written(bits, word_bits, leading):
    text = mask_text(bits, word_bits)
    assert bitmask(text, word_bits) == bits
    assert bitmask("0 " * leading + text, word_bits) == bits  # leading zero words say nothing


DEVICE = st.fixed_dictionaries({
    "name": st.text(st.characters(blacklist_characters='"\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029',
                                  blacklist_categories=("Cs",)), max_size=30).map(str.strip),
    "handlers": st.lists(st.sampled_from(["kbd", "mouse0", "js0", "sysrq", "leds", "event0", "event7"]),
                         max_size=4, unique=True),
    "abs": st.sets(st.sampled_from([ABS_X, ABS_Y, ABS_MT_POSITION_X, ABS_MT_POSITION_Y, 0x18, 0x2F])),
    "keys": st.sets(st.sampled_from([BTN_TOUCH, KEY_ENTER, KEY_KPENTER, 1, 30, 0x110, *MOVE_KEYS])),
    "props": st.sets(st.sampled_from([INPUT_PROP_POINTER, INPUT_PROP_DIRECT, 2, 3])),
})


def render(device: dict, word_bits: int) -> str:
    lines = ["I: Bus=0003 Vendor=0eef Product=0001 Version=0100", f'N: Name="{device["name"]}"',
             f"H: Handlers={' '.join(device['handlers'])}", f"B: PROP={mask_text(device['props'], word_bits)}",
             "B: EV=b", f"B: KEY={mask_text(device['keys'], word_bits)}"]
    if device["abs"]:
        lines.append(f"B: ABS={mask_text(device['abs'], word_bits)}")
    return "\n".join(lines) + "\n"


def expected(device: dict) -> tuple[bool, bool]:
    """(touch, keypad) by the rule the module doc states."""
    has_xy = {ABS_X, ABS_Y} <= device["abs"] or {ABS_MT_POSITION_X, ABS_MT_POSITION_Y} <= device["abs"]
    direct = INPUT_PROP_DIRECT in device["props"] or (BTN_TOUCH in device["keys"]
                                                      and INPUT_PROP_POINTER not in device["props"])
    keypad = bool({KEY_ENTER, KEY_KPENTER} & device["keys"]) and bool(MOVE_KEYS & device["keys"])
    return has_xy and direct, keypad


@settings(max_examples=300, deadline=None)
@given(devices=st.lists(DEVICE, max_size=5), word_bits=st.sampled_from([32, 64]))
def test_generated_device_lists_are_read_back_and_classified(devices, word_bits):
    text = "\n".join(render(d, word_bits) for d in devices)
    found = parse_input_devices(text, word_bits)
    kept = [d for d in devices if any(h.startswith("event") for h in d["handlers"])]
    assert [(f.name, f.handlers) for f in found] == [(d["name"], tuple(d["handlers"])) for d in kept]
    assert [(f.is_touch, f.is_keypad) for f in found] == [expected(d) for d in kept]


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=400),
                      st.lists(st.sampled_from(["N: Name=\"x\"", "H: Handlers=event1", "B: KEY=", "B: ABS=3 zz",
                                                "B: PROP=2", "B: KEY=ffffffffffffffffffff", "", "B:=", "B: =1",
                                                "H: Handlers=", "B: KEY=400 0 0 0 0 0"]),
                               max_size=30).map("\n".join)))
def test_any_text_gives_a_list_and_never_an_exception(text):
    for device in parse_input_devices(text):
        assert any(h.startswith("event") for h in device.handlers)
