"""The observer's files: a board exported to a directory, and the closing statements photographed.

``kiosk-central board export`` writes, and ``kiosk-central verify --from DIR`` reads::

    DIR/checkpoint.txt   the node's signed checkpoint note
    DIR/leaves.ndjson    every leaf, one a line, in board order
    DIR/cosigned.txt     the checkpoint with the cosignatures it collected (when published)

and, for a format-2 election, the count's files of the election record (:mod:`sync.central.record_files`:
``aggregates.json``, ``partials/trustee-N.json``, ``results.json``, ``selection.json``, ``spoiled.ndjson``) and a copy of
the public package in ``DIR/election/`` (``election.json``, ``roster.json``, ``roll-root.json``,
``roll.sqlite``, ``decisions.json``, the experts' signed ``scores.json``), so that the folder is the whole
record.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterable

from kiosk.contract.double_use import DECISIONS_FILE
from kiosk.contract.expert_scores import SCORES_FILE
from kiosk.contract.package import PUBLIC_FILES
from kiosk.contract.roster import ROSTER_FILE
from sync.central.observer import InputError, Published
from sync.central.record_files import read_count_files, write_count_files

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
                     (directory / LEAVES_FILE).read_bytes().splitlines(), read_count_files(directory))


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
    return written + write_count_files(directory, published.count)


PACKAGE_DIR = "election"
PACKAGE_FILES = (*PUBLIC_FILES, ROSTER_FILE, DECISIONS_FILE, SCORES_FILE)


def copy_package(package_dir: Path, directory: Path) -> list[Path]:
    """The public package's files into ``directory/election/`` (those that exist; no key file)."""
    target = Path(directory) / PACKAGE_DIR
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name in PACKAGE_FILES:
        if (Path(package_dir) / name).is_file():
            shutil.copyfile(Path(package_dir) / name, target / name)
            written.append(target / name)
    return written


def read_closing_lines(paths: Iterable[Path]) -> list[tuple[str, str]]:
    """(place, payload) of every non-blank line of the files (one photographed QR payload a line)."""
    out = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if line.strip():
                out.append((f"{Path(path).name} line {n}", line.strip()))
    return out
