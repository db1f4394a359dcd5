"""``kiosk-central ingest``: batches from USB sticks, judged by the same node by the same rules.

Each export folder's batches (checksums checked first, see :mod:`sync.usb`) go to
:meth:`CentralNode.submit` in number order, exactly as the bytes came; the result is a
summary per kiosk: verdicts, ballots accepted, and anything wrong with the stick.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kiosk.contract.keys import VerifyKey
from sync.central.node import CentralNode, Malformed
from sync.usb import DEFAULT_MAX_BATCH_BYTES, find_exports, read_export


@dataclass
class KioskSummary:
    """What one kiosk's export brought."""

    station: str
    kiosk: str  # key fingerprint
    folder: str
    verdicts: Counter = field(default_factory=Counter)
    ballots_accepted: int = 0
    other_mode: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and set(self.verdicts) <= {"accepted", "duplicate"}

    def to_json(self) -> dict:
        return {"station": self.station, "kiosk": self.kiosk, "folder": self.folder, "verdicts": dict(self.verdicts),
                "ballots_accepted": self.ballots_accepted, "other_mode": self.other_mode,
                "problems": self.problems, "ok": self.ok}


def ingest(node: CentralNode, paths: list[Path], progress: Callable[[int, int], None] | None = None,
           max_batch_bytes: int = DEFAULT_MAX_BATCH_BYTES) -> list[KioskSummary]:
    """Judge every batch found under ``paths``; ``progress(done, total)`` after each batch. Only plain
    files within their manifest size and ``max_batch_bytes`` are read (:func:`sync.usb.read_regular`)."""
    exports = [(folder, *read_export(folder, max_batch_bytes)) for folder in find_exports(paths)]
    total = sum(len(batches) for _, _, batches, _ in exports)
    if node.verify_queue is not None:  # every batch queued first: workers on other machines start at once
        from kiosk.contract.sealed_batch import BATCH_FORMAT, batch_format
        from sync.central.verify_queue import enqueue_valid
        enqueue_valid(node.verify_queue, [b.body for _, _, batches, _ in exports for b in batches
                                          if b.mode == node.mode and batch_format(b.body) == BATCH_FORMAT])
    done, out = 0, []
    for folder, manifest, batches, problems in exports:
        summary = KioskSummary(str(manifest["station"]), VerifyKey.from_hex(manifest["kiosk_key_hex"]).fingerprint,
                               str(folder), problems=list(problems))
        for batch in batches:
            if batch.mode != node.mode:
                summary.other_mode += 1  # a test batch never reaches an official board, and back
            else:
                result = node.submit(batch.body)
                if isinstance(result, Malformed):
                    summary.verdicts["malformed"] += 1
                    summary.problems.append(f"{batch.path.name}: {result.detail}")
                else:
                    summary.verdicts[result.ack.verdict] += 1
                    if result.ack.verdict == "accepted":
                        summary.ballots_accepted += result.ballots
                    if result.ack.reason:
                        summary.problems.append(f"{batch.path.name}: rejected ({result.ack.reason})")
            done += 1
            if progress:
                progress(done, total)
        out.append(summary)
    return out

