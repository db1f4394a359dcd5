"""The count's files of the public election record, on a node and in an exported folder.

A node keeps them in ``DATA/record-MODE/`` and serves them (:mod:`sync.central.record_api`);
``kiosk-central board export`` copies them beside the board's files::

    aggregates.json              kiosk-aggregates/1: what the trustees decrypt (written by ``tally --aggregates``)
    partials/trustee-N.json      kiosk-partial-decryption/1 of trustee N (copied by ``tally --partials``)
    results.json                 the tally's results (the same file ``tally --out`` writes)
    selection.json               kiosk-selection/1, the funded projects (``kiosk-central select --data``), with
                                 selection.csv and one pabulib STAGE.pb per stage beside it (exported byte
                                 for byte, not served: pabutools recomputes each stage from its file)
    spoiled.ndjson               every spoiled (checked) ballot with its nonce seed, one a line

Every file is what it is on the node, byte for byte; nothing in it is secret.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from kiosk.contract.canonical import parse_json
from kiosk.files import write_atomic
from sync.central.record_check import CountFiles

AGGREGATES_FILE = "aggregates.json"
PARTIALS_DIR = "partials"
RESULTS_FILE = "results.json"
SPOILED_FILE = "spoiled.ndjson"
SELECTION_FILE = "selection.json"
_PARTIAL = re.compile(r"trustee-([1-9][0-9]?)\.json")
MAX_FILE_BYTES = 1 << 28


def node_record_dir(data: Path, mode: str) -> Path:
    """Where a node keeps the count's files of one mode's board."""
    return Path(data) / f"record-{mode}"


def selection_side_files(folder: Path) -> list[Path]:
    """``selection.csv`` and the ``STAGE.pb`` files beside ``selection.json`` in a record folder (those there)."""
    folder = Path(folder)
    return [p for p in [folder / "selection.csv", *sorted(folder.glob("*.pb"))] if p.is_file()]


def remove_selection(folder: Path) -> None:
    """Take a published selection out of the record: it was made from results that are no longer the count's."""
    for old in [Path(folder) / SELECTION_FILE, *selection_side_files(folder)]:
        old.unlink(missing_ok=True)


def write_json(path: Path, body: object) -> Path:
    """A record file: JSON, sorted keys, one trailing newline (atomically)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_atomic(Path(path), (json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    return Path(path)


def partial_name(trustee: int) -> str:
    """The record's name of trustee N's partial decryption."""
    return f"{PARTIALS_DIR}/trustee-{trustee}.json"


def read_json_file(path: Path) -> object | None:
    """A record file's JSON (at most MAX_FILE_BYTES read), None when the file is not there."""
    if not path.is_file():
        return None
    data = path.read_bytes()[:MAX_FILE_BYTES]
    return parse_json(data, path.name)


def read_count_files(directory: Path) -> CountFiles:
    """The count's files in ``directory`` (those missing are None or empty: the checks say so)."""
    directory = Path(directory)
    partials = []
    folder = directory / PARTIALS_DIR
    if folder.is_dir():
        names = sorted((p for p in folder.iterdir() if _PARTIAL.fullmatch(p.name)),
                       key=lambda p: int(_PARTIAL.fullmatch(p.name).group(1)))
        partials = [(f"{PARTIALS_DIR}/{p.name}", read_json_file(p)) for p in names]
    spoiled = directory / SPOILED_FILE
    return CountFiles(read_json_file(directory / AGGREGATES_FILE), tuple(partials),
                      read_json_file(directory / RESULTS_FILE),
                      tuple(spoiled.read_bytes().splitlines()) if spoiled.is_file() else (),
                      read_json_file(directory / SELECTION_FILE))


def write_count_files(directory: Path, files: CountFiles) -> list[Path]:
    """Write the count's files the way :func:`read_count_files` reads them; the files written."""
    directory = Path(directory)
    written = []
    if files.aggregates is not None:
        written.append(write_json(directory / AGGREGATES_FILE, files.aggregates))
    for name, body in files.partials:
        written.append(write_json(directory / name, body))
    if files.results is not None:
        written.append(write_json(directory / RESULTS_FILE, files.results))
    if files.selection is not None:
        written.append(write_json(directory / SELECTION_FILE, files.selection))
    if files.spoiled:
        directory.mkdir(parents=True, exist_ok=True)
        write_atomic(directory / SPOILED_FILE, b"".join(line + b"\n" for line in files.spoiled))
        written.append(directory / SPOILED_FILE)
    return written
