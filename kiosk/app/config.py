"""The kiosk's one configuration file (``/etc/kiosk/kiosk.toml``), parsed once, strictly.

Each section is a frozen dataclass; each key is a field whose metadata carries its
documentation and its allowed range, so the parser, the written file and the tests read one
source. A key the kiosk does not know, a value of the wrong type or out of range is refused
with the section and key named: a typo in a booth's settings must stop provisioning, not be
silently ignored on election day (the idea of Klipper's ``configfile.py``). A missing key
takes its documented default, so an empty file is a valid configuration.

Every key is described in ``docs/configuration.md``; a test fails when one is not.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.errors import ValidationError

CONFIG_PATH = Path("/etc/kiosk/kiosk.toml")


class ConfigError(ValidationError):
    """A configuration file that cannot be used; ``problems`` names each ``section.key``."""

    def __init__(self, what: str, problems: list[tuple[str, str]], hint: str = "",
                 korean: tuple[str, str] | None = None) -> None:
        super().__init__(what, problems, hint)
        self.korean = korean


def setting(default: Any, doc: str, *, min: int | None = None, max: int | None = None,
            choices: tuple | None = None) -> Any:
    """A documented key with its default and its allowed range (for a text: its length) or choices."""
    meta = {"doc": doc, "min": min, "max": max, "choices": choices}
    if isinstance(default, (list, tuple)):
        return field(default=tuple(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class StationConfig:
    """[station]: where this kiosk keeps its files."""

    id: str = setting("", "the station this kiosk serves, as in the election package; set by provisioning")
    data_dir: str = setting("/var/lib/kiosk", "the data directory: key, stores, outbox, acknowledgements",
                           min=1)
    min_free_mb: int = setting(512, "the self-test fails below this much free space in the data directory",
                               min=16, max=1_000_000)


@dataclass(frozen=True)
class CameraConfig:
    """[camera]: the camera that reads ballot tokens."""

    url: str = setting("/dev/video0", "camera: an index such as 0, a device, file:VIDEO or dir:FOLDER",
                       min=1)
    width: int = setting(1280, "frame width asked of the camera, pixels", min=160, max=3840)
    height: int = setting(720, "frame height asked of the camera, pixels", min=120, max=2160)
    fps: int = setting(15, "frames per second asked of the camera", min=1, max=60)


@dataclass(frozen=True)
class PrinterConfig:
    """[printer]: the serial receipt printer."""

    url: str = setting("/dev/kiosk-printer", "printer: a pyserial URL (device, socket://, loop://) or file:PATH",
                       min=1)
    paper_mm: int = setting(80, "paper roll width in millimetres", choices=(58, 80))
    baudrate: int = setting(19200, "serial speed of the printer",
                            choices=(9600, 19200, 38400, 57600, 115200))


@dataclass(frozen=True)
class ScannerConfig:
    """[scanner]: an optional handheld serial QR scanner beside the camera."""

    url: str = setting("", "handheld scanner: a pyserial URL such as /dev/kiosk-scanner; empty for none")
    baudrate: int = setting(9600, "serial speed of the handheld scanner",
                            choices=(9600, 19200, 38400, 57600, 115200))


@dataclass(frozen=True)
class BoothConfig:
    """[booth]: the voter's screen."""

    fullscreen: bool = setting(True, "fill the whole screen (false: a window, for a technician's desk)")
    language: str = setting("ko", "the language a new voter sees first", choices=("ko", "en"))
    inactivity_s: int = setting(60, "seconds without a touch before the booth asks whether the voter is still there",
                                min=15, max=600)
    panel_width_mm: int = setting(0, "the visible width of the panel in millimetres, for text and targets in real "
                                  "millimetres; 0: the stock 7-inch panel's density (5.25 px/mm)", min=0, max=2000)
    usb_dir: str = setting("/media/kiosk-usb", "where a poll worker's USB stick is mounted (Export to USB in the menu)",
                           min=1)


@dataclass(frozen=True)
class SyncConfig:
    """[sync]: the sync daemon that carries sealed batches to the central nodes."""

    nodes: tuple[str, ...] = setting((), "central node URLs; empty means the nodes the election package names")
    backoff_initial_s: int = setting(5, "first wait after a failed upload, seconds", min=1, max=3600)
    backoff_max_s: int = setting(300, "longest wait between retries, seconds (the wait doubles up to this)",
                                 min=1, max=86400)
    idle_s: int = setting(10, "wait between rounds when every node holds everything, seconds", min=1, max=3600)
    timeout_s: int = setting(30, "give up on one request to a node after this many seconds", min=1, max=600)


@dataclass(frozen=True)
class AudioConfig:
    """[audio]: spoken prompts for voters who need them."""

    enabled: bool = setting(True, "speak prompts through the headphone jack")
    volume: int = setting(25, "the volume each voter starts at, in percent of the full level (25: 12 dB below it; "
                                  "the voter changes it in 6 dB steps)", min=0, max=100)


