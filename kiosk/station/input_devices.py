"""The kernel's list of input devices (``/proc/bus/input/devices``), parsed: which can a voter
use? A touch screen (absolute X/Y, touched directly) or a keypad (Enter plus a way to move).

Pure: the text comes in, the devices go out. Capability lines are bitmasks written as
hexadecimal machine words, most significant first; the word size is the kernel's ``long``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Bit numbers from linux/input-event-codes.h
ABS_X, ABS_Y, ABS_MT_POSITION_X, ABS_MT_POSITION_Y = 0x00, 0x01, 0x35, 0x36
BTN_TOUCH = 0x14A
INPUT_PROP_POINTER, INPUT_PROP_DIRECT = 0x00, 0x01
KEY_ENTER, KEY_KPENTER = 28, 96
MOVE_KEYS = {15, 103, 105, 106, 108, 72, 80}  # Tab, Up, Left, Right, Down, keypad 8 and 2


def bitmask(text: str, word_bits: int = 64) -> set[int]:
    """The set bits of a capability bitmask such as ``"400 0 0 3"``."""
    bits = set()
    for index, word in enumerate(reversed(text.split())):
        value = int(word, 16)
        bits.update(index * word_bits + b for b in range(word_bits) if value >> b & 1)
    return bits


@dataclass(frozen=True)
class InputDevice:
    """One input device and what it can do for a voter."""

    name: str
    handlers: tuple[str, ...]
    is_touch: bool
    is_keypad: bool


def _classify(name: str, handlers: tuple[str, ...], caps: dict[str, set[int]]) -> InputDevice:
    absolute, keys, props = caps.get("ABS", set()), caps.get("KEY", set()), caps.get("PROP", set())
    has_xy = {ABS_X, ABS_Y} <= absolute or {ABS_MT_POSITION_X, ABS_MT_POSITION_Y} <= absolute
    # a touchpad also reports absolute X/Y with BTN_TOUCH, but moves a pointer, not touched directly
    direct = INPUT_PROP_DIRECT in props or (BTN_TOUCH in keys and INPUT_PROP_POINTER not in props)
    keypad = bool({KEY_ENTER, KEY_KPENTER} & keys) and bool(MOVE_KEYS & keys)
    return InputDevice(name, handlers, has_xy and direct, keypad)


def parse_input_devices(text: str, word_bits: int = 64) -> list[InputDevice]:
    """Every device in the text of ``/proc/bus/input/devices`` that has an event handler."""
    devices = []
    for block in re.split(r"\n\s*\n", text):
        name, handlers, caps = "", (), {}
        for line in block.splitlines():
            if line.startswith("N: Name="):
                name = line[len("N: Name="):].strip().strip('"')
            elif line.startswith("H: Handlers="):
                handlers = tuple(line[len("H: Handlers="):].split())
            elif line.startswith("B: ") and "=" in line:
                key, value = line[3:].split("=", 1)
                try:
                    caps[key.strip()] = bitmask(value, word_bits)
                except ValueError:
                    continue  # a garbled line says nothing about the device
        if any(h.startswith("event") for h in handlers):
            devices.append(_classify(name, handlers, caps))
    return devices
