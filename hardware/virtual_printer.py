"""The virtual printer on a wire: a serial device or pseudo-terminal, or a TCP port.

    python -m hardware.virtual_printer --serial /dev/pts/7      # one end of a socat pty pair
    python -m hardware.virtual_printer --tcp 127.0.0.1:9100     # then --printer socket://127.0.0.1:9100
    python -m hardware.virtual_printer --replay receipt.bin     # read back a file: printer's bytes

Options script trouble (``--paper-lines``, ``--near-end-lines``, ``--cover-open``);
``--paper FILE`` appends what comes out, one line of text each, and ``--tape FILE.png``
keeps a picture of the whole paper, for people to read.
"""

from __future__ import annotations

import argparse
import logging
import signal
import socketserver
import sys
import threading

import serial

from hardware.tape_image import tape_image
from hardware.virtual_device import VirtualPrinter, describe, legend_of

__all__ = ["VirtualPrinter", "SerialServer", "TcpServer", "describe", "legend_of", "main"]
log = logging.getLogger(__name__)


class SerialServer:
    """Serve ``device`` on the serial port or pty at ``path``, in a background thread."""

    def __init__(self, device: VirtualPrinter, path: str, baudrate: int = 19200) -> None:
        self.device = device
        self._port = serial.serial_for_url(path, baudrate=baudrate, timeout=0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="virtual-printer", daemon=True)
        self.ended = threading.Event()  # set when the port went away or stop() was called

    def start(self) -> "SerialServer":
        """Start answering; returns self."""
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                data = self._port.read(max(1, self._port.in_waiting))
                if data:
                    reply = self.device.receive(data)
                    if reply:
                        self._port.write(reply)
        except (serial.SerialException, OSError) as e:
            # The other end closed (socat killed, cable pulled): a printer switched off.
            log.info("virtual printer: port closed (%s)", e)
        finally:
            self.ended.set()

    def stop(self) -> None:
        """Stop answering and close the port."""
        self._stop.set()
        self._thread.join(timeout=2)
        self._port.close()


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        device: VirtualPrinter = self.server.device  # type: ignore[attr-defined]
        while True:
            try:
                data = self.request.recv(4096)
            except OSError:
                return
            if not data:
                return
            reply = device.receive(data)
            if reply:
                self.request.sendall(reply)


class TcpServer(socketserver.ThreadingTCPServer):
    """Serve ``device`` on TCP (port 0 picks a free one); ``url`` is what the kiosk opens."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, device: VirtualPrinter, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), _Handler)
        self.device = device

    @property
    def url(self) -> str:
        """``socket://HOST:PORT`` for ``--printer``."""
        host, port = self.server_address[:2]
        return f"socket://{host}:{port}"

    def start(self) -> "TcpServer":
        """Serve in a background thread; returns self."""
        threading.Thread(target=self.serve_forever, name="virtual-printer-tcp", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        self.shutdown()
        self.server_close()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m hardware.virtual_printer",
                                description="A virtual ESC/POS receipt printer.")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--serial", metavar="PATH", help="serve on this serial device or pty")
    where.add_argument("--tcp", metavar="HOST:PORT", help="serve on this TCP address")
    where.add_argument("--replay", metavar="FILE", help="read a file of printer bytes and show the paper")
    p.add_argument("--paper-lines", type=int, help="run out of paper after this many lines")
    p.add_argument("--near-end-lines", type=int, default=0, help="near-end sensor this many lines before")
    p.add_argument("--cover-open", action="store_true", help="start with the cover open")
    p.add_argument("--paper", metavar="FILE", help="append what comes out to FILE when serving")
    p.add_argument("--tape", metavar="PNG", help="keep a picture of all the paper that came out in PNG")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the virtual printer until interrupted; 0 on a clean stop, 2 on a usage error."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    device = VirtualPrinter(args.paper_lines, args.near_end_lines, args.cover_open)
    if args.replay:
        with open(args.replay, "rb") as f:
            device.receive(f.read())
        print("\n".join(device.transcript()))
        _save_tape(device, args.tape)
        return 0
    try:
        if args.serial:
            server = SerialServer(device, args.serial).start()
            print(f"virtual printer on {args.serial}", flush=True)
        else:
            host, _, port = args.tcp.rpartition(":")
            server = TcpServer(device, host or "127.0.0.1", int(port)).start()
            print(f"virtual printer at {server.url}", flush=True)
    except (serial.SerialException, OSError, ValueError) as e:
        print(f"error: cannot serve there: {e}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    shown = 0
    try:
        while not stop.wait(0.2) and not getattr(server, "ended", threading.Event()).is_set():
            shown = _append_paper(device, args.paper, args.tape, shown)
    except KeyboardInterrupt:
        pass
    _append_paper(device, args.paper, args.tape, shown)
    server.stop()
    return 0


def _append_paper(device: VirtualPrinter, path: str | None, tape: str | None, shown: int) -> int:
    lines = device.transcript()
    if len(lines) > shown:
        if path:
            with open(path, "a", encoding="utf-8") as f:
                f.write("".join(line + "\n" for line in lines[shown:]))
        _save_tape(device, tape)
    return len(lines)


def _save_tape(device: VirtualPrinter, tape: str | None) -> None:
    if tape:
        tape_image(list(device.printed)).save(tape)


if __name__ == "__main__":
    sys.exit(main())
