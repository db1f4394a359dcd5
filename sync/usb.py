"""USB sticks: the outbox and the acknowledgements, exactly as they are, with a checksum manifest.

``kiosk export --data DIR --to STICK`` writes ``STICK/<station>-<kiosk key fingerprint>/``::

    outbox/<mode>/batch-NNNNNN.json   the sealed batches, byte for byte
    acks/<mode>/<node>/batch-NNNNNN.json
    manifest.json                     written last: its presence means the copy is complete

``manifest.json`` is canonical JSON: ``{"election_hex", "files": [{"bytes", "path",
"sha256_hex"}, ...], "format": "kiosk-usb-export/1", "kiosk_key_hex", "station"}``. A
reader (:func:`read_export`) trusts nothing in it: the batches carry their own signatures;
the checksums only tell a damaged stick from a good one before anything is sent on.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kiosk.contract.canonical import canonical_bytes, parse_json
from kiosk.station.datadir import DataDir, read_config
from kiosk.station.delivery import BATCH_FILE
from kiosk.errors import FormatError, KioskError, StorageError
from kiosk.files import write_atomic
from kiosk.contract.keys import VerifyKey

EXPORT_FORMAT = "kiosk-usb-export/1"
MANIFEST = "manifest.json"
SPACE_MARGIN = 1024 * 1024  # file system overhead and the manifest itself
MAX_MANIFEST_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_BATCH_BYTES = 32 * 1024 * 1024


class NotRegular(OSError):
    """A path on a stick that is not a plain file within its limit (a symlink, a device, too big)."""


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a plain file of at most ``limit`` bytes, never following a symlink.

    A stick is outside input: ``batch-000001.json`` may be a symlink to ``/dev/zero`` or a file of
    many gigabytes. ``lstat`` first, then open with ``O_NOFOLLOW`` and check the opened file is the
    one looked at, and read at most ``limit + 1`` bytes.
    """
    before = os.lstat(path)
    if not stat.S_ISREG(before.st_mode):
        raise NotRegular(f"{path.name} is not a plain file")
    if before.st_size > limit:
        raise NotRegular(f"{path.name} is {before.st_size} bytes, more than the {limit} allowed")
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
            raise NotRegular(f"{path.name} changed while it was read")
        chunks, size = [], 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise NotRegular(f"{path.name} grew past the {limit} bytes allowed")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _plain_dirs(folder: Path, relative: list[str]) -> bool:
    """True when every folder on the way from ``folder`` to the file is a real folder (no symlink)."""
    here = Path(folder)
    for part in relative[:-1]:
        here = here / part
        try:
            if not stat.S_ISDIR(os.lstat(here).st_mode):
                return False
        except OSError:
            return False
    return True


@dataclass(frozen=True)
class ExportedBatch:
    """A batch file read back from a stick, its checksum checked."""

    path: Path
    mode: str
    number: int
    body: bytes


def _files(data: DataDir) -> list[Path]:
    found = []
    for folder in (data.outbox, data.acks):
        if folder.is_dir():
            found += [p for p in sorted(folder.rglob("batch-*.json")) if p.is_file() and BATCH_FILE.match(p.name)]
    return found


def _check_target(target: Path, needed: int) -> None:
    if not target.is_dir():
        raise StorageError(f"{target} is not a directory", hint="plug in the USB stick and give its mount point")
    try:
        with tempfile.NamedTemporaryFile(dir=target, prefix=".kiosk-write-test-"):
            pass
    except OSError as e:
        raise StorageError(f"cannot write to {target}: {e.strerror}",
                           hint="the stick is read-only or locked: use another stick") from e
    free = shutil.disk_usage(target).free
    if free < needed + SPACE_MARGIN:
        raise StorageError(f"{target} has {free // 1024} KiB free, the export needs {(needed + SPACE_MARGIN) // 1024} KiB",
                           hint="use a stick with more free space")


