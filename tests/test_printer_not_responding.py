"""A port with no printer behind it, or a printer that never confirms: errors, not hangs."""

from __future__ import annotations

import socket

import pytest
from printer_rig import printer_rig

from hardware.document import Document, Text
from hardware.errors import PrinterUnavailable, PrintIncomplete, Problem
from hardware.printer import Printer
from hardware.virtual_printer import VirtualPrinter

SLIP = Document([Text("slip")], title="slip")


def test_a_job_never_confirmed_is_reported_incomplete(tmp_path):
    device = VirtualPrinter()
    device.stall()
    with printer_rig(tmp_path, device, confirm_timeout_s=0.5) as rig:
        with pytest.raises(PrintIncomplete) as caught:
            rig.printer.print(SLIP)
        assert caught.value.problem is Problem.NOT_RESPONDING


def test_loopback_is_not_a_printer():
    """loop:// echoes the query back: not the shape of a status reply."""
    with Printer("loop://", reply_timeout_s=0.2) as printer:
        with pytest.raises(PrinterUnavailable) as caught:
            printer.print(SLIP)
    assert caught.value.problem is Problem.NOT_RESPONDING


def test_nothing_listening_on_the_socket():
    with socket.socket() as s:  # a port that was free a moment ago
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(PrinterUnavailable) as caught:
        Printer(f"socket://127.0.0.1:{port}").status()
    assert caught.value.problem is Problem.NOT_CONNECTED
    assert "전원" in caught.value.say("ko")[1]


def test_a_missing_device_path(tmp_path):
    with pytest.raises(PrinterUnavailable) as caught:
        Printer(str(tmp_path / "ttyUSB9")).print(SLIP)
    assert caught.value.problem is Problem.NOT_CONNECTED
