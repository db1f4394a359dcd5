"""The observer's files: a board exported to a directory, and the closing statements photographed.

``kiosk-central board export`` writes, and ``kiosk-central verify --from DIR`` reads::

    DIR/checkpoint.txt   the node's signed checkpoint note
    DIR/leaves.ndjson    every leaf, one a line, in board order
    DIR/cosigned.txt     the checkpoint with the cosignatures it collected (when published)
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from sync.central.observer import InputError, Published

CHECKPOINT_FILE = "checkpoint.txt"
COSIGNED_FILE = "cosigned.txt"
LEAVES_FILE = "leaves.ndjson"


def read_board(directory: Path) -> Published:
    """Read an exported board: ``checkpoint.txt``, ``leaves.ndjson``, optionally ``cosigned.txt``."""
    directory = Path(directory)
    if not (directory / CHECKPOINT_FILE).is_file() or not (directory / LEAVES_FILE).is_file():
        raise InputError(f"{directory} holds no {CHECKPOINT_FILE} and {LEAVES_FILE}",
                         hint="give a directory 'kiosk-central board export' wrote, or a node's URL")
    cosigned = directory / COSIGNED_FILE
    return Published((directory / CHECKPOINT_FILE).read_bytes(),
                     cosigned.read_bytes() if cosigned.is_file() else None,
                     (directory / LEAVES_FILE).read_bytes().splitlines())


def write_board(published: Published, directory: Path) -> list[Path]:
    """Write a board the way :func:`read_board` reads it; the files written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / CHECKPOINT_FILE, directory / LEAVES_FILE]
    written[0].write_bytes(published.checkpoint)
    written[1].write_bytes(b"".join(leaf + b"\n" for leaf in published.leaves))
    if published.cosigned is not None:
        written.append(directory / COSIGNED_FILE)
        written[-1].write_bytes(published.cosigned)
    return written


def read_closing_lines(paths: Iterable[Path]) -> list[tuple[str, str]]:
    """(place, payload) of every non-blank line of the files (one photographed QR payload a line)."""
    out = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if line.strip():
                out.append((f"{Path(path).name} line {n}", line.strip()))
    return out
