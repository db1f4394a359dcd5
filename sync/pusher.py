"""One delivery round to one node: ask what it holds, push what it lacks in order, keep its acks.

A round reads only the outbox (never the kiosk's stores) and ``station.json``; it writes only
acknowledgements, each checked before it is kept: signed by the key the election package
lists for that node, naming the very batch that was sent. The node decides; the round only
plans (:func:`plan`, pure) and carries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from kiosk.contract.ack import Acknowledgement
from kiosk.station.datadir import DataDir, read_config
from kiosk.station.delivery import OutboxBatch, ack_path, check_ack, outbox_batches, save_ack
from kiosk.contract.election import Election
from kiosk.errors import KioskError
from kiosk.contract.keys import VerifyKey
from sync.client import NodeClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NodeTarget:
    """A node to deliver to: its id and key from the election package, and where it answers."""

    node_id: str
    url: str
    key: VerifyKey


@dataclass
class RoundResult:
    """What one round achieved with one node."""

    node_id: str
    mode: str | None = None
    total: int = 0
    delivered: int = 0
    pushed: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    error: str | None = None
    error_origin: str | None = None  # the failed round's error origin (kiosk/errors.py): its exit code

    @property
    def ok(self) -> bool:
        """Every outbox batch of the node's mode is held by the node."""
        return self.error is None and not self.rejected and self.delivered == self.total

    def to_json(self) -> dict:
        return {"node_id": self.node_id, "mode": self.mode, "total": self.total, "delivered": self.delivered,
                "pushed": self.pushed, "rejected": [{"number": n, "reason": r} for n, r in self.rejected],
                "error": self.error, "ok": self.ok}


def plan(numbers: list[int], delivered: set[int], accepted_through: int) -> list[int]:
    """Batches to send, in order: what the node lacks, and what it holds but we hold no ack for.

    Sending a batch the node already holds is harmless (it answers ``duplicate``, signed),
    and it is how a kiosk whose answer was lost gets its proof of delivery.
    """
    return [n for n in numbers if n > accepted_through or n not in delivered]


def _delivered(data: DataDir, target: NodeTarget, election: Election, batch: OutboxBatch) -> bool:
    path = ack_path(data, batch.header.mode, target.node_id, batch.header.number)
    if not path.exists():
        return False
    try:
        return check_ack(path.read_bytes(), target.key, target.node_id, election.fingerprint_hex, batch).delivered
    except KioskError:
        return False


def push_round(data: DataDir, election: Election, target: NodeTarget, client: NodeClient) -> RoundResult:
    """Deliver the outbox to one node once; failures are in the result, never raised."""
    result = RoundResult(target.node_id)
    try:
        _push(data, election, target, client, result)
    except KioskError as e:
        result.error, result.error_origin = e.message, e.origin
        log.warning("node %s: %s", target.node_id, e.message)
    return result


def _push(data: DataDir, election: Election, target: NodeTarget, client: NodeClient, result: RoundResult) -> None:
    info = client.info()
    if info.get("node_key_hex") != target.key.hex or info.get("election_hex") != election.fingerprint_hex:
        raise KioskError(f"the node at {target.url} is not node {target.node_id} of this election",
                         hint="check the node URLs given with --node or in the election package")
    mode = info.get("mode")
    if mode not in ("official", "test"):
        raise KioskError(f"the node at {target.url} names no mode")
    result.mode = mode
    batches = outbox_batches(data, mode)
    result.total = len(batches)
    if not batches:
        return
    delivered = {b.header.number for b in batches if _delivered(data, target, election, b)}
    result.delivered = len(delivered)
    through = client.accepted_through(read_config(data).kiosk_key_hex)
    by_number = {b.header.number: b for b in batches}
    for number in plan(sorted(by_number), delivered, through):
        batch = by_number[number]
        raw = client.submit(batch.path.read_bytes())
        result.pushed += 1
        ack = check_ack(raw, target.key, target.node_id, election.fingerprint_hex, batch)
        save_ack(data, ack, raw)
        _note(result, ack, number in delivered)
        if ack.verdict == "rejected":
            return  # later batches cannot link past a refused one: tell staff, try again later
        if ack.delivered:
            delivered.add(number)


def _note(result: RoundResult, ack: Acknowledgement, already: bool) -> None:
    n = ack.batch.number
    if ack.delivered and not already:
        result.delivered += 1
    if ack.verdict == "rejected":
        result.rejected.append((n, ack.reason))
        log.error("node %s rejected batch %d: %s", result.node_id, n, ack.reason)
    else:
        log.info("node %s: batch %d %s", result.node_id, n, ack.verdict)
