"""What each command takes from the kiosk's configuration file, with its flags over it.

``kiosk booth`` and ``kiosk selftest`` call :func:`booth_run` and :func:`selftest_run`, and
``kiosk-sync`` its own ``sync.cli.configured``: every documented key reaches a command through one
of these three, and ``tests/test_config_keys.py`` changes each key in a written file and fails when
none of them gives something different (a documented key that does nothing fails the suite).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.app.config import DEFAULT_CONFIG, CameraConfig, KioskConfig
from kiosk.errors import KioskError
from scanner.source_url import parse_source_url

NO_CONFIG_VOLUME = 50   # a booth started without --config (a desk, the tests) speaks at half volume


@dataclass(frozen=True)
class BoothRun:
    """Everything ``kiosk booth`` starts the appliance with."""

    data: Path
    camera: str
    printer: str | None
    fullscreen: bool
    scanner: str | None
    audio: tuple[bool, int]              # [audio] enabled, volume (percent)
    station_id: str = ""                 # [station] id: the data directory must be this station's ("" any)
    options: dict = field(default_factory=dict)   # the Appliance's keyword arguments: devices and [booth]


@dataclass(frozen=True)
class SelftestRun:
    """Everything ``kiosk selftest`` checks the devices with."""

    data: Path
    camera: str
    printer: str | None
    min_free_mb: int


def camera_url(url: str, camera: CameraConfig) -> str:
    """``[camera] url`` with ``width``, ``height`` and ``fps`` asked of a camera device; a URL that gives its own
    options after ``?``, and a ``file:`` or ``dir:`` source (frames from disk, for tests), is taken as written."""
    if "?" in url or parse_source_url(url).kind != "camera":
        return url
    return f"{url}?width={camera.width}&height={camera.height}&fps={camera.fps}"


def data_dir(args: argparse.Namespace, config: KioskConfig | None) -> Path:
    """``--data``, else ``[station] data_dir`` of ``--config``; neither is refused in Korean and English."""
    if args.data is not None:
        return Path(args.data)
    if config is not None:
        return Path(config.station.data_dir)
    raise KioskError("no data directory: give --data DIR, or --config with [station] data_dir",
                     hint="the appliance runs: kiosk booth --config /etc/kiosk/kiosk.toml",
                     korean=("데이터 폴더가 없습니다: --data DIR 또는 [station] data_dir 가 있는 --config 를 주십시오",
                             "장치는 이렇게 실행합니다: kiosk booth --config /etc/kiosk/kiosk.toml"))


def _flag_or(given, configured):
    """A flag's value when it was given, else what the configuration (or the old default) says."""
    return given if given is not None else configured


def booth_run(args: argparse.Namespace, config: KioskConfig | None) -> BoothRun:
    """The booth's settings: each flag given, else the configuration's key (no ``--config``: the old defaults)."""
    if config is None:
        return BoothRun(data_dir(args, None), _flag_or(args.camera, "0"), args.printer, args.fullscreen, args.scanner,
                        (True, NO_CONFIG_VOLUME))
    booth = config.booth
    options = dict(printer_paper_mm=config.printer.paper_mm, printer_baudrate=config.printer.baudrate,
                   scanner_baudrate=config.scanner.baudrate, panel_width_mm=booth.panel_width_mm,
                   usb_dir=Path(booth.usb_dir), language=booth.language, inactivity_s=float(booth.inactivity_s))
    return BoothRun(data_dir(args, config), _flag_or(args.camera, camera_url(config.camera.url, config.camera)),
                    _flag_or(args.printer, config.printer.url), args.fullscreen or booth.fullscreen,
                    _flag_or(args.scanner, config.scanner.url or None), (config.audio.enabled, config.audio.volume),
                    config.station.id, options)


def selftest_run(args: argparse.Namespace, config: KioskConfig | None) -> SelftestRun:
    """The self-test's devices and free-space floor: each flag given, else the configuration's."""
    if config is None:   # no --config: the old defaults (camera 0, no printer)
        return SelftestRun(data_dir(args, None), _flag_or(args.camera, "0"), args.printer,
                           _flag_or(args.min_free_mb, DEFAULT_CONFIG.station.min_free_mb))
    return SelftestRun(data_dir(args, config), _flag_or(args.camera, camera_url(config.camera.url, config.camera)),
                       _flag_or(args.printer, config.printer.url),
                       _flag_or(args.min_free_mb, config.station.min_free_mb))


def check_station(run: BoothRun, station: str) -> None:
    """Refuse a data directory of another station than ``[station] id`` names (a card or disk swapped by mistake)."""
    if run.station_id and station != run.station_id:
        raise KioskError(f"the data directory {run.data} is station {station}'s, but [station] id is {run.station_id}",
                         hint="use the data directory of this station, or correct [station] id",
                         korean=(f"데이터 폴더 {run.data} 은(는) {station} 투표소의 것인데 [station] id 는 "
                                 f"{run.station_id} 입니다",
                                 "이 투표소의 데이터 폴더를 쓰거나 [station] id 를 고치십시오"))

