"""Printer unplugged: the socat pty pair is killed under the kiosk. Clear errors, never a lost
print, and the same Printer reconnects once the cable is back."""

from __future__ import annotations

import threading

import pytest
from printer_rig import printer_rig

from hardware.document import Cut, Document, Text
from hardware.errors import PrinterUnavailable, PrintIncomplete, Problem
from hardware.virtual_printer import SerialServer, VirtualPrinter

SLIP = Document([Text("slip"), Cut()], title="slip")


def test_unplugged_between_prints_then_plugged_back(tmp_path):
    with printer_rig(tmp_path) as rig:
        rig.printer.print(SLIP)
        rig.pair.unplug()
        assert rig.server.ended.wait(2)  # the device side saw its port close, too
        with pytest.raises(PrinterUnavailable) as caught:
            rig.printer.print(SLIP)
        assert caught.value.problem is Problem.DISCONNECTED
        assert "연결" in caught.value.say("ko")[0]
        with pytest.raises(PrinterUnavailable) as caught:  # still unplugged: the port is gone
            rig.printer.print(SLIP)
        assert caught.value.problem is Problem.NOT_CONNECTED

        rig.pair.plug()  # the cable is back: same paths, a printer that was switched off and on
        device = VirtualPrinter()
        server = SerialServer(device, rig.pair.device).start()
        try:
            assert rig.printer.print(SLIP).lines == 2
            assert device.transcript() == ["slip", "(cut)"]
        finally:
            server.stop()


def test_unplugged_while_printing_is_reported_incomplete(tmp_path):
    device = VirtualPrinter()
    device.stall()  # still printing: the job is not confirmed yet when the cable goes
    with printer_rig(tmp_path, device) as rig:
        timer = threading.Timer(0.3, rig.pair.unplug)
        timer.start()
        try:
            with pytest.raises(PrintIncomplete) as caught:
                rig.printer.print(SLIP)
        finally:
            timer.join()
        assert caught.value.problem is Problem.DISCONNECTED
        assert "print it again" in caught.value.say("en")[1]
