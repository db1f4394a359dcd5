"""The appliance: a station, its camera, its printer and the booth screen, wired together.

``Appliance`` owns the running parts (the station with its writer lock, the camera loop,
the port, the booth); ``run_booth`` shows it in a window (what systemd starts). Scanner
events are translated into the booth's flow events on a thread of their own, so neither the
camera nor the UI ever waits on the other.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from pathlib import Path

from booth_ui import flow
from booth_ui.booth import Booth
from booth_ui.display import run_window
from booth_ui.state import IDLE_SCREENS, INACTIVITY_S, WORKER
from kiosk.app.port import StationPort
from kiosk.app.steps import USB_DIR
from kiosk.app.printing import open_printer
from kiosk.app.cliutil import EXIT_OK
from kiosk.app.configured import BoothRun, check_station
from kiosk.station.datadir import DataDir, read_config
from kiosk.station.attest import attest_installed
from kiosk.contract.cards import OLD_PREFIX, PREFIX as CARD_PREFIX
from kiosk.app.notify import Notifier, Watchdog, watchdog_interval_s
from kiosk.station.station_reports import SOFTWARE_ATTESTED
from kiosk.scanning import DeviceBack, DeviceLost, HintShown, PayloadScanned
from kiosk.station.lifecycle import StationState
from kiosk.station.station import Station
from kiosk.contract.tokens import BallotToken, parse_token
from hardware.serial_scanner import SerialScanner
from scanner.loop import CameraLoop
from scanner.sources import open_source

log = logging.getLogger(__name__)
# (full screen takes the panel's own mode; see booth_ui/display.py)
SCREEN_SIZE = (1024, 768)   # a window and the scripted voters: VVSG 2.0 8.1-A's smallest panel
# while a voter is on the ballot no scan is heard: the camera decodes twice a second, not 30
# times (on a Pi 4's core that leaves the screen its 60 fps; docs/image.md, the CPU budget)
VOTER_DECODE_INTERVAL_S = 0.5
SCANS_HEARD = IDLE_SCREENS | WORKER


def decode_interval_for(screen: flow.Screen) -> float:
    """The camera's decode interval while the booth shows ``screen`` (0 where a scan is heard)."""
    return 0.0 if screen in SCANS_HEARD else VOTER_DECODE_INTERVAL_S


def is_token(text: str) -> bool:
    """A well-formed ballot token (one clean read is enough to emit it)."""
    return isinstance(parse_token(text), BallotToken)


def translate(event: object) -> object | None:
    """The booth's flow event for a scanner event (None: nothing for the voter's screen)."""
    if isinstance(event, PayloadScanned):
        if event.payload.startswith((CARD_PREFIX, OLD_PREFIX)):  # an old card is refused by name
            return flow.CardScanned(event.payload)
        return flow.CodeScanned(event.payload)
    if isinstance(event, HintShown):
        return flow.TwoCodes()
    if isinstance(event, DeviceLost):
        return flow.DeviceProblem("camera_lost")
    if isinstance(event, DeviceBack):
        return flow.DeviceOk("camera_lost")
    return None


class Appliance:
    """A running booth on a station directory, a frame source and an optional printer."""

    def __init__(self, data: Path, source, printer_url: str | None, size=SCREEN_SIZE, speaker=None,
                 clock=time.monotonic, scanner_url: str | None = None, panel_width_mm: int = 0,
                 usb_dir: Path = USB_DIR, language: str = "ko", inactivity_s: float = INACTIVITY_S,
                 printer_paper_mm: int = 80, printer_baudrate: int = 19200, scanner_baudrate: int = 9600) -> None:
        self.station = Station.open(Path(data))
        try:
            self.printer = open_printer(printer_url, printer_paper_mm, printer_baudrate)
            self.port = StationPort(self.station, self.printer, usb_dir=usb_dir)
            self.booth = Booth(self.station.election, self.station.mode, self.port, size,
                               polls_open=self.station.accepts_ballots, speaker=speaker, clock=clock,
                               polls_final=self.station.state is StationState.POLLS_CLOSED,
                               panel_width_mm=panel_width_mm, language=language, inactivity_s=inactivity_s)
            self.scans: queue.Queue = queue.Queue(maxsize=100)
            self.camera = CameraLoop(open_source(source) if isinstance(source, str) else source, self.scans,
                                     validator=is_token)
            # a handheld serial scanner, if any, feeds the same stream of scans as the camera
            self.handheld = SerialScanner(scanner_url, self.scans, scanner_baudrate) if scanner_url else None
        except BaseException:
            self.station.close()
            raise
        self._stop = threading.Event()
        self._relay = threading.Thread(target=self._forward, name="scan-relay", daemon=True)

    def start(self) -> "Appliance":
        self.camera.start()
        if self.handheld is not None:
            self.handheld.start()
        self._relay.start()
        return self

    def _forward(self) -> None:
        while not self._stop.is_set():
            self.camera.decode_interval_s = decode_interval_for(self.booth.state.screen)
            try:
                event = self.scans.get(timeout=0.1)
            except queue.Empty:
                continue
            translated = translate(event)
            if translated is not None:
                self.booth.inputs.put(translated)

    def stop(self) -> None:
        self._stop.set()
        self.camera.stop()
        if self.handheld is not None:
            self.handheld.stop()
        self._relay.join(timeout=2)
        self.booth.close()
        self.station.close()


def attest(appliance: "Appliance", config_path: Path | None) -> None:
    """Log ``software_attested`` (the hash of the installed code and configuration) at every start."""
    attestation = attest_installed(config_path)
    station = appliance.station
    if not station.archived:
        with station.store.transaction():
            station.store.append(SOFTWARE_ATTESTED, {**attestation.event_body(), "time": int(time.time())})
    log.info("software attested: %s", attestation.short)


def run_booth(run: BoothRun, config_path: Path | None = None) -> int:
    """The voting booth in a window until it is closed (what the appliance's unit runs).

    Tells systemd it is ready only after the first frame is drawn and the store answered, and
    beats the watchdog only while both stay true.
    """
    from booth_ui.audio import Speaker

    check_station(run, read_config(DataDir(run.data)).station)   # [station] id, when set, must be this one
    # the audio ballot: [audio] enabled (default on) speaks every screen through the headphone jack
    speaker = Speaker(enabled=run.audio[0], volume_percent=run.audio[1])
    appliance = Appliance(run.data, run.camera, run.printer, scanner_url=run.scanner, speaker=speaker,
                          **run.options).start()
    stop = threading.Event()
    notifier = Notifier()
    drawn = threading.Event()

    def store_answers() -> bool:
        try:
            return appliance.station.store.db.execute("SELECT 1").fetchone() == (1,)
        except Exception:
            return False

    watchdog = Watchdog(notifier, {"first_frame": drawn.is_set, "store": store_answers})
    interval_s = watchdog_interval_s() or 5.0

    def beat() -> None:
        while not stop.wait(interval_s):
            watchdog.tick()

    try:
        attest(appliance, config_path)
        threading.Thread(target=beat, name="watchdog", daemon=True).start()
        run_window(appliance.booth, SCREEN_SIZE, run.fullscreen, stop,
                   first_frame=lambda: (drawn.set(), watchdog.tick()))
    finally:
        stop.set()
        notifier.stopping()
        appliance.stop()
    return EXIT_OK