@dataclass(frozen=True)
class KioskConfig:
    """The whole configuration: one attribute per section."""

    station: StationConfig = StationConfig()
    camera: CameraConfig = CameraConfig()
    printer: PrinterConfig = PrinterConfig()
    scanner: ScannerConfig = ScannerConfig()
    booth: BoothConfig = BoothConfig()
    sync: SyncConfig = SyncConfig()
    audio: AudioConfig = AudioConfig()


DEFAULT_CONFIG = KioskConfig()
SECTIONS: dict[str, type] = {f.name: type(f.default) for f in dataclasses.fields(KioskConfig)}


def _check_value(value: Any, f: dataclasses.Field) -> tuple[Any, str | None]:
    """The value converted to the field's type, or a problem text."""
    default, meta = f.default, f.metadata
    if isinstance(default, bool):
        if not isinstance(value, bool):
            return None, "must be true or false"
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            return None, "must be a whole number"
    elif isinstance(default, str):
        if not isinstance(value, str):
            return None, "must be a text in quotes"
    elif isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            return None, "must be a list of texts in quotes"
        value = tuple(value)
    if meta["choices"] is not None and value not in meta["choices"]:
        return None, f"{value!r} is not one of {', '.join(repr(c) for c in meta['choices'])}"
    if isinstance(value, str):
        if meta["min"] is not None and len(value) < meta["min"]:
            return None, "must not be empty" if meta["min"] == 1 else f"must be at least {meta['min']} characters"
        return value, None
    if meta["min"] is not None and value < meta["min"]:
        return None, f"{value} is below the minimum {meta['min']}"
    if meta["max"] is not None and value > meta["max"]:
        return None, f"{value} is above the maximum {meta['max']}"
    return value, None


def parse_config(data: dict[str, Any]) -> KioskConfig:
    """Build a :class:`KioskConfig` from parsed TOML, refusing every unknown or bad key at once."""
    problems: list[tuple[str, str]] = []
    sections = {}
    for name in data:
        if name not in SECTIONS:
            problems.append((f"[{name}]", f"unknown section; known: {', '.join(SECTIONS)}"))
    for name, cls in SECTIONS.items():
        table = data.get(name, {})
        if not isinstance(table, dict):
            problems.append((f"[{name}]", "must be a section, not a single value"))
            continue
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values = {}
        for key, value in table.items():
            if key not in fields:
                problems.append((f"[{name}] {key}", f"unknown key; known: {', '.join(fields)}"))
                continue
            checked, problem = _check_value(value, fields[key])
            if problem:
                problems.append((f"[{name}] {key}", problem))
            else:
                values[key] = checked
        sections[name] = cls(**values)
    if not problems:
        sync = sections["sync"]
        if sync.backoff_initial_s > sync.backoff_max_s:
            problems.append(("[sync] backoff_initial_s", "must not be above backoff_max_s"))
    if problems:
        raise ConfigError("the kiosk configuration", problems,
                          hint="fix the named keys; docs/configuration.md lists every key and its range",
                          korean=("키오스크 설정 파일이 올바르지 않습니다: " + ", ".join(w for w, _ in problems),
                                  "이름이 나온 키를 고치십시오. 모든 키와 허용 범위는 docs/configuration.md에 있습니다"))
    return KioskConfig(**sections)


def load_config(path: Path | str = CONFIG_PATH) -> KioskConfig:
    """Read and check the configuration file. A file that does not exist is an error too."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(f"the kiosk configuration {path}", [(str(path), "the file does not exist")],
                          hint="provisioning writes it; or give --config with the right path",
                          korean=(f"설정 파일 {path} 이(가) 없습니다",
                                  "프로비저닝이 이 파일을 씁니다. 또는 --config 에 올바른 경로를 주십시오")) from e
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"the kiosk configuration {path}", [(str(path), f"cannot be read: {e}")],
                          hint="check the file's permissions and that it is UTF-8 text",
                          korean=(f"설정 파일 {path} 을(를) 읽을 수 없습니다",
                                  "파일의 권한과 UTF-8 텍스트인지 확인하십시오")) from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"the kiosk configuration {path}", [(str(path), f"is not valid TOML: {e}")],
                          hint="check quotes and brackets near the line named",
                          korean=(f"설정 파일 {path} 이(가) 올바른 TOML 이 아닙니다",
                                  "표시된 줄 근처의 따옴표와 괄호를 확인하십시오")) from e
    return parse_config(data)


def toml_value(value: Any) -> str:
    """A value in TOML syntax (JSON's string escapes are valid TOML basic strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return "[" + ", ".join(toml_value(v) for v in value) + "]"


def config_toml(config: KioskConfig = DEFAULT_CONFIG) -> str:
    """The configuration as a complete, commented TOML file (what provisioning writes)."""
    lines = ["# The kiosk's configuration. Every key is described in docs/configuration.md.",
             "# An unknown key or a value out of range stops the kiosk with the key named."]
    for name in SECTIONS:
        section = getattr(config, name)
        lines += ["", f"[{name}]"]
        for f in dataclasses.fields(section):
            lines.append(f"# {f.metadata['doc']}")
            lines.append(f"{f.name} = {toml_value(getattr(section, f.name))}")
    return "\n".join(lines) + "\n"
