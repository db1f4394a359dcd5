"""Camera URLs: ``0`` / ``/dev/video0`` / ``file:VIDEO`` / ``dir:FOLDER``, with options.

Options follow a ``?`` as ``key=value`` pairs joined by ``&``:

===========  ===========  =======  ==================================================
option       sources      default  meaning
===========  ===========  =======  ==================================================
width        camera       640      frame width asked of the camera, in pixels
height       camera       480      frame height asked of the camera, in pixels
fps          all          30 / 0   frames per second; for a file or folder, 0 hands
                                   every frame to the loop as fast as it takes them
mjpeg        camera       1        ask for MJPEG (1) or the camera's default (0)
loop         file, dir    0        start again after the last frame (1)
===========  ===========  =======  ==================================================

Examples: ``0?width=1280&height=720``, ``/dev/video2?mjpeg=0``, ``dir:tests/data/frames?fps=30&loop=1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scanner.errors import SourceURLError

_RANGES = {"width": (160, 4096), "height": (120, 4096), "fps": (0, 240), "mjpeg": (0, 1), "loop": (0, 1)}
_ALLOWED = {"camera": {"width", "height", "fps", "mjpeg"}, "file": {"fps", "loop"}, "dir": {"fps", "loop"}}
_HINT = "write a camera as 0, /dev/video0, file:VIDEO or dir:FOLDER, options after ? (see docs/scanner.md)"


@dataclass(frozen=True)
class SourceSpec:
    """A parsed camera URL. ``target`` is a camera index, a device path, a file or a folder."""

    kind: str                  # "camera", "file" or "dir"
    target: int | Path
    width: int = 640
    height: int = 480
    fps: int = 30
    mjpeg: bool = True
    loop: bool = False

    @property
    def label(self) -> str:
        """A short name for logs and events (never a secret)."""
        return f"camera:{self.target}" if self.kind == "camera" else f"{self.kind}:{self.target}"


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()  # str.isdigit alone accepts "¹", which int() refuses


def _options(query: str, kind: str, url: str) -> dict[str, int]:
    options: dict[str, int] = {}
    for pair in filter(None, query.split("&")):
        key, sep, value = pair.partition("=")
        if not sep or key not in _ALLOWED[kind]:
            raise SourceURLError(f"camera URL {url!r}: unknown option {key!r} for a {kind} source", _HINT)
        low, high = _RANGES[key]
        if not _is_number(value) or not low <= int(value) <= high:
            raise SourceURLError(f"camera URL {url!r}: option {key} must be a whole number from {low} to {high}",
                                 _HINT)
        options[key] = int(value)
    return options


def parse_source_url(url: str) -> SourceSpec:
    """Parse a camera URL; ``SourceURLError`` names what is wrong with it."""
    if not isinstance(url, str) or not url.strip():
        raise SourceURLError("the camera URL is empty", _HINT)
    base, _, query = url.strip().partition("?")
    if base.startswith(("file:", "dir:")):
        kind, _, path = base.partition(":")
        if not path:
            raise SourceURLError(f"camera URL {url!r} names no {kind}", _HINT)
        opts = _options(query, kind, url)
        return SourceSpec(kind, Path(path), fps=opts.get("fps", 0), loop=bool(opts.get("loop", 0)))
    if _is_number(base):
        target: int | Path = int(base)
    elif base.startswith("/dev/"):
        target = Path(base)
    else:
        raise SourceURLError(f"camera URL {url!r} is not a camera index, a /dev path, file: or dir:", _HINT)
    opts = _options(query, "camera", url)
    return SourceSpec("camera", target, width=opts.get("width", 640), height=opts.get("height", 480),
                      fps=opts.get("fps", 30), mjpeg=bool(opts.get("mjpeg", 1)))
