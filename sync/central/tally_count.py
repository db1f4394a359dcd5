"""``kiosk-central tally`` of a format-2 election: aggregates published, then the trustees' partials combined.

No ballot is decrypted and no election secret key exists anywhere; the node holds nothing more
than any observer of its record (:mod:`sync.central.record_check` re-derives all of it).

1. ``tally --aggregates`` (after every station closed, or ``--override-open-stations``, logged):
   the board's ballots, double uses set aside unless decided (:func:`sync.central.count.counted_leaves`),
   their aggregates written to ``DATA/record-MODE/aggregates.json`` (the partials and results of an
   earlier file removed from the record) for the trustees, who each run
   ``kiosk-central trustee decrypt`` on their own machine and bring back a partial decryption.
2. ``tally --partials FILE...``: the aggregates recomputed from the board and compared with the
   published file (a board that moved since is refused: publish again), every partial's proofs
   checked (a wrong one refused naming the trustee), any k combined, the counts read; the partials
   and the results are added to the record, and the :class:`TallyReport` (:mod:`sync.central.tally`:
   reconciliation per station and style, double-use findings, results) is filled.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Sequence

from kiosk.contract.canonical import parse_json
from kiosk.contract.crypto.records import Aggregates
from kiosk.contract.double_use import load_decisions
from kiosk.contract.tally_rules import contest_results
from kiosk.errors import FormatError, KioskError, ProofError
from sync.central.count import BoardBallot, Counted, ElectionKey, aggregates_of, ballots_of, count_of, \
    counted_leaves, decrypted_counts, parse_partials
from sync.central.node import CentralNode
from sync.central.record_files import AGGREGATES_FILE, PARTIALS_DIR, RESULTS_FILE, node_record_dir, partial_name, \
    remove_selection, write_json
from sync.central.tally import TallyReport, _stations, _styles, open_stations

log = logging.getLogger(__name__)


def board_ballots(node: CentralNode) -> list[BoardBallot]:
    """Every format-2 ballot on the node's board with its leaf index and kiosk."""
    return [BoardBallot(leaf.index, leaf.kiosk_key_hex, leaf.ballot) for leaf in node.store.leaves()]


def _counted(node: CentralNode, override_open: bool) -> tuple[Counted, list[str], int]:
    still_open = open_stations(node, node.roster)
    if still_open and not override_open:
        raise KioskError(f"{len(still_open)} stations have not closed: {', '.join(still_open[:10])}",
                         hint="wait for their closing batches, or use --override-open-stations (logged)")
    if still_open:
        log.warning("TALLY WITH OPEN STATIONS (override by central staff): %s", ", ".join(still_open))
    decisions = load_decisions(node.election_dir, node.election.fingerprint_hex, node.authority)
    board = board_ballots(node)
    return counted_leaves(board, decisions), still_open, len(board)


def publish_aggregates(node: CentralNode, override_open: bool = False) -> tuple[Aggregates, Path]:
    """Step 1: the aggregates the trustees decrypt, written into the node's record."""
    counted, _, _ = _counted(node, override_open)
    aggregates = aggregates_of(node.election, ballots_of(node.election, counted.ballots))
    folder = node_record_dir(node.data_dir, node.mode)
    # partials and results of earlier aggregates no longer belong to the record: the trustees
    # decrypt the new file, and the record holds one consistent count
    stale = [folder / RESULTS_FILE, folder / "results.csv", *sorted((folder / PARTIALS_DIR).glob("trustee-*.json"))]
    for old in stale:
        old.unlink(missing_ok=True)
    remove_selection(folder)
    path = write_json(folder / AGGREGATES_FILE, aggregates.to_json())
    return aggregates, path


def read_partial_files(paths: Sequence[Path]) -> list[object]:
    """The bodies of partial decryption files (``trustee decrypt --out``)."""
    out = []
    for path in paths:
        try:
            out.append(parse_json(Path(path).read_bytes(), f"partial decryption {path}"))
        except OSError as e:
            raise FormatError(f"cannot read partial decryption {path}: {e.strerror}", "check the path given") from e
    return out


def tally_partials(node: CentralNode, partial_files: Sequence[Path], override_open: bool = False) -> TallyReport:
    """Step 2 (see the module docstring); the partials are added to the node's record."""
    key = ElectionKey.of(node.election)
    counted, still_open, _ = _counted(node, override_open)
    ballots = ballots_of(node.election, counted.ballots)
    aggregates = aggregates_of(node.election, ballots)
    published_path = node_record_dir(node.data_dir, node.mode) / AGGREGATES_FILE
    if not published_path.is_file():
        raise KioskError("no aggregates published yet", hint="run `kiosk-central tally --aggregates` first, and give "
                                                             "its file to the trustees")
    if Aggregates.from_json(parse_json(published_path.read_bytes(), AGGREGATES_FILE)) != aggregates:
        raise ProofError("the board's counted ballots no longer give the published aggregates (a batch arrived or "
                         "a decision was made since)",
                         hint="publish the aggregates again (tally --aggregates) and ask the trustees to decrypt them")
    bodies = read_partial_files(partial_files)
    partials = parse_partials(key, aggregates, bodies)
    counts = decrypted_counts(key, aggregates, partials, node.election)
    for partial, body in zip(partials, bodies):
        write_json(node_record_dir(node.data_dir, node.mode) / partial_name(partial.index), body)
    count = count_of(node.election, ballots, aggregates, counts)
    return TallyReport(node.election.id, node.mode, _stations(node, node.roster, still_open, counted.set_aside),
                       _styles(node, count.ballots_by_style), counted.double_uses, len(counted.ballots), Counter(),
                       contest_results(node.election, count), node.election.privacy_floor, still_open)
