"""The printer test rig: the kiosk's ``Printer`` on one end of a socat pty pair, the virtual
printer served on the other. Shared by the printer's failure-mode test files."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, NamedTuple

from socat_pty import PtyPair

from hardware.printer import Printer
from hardware.virtual_printer import SerialServer, VirtualPrinter


class Rig(NamedTuple):
    printer: Printer
    device: VirtualPrinter
    pair: PtyPair
    server: SerialServer


@contextmanager
def printer_rig(folder: Path, device: VirtualPrinter | None = None, **printer_options) -> Iterator[Rig]:
    """Yield a connected rig; socat, the server thread and the port are closed afterwards."""
    device = device or VirtualPrinter()
    with PtyPair(folder) as pair:
        server = SerialServer(device, pair.device).start()
        try:
            with Printer(pair.host, **printer_options) as printer:
                yield Rig(printer, device, pair, server)
        finally:
            server.stop()
