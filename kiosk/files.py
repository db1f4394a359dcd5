"""Files: durable writes (temporary name, fsync, rename, fsync the directory) and reading a named input."""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.errors import FormatError


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def read_input(path: Path, what: str, hint: str = "") -> bytes:
    """The bytes of a file a person named; a :class:`FormatError` "cannot read WHAT: why" if it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise FormatError(f"cannot read {what}: {e.strerror}", hint=hint) from e