def export(data_root: Path, target: Path) -> dict:
    """Copy the outbox and the acknowledgements to ``target``; returns the manifest."""
    data, target = DataDir(Path(data_root)), Path(target)
    config = read_config(data)
    files = _files(data)
    _check_target(target, sum(p.stat().st_size for p in files))
    folder = target / f"{config.station}-{VerifyKey.from_hex(config.kiosk_key_hex).fingerprint}"
    entries = []
    for path in files:
        body = path.read_bytes()
        relative = path.relative_to(data.root).as_posix()
        write_atomic(folder / relative, body)
        entries.append({"bytes": len(body), "path": relative, "sha256_hex": hashlib.sha256(body).hexdigest()})
    manifest = {"election_hex": config.election_hex, "files": entries, "format": EXPORT_FORMAT,
                "kiosk_key_hex": config.kiosk_key_hex, "station": config.station}
    write_atomic(folder / MANIFEST, canonical_bytes(manifest))
    os.sync()  # the poll worker pulls the stick out next
    return {**manifest, "folder": str(folder)}


def find_exports(paths: list[Path]) -> list[Path]:
    """Every export folder (one holding manifest.json) at or below the given paths."""
    found: list[Path] = []
    for path in map(Path, paths):
        if (path / MANIFEST).is_file():
            found.append(path)
        elif path.is_dir():
            found += sorted(p.parent for p in path.rglob(MANIFEST))
        else:
            raise KioskError(f"{path} holds no kiosk export (no {MANIFEST})",
                             hint="give the stick's mount point or a folder 'kiosk export' wrote")
    return list(dict.fromkeys(found))


def read_export(folder: Path, max_batch_bytes: int = DEFAULT_MAX_BATCH_BYTES) -> tuple[dict, list[ExportedBatch], list[str]]:
    """The manifest, the batches whose checksums match (in mode and number order), and the problems.

    Only plain files are read (no symlink, device or pipe), each within its manifest size and
    ``max_batch_bytes``; the manifest within 8 MiB.
    """
    try:
        raw = read_regular(Path(folder) / MANIFEST, MAX_MANIFEST_BYTES)
    except OSError as e:
        raise FormatError(f"{folder}/{MANIFEST} cannot be read: {e}",
                          hint="the stick is damaged or not written by 'kiosk export'") from e
    manifest = parse_json(raw, f"{folder}/{MANIFEST}")
    keys = {"election_hex", "files", "format", "kiosk_key_hex", "station"}
    if not isinstance(manifest, dict) or set(manifest) != keys or manifest["format"] != EXPORT_FORMAT \
            or not isinstance(manifest["files"], list):
        raise FormatError(f"{folder}/{MANIFEST} is not a {EXPORT_FORMAT} manifest")
    batches, problems = [], []
    for entry in manifest["files"]:
        if not isinstance(entry, dict) or set(entry) != {"bytes", "path", "sha256_hex"} \
                or not isinstance(entry["path"], str):
            problems.append("a manifest entry is not {bytes, path, sha256_hex}")
            continue
        parts = entry["path"].split("/")
        if parts[0] != "outbox":
            continue  # acknowledgements travel for the record; a node judges batches only
        if len(parts) != 3 or parts[1] not in ("official", "test") or not BATCH_FILE.match(parts[2]):
            problems.append(f"{entry['path']}: not an outbox batch path")
            continue
        size = entry["bytes"]
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= max_batch_bytes:
            problems.append(f"{entry['path']}: the manifest gives a size over the {max_batch_bytes} bytes allowed")
            continue
        if not _plain_dirs(Path(folder), parts):
            problems.append(f"{entry['path']}: a folder on its way is a symlink or missing")
            continue
        try:
            body = read_regular(Path(folder) / entry["path"], size)
        except NotRegular as e:
            problems.append(f"{entry['path']}: {e}")
            continue
        except OSError as e:
            problems.append(f"{entry['path']}: cannot be read ({e.strerror})")
            continue
        if hashlib.sha256(body).hexdigest() != entry["sha256_hex"]:
            problems.append(f"{entry['path']}: checksum does not match (damaged on the stick)")
            continue
        batches.append(ExportedBatch(Path(folder) / entry["path"], parts[1], int(parts[2][6:12]), body))
    batches.sort(key=lambda b: (b.mode, b.number))
    return manifest, batches, problems
