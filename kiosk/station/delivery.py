"""Which central nodes hold which batch: the outbox beside the acknowledgements (read-only).

The sync daemon writes each node's acknowledgement of a batch to
``DATA/acks/<mode>/<node id>/batch-NNNNNN.json`` (the exact bytes the node signed). The
booth's status page and the results tape call :func:`deliveries` and
:func:`closing_acknowledged_by`; an acknowledgement counts only if the node key listed in the
station's election package signed it and it names the very batch in the outbox (same kiosk,
number and header hash). Files that do not check are reported, never trusted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.contract.ack import Acknowledgement, BatchRef, parse_ack
from kiosk.contract.batch import MODES, BatchHeader
from kiosk.contract.sealed_batch import sealed_header_from_json
from kiosk.contract.canonical import parse_json
from kiosk.station.datadir import DataDir
from kiosk.contract.election import Election
from kiosk.errors import FormatError, KioskError
from kiosk.files import write_atomic
from kiosk.contract.keys import VerifyKey

BATCH_FILE = re.compile(r"\Abatch-(\d{6})\.json\Z")


@dataclass(frozen=True)
class OutboxBatch:
    """A batch file in the outbox and its header."""

    path: Path
    header: BatchHeader

    @property
    def ref(self) -> BatchRef:
        return BatchRef.of(self.header)


@dataclass
class BatchDelivery:
    """One outbox batch and the verified acknowledgement each node gave it."""

    batch: OutboxBatch
    acks: dict[str, Acknowledgement] = field(default_factory=dict)

    @property
    def acknowledged_by(self) -> list[str]:
        """Nodes that hold the batch for good (accepted or duplicate), sorted."""
        return sorted(n for n, a in self.acks.items() if a.delivered)

    def to_json(self) -> dict:
        h = self.batch.header
        return {"mode": h.mode, "number": h.number, "count": h.count, "polls_closed": h.polls_closed,
                "header_hex": h.hash().hex(), "acknowledged_by": self.acknowledged_by,
                "verdicts": {n: a.verdict if a.reason is None else f"{a.verdict}: {a.reason}"
                             for n, a in sorted(self.acks.items())}}


def read_header(path: Path) -> BatchHeader:
    """The header of a batch file (the whole file is checked where it matters: at the node)."""
    top = parse_json(Path(path).read_bytes(), str(path))
    if not isinstance(top, dict) or "header" not in top:
        raise FormatError(f"{path} is not a sealed batch")
    return sealed_header_from_json(top["header"])


def outbox_batches(data: DataDir, mode: str) -> list[OutboxBatch]:
    """The mode's batch files in number order (names and headers must agree)."""
    folder = data.outbox / mode
    out = []
    for path in sorted(folder.glob("batch-*.json")) if folder.is_dir() else []:
        match = BATCH_FILE.match(path.name)
        if match:
            header = read_header(path)
            if (header.number, header.mode) != (int(match.group(1)), mode):
                raise FormatError(f"{path} holds batch {header.number} ({header.mode}), not what its name says",
                                  hint="run kiosk verify")
            out.append(OutboxBatch(path, header))
    return out


def ack_path(data: DataDir, mode: str, node_id: str, number: int) -> Path:
    """Where a node's acknowledgement of batch ``number`` is kept."""
    return data.acks / mode / node_id / f"batch-{number:06d}.json"


def check_ack(raw: bytes, node_key: VerifyKey, node_id: str, election_hex: str, batch: OutboxBatch) -> Acknowledgement:
    """Verify an acknowledgement from ``node_id`` about ``batch``; KioskError naming what is wrong."""
    ack = parse_ack(raw, node_key)
    if ack.node_id != node_id or ack.election_hex != election_hex or ack.mode != batch.header.mode:
        raise FormatError(f"an acknowledgement from {node_id} names another node, election or mode")
    if ack.batch != batch.ref:
        raise FormatError(f"node {node_id} acknowledged another batch than {batch.path.name}",
                          hint="the node holds a different batch under this number: tell central staff")
    return ack


def save_ack(data: DataDir, ack: Acknowledgement, raw: bytes) -> bool:
    """Keep a checked acknowledgement atomically; an earlier delivered one is never replaced.

    Returns True when the file was written.
    """
    path = ack_path(data, ack.mode, ack.node_id, ack.batch.number)
    if path.exists():
        try:
            old = parse_ack(path.read_bytes(), None)
            if old.delivered and old.batch == ack.batch:
                return False  # the first proof of delivery stays
        except KioskError:
            pass  # a damaged file is replaced by a good one
    write_atomic(path, raw)
    return True


def node_keys(election: Election) -> dict[str, VerifyKey]:
    """Node id -> key, as the election package lists them."""
    return {n.id: VerifyKey.from_hex(n.key_hex) for n in election.nodes}


def deliveries(root: Path, election: Election, modes: tuple[str, ...] = MODES) -> tuple[list[BatchDelivery], list[str]]:
    """Every outbox batch with its verified acknowledgements, and the ack files that did not check."""
    data, keys = DataDir(Path(root)), node_keys(election)
    out, bad = [], []
    for mode in modes:
        for batch in outbox_batches(data, mode):
            delivery = BatchDelivery(batch)
            for node_id, key in keys.items():
                path = ack_path(data, mode, node_id, batch.header.number)
                if path.exists():
                    try:
                        delivery.acks[node_id] = check_ack(path.read_bytes(), key, node_id,
                                                           election.fingerprint_hex, batch)
                    except KioskError as e:
                        bad.append(f"{path.relative_to(data.root)}: {e.message}")
            out.append(delivery)
    return out, bad


def closing_acknowledged_by(root: Path, election: Election, mode: str) -> list[str]:
    """The nodes that hold the closing batch (the results tape lists them); empty before the close."""
    found, _ = deliveries(root, election, (mode,))
    closing = [d for d in found if d.batch.header.polls_closed]
    return closing[-1].acknowledged_by if closing else []
