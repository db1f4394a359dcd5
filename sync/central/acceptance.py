"""The acceptance rules every batch meets, whatever its ballots: pure decisions over a parsed batch and store facts.

DESIGN.md section 7. :func:`sync.central.acceptance_v2.judge_v2` (the node's one entry point) runs
these first, in this order (the first that fails names the verdict), then its ballot rules:

1. the batch is for this election and this node's mode (a test batch never reaches an
   official board), its kiosk is on the authority-signed roster, its header signature verifies
   (:func:`precheck`);
2. the Merkle root over the leaves (so a damaged copy of a batch the node holds is refused,
   not called a duplicate) (:func:`integrity_problems`, :func:`judge_integrity`);
3. a batch with the same kiosk and number already held: the same header is ``duplicate``
   (or ``held`` again while it waits), another header is ``conflicting_batch`` (the kiosk
   signed two different batch N: flagged, never accepted) (:func:`judge_repeat`);
4. the chain link to batch N-1 from the same kiosk; an early batch whose N-1 the node does
   not hold yet is ``held`` (its signatures checked) and judged again when the gap fills
   (:func:`judge_link`).

Nothing here reads a store or a clock: the node's fact source answers :class:`KioskFacts`, and
the node records the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.contract.batch import BatchHeader, BatchProblem, SignedHeader, check_batch
from kiosk.contract.batch_v2 import SealedBatchV2
from kiosk.contract.election import Election
from kiosk.contract.keys import VerifyKey
from kiosk.contract.merkle import root_from_leaf_hashes
from kiosk.contract.roster import Roster

ACCEPTED, DUPLICATE, HELD, REJECTED = "accepted", "duplicate", "held", "rejected"

# Stable reason codes of rejected batches (docs/formats.md lists them with what to do).
REASONS = ("wrong_election", "wrong_mode", "unknown_kiosk", "conflicting_batch", "bad_header_signature",
           "merkle_root_mismatch", "not_linked", "cumulative_mismatch",
           "unknown_style", "not_on_roll", "token_twice_in_batch", "token_already_spent")


@dataclass(frozen=True)
class Verdict:
    """What the node decides about one batch; ``double_use`` lists token refs another kiosk spent."""

    verdict: str
    reason: str | None = None
    detail: str = ""
    double_use: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class HeldBatch:
    """A batch the store already has under the same kiosk and number."""

    header_hash: bytes
    accepted: bool  # False: held, waiting for its predecessor


@dataclass(frozen=True)
class KioskFacts:
    """What the store says about the batch's kiosk."""

    same_number: HeldBatch | None
    previous: BatchHeader | None  # the accepted batch number - 1, if any


@dataclass(frozen=True)
class NodeContext:
    """The node's fixed facts: election, mode, roster."""

    election: Election
    mode: str
    roster: Roster


def rejected(reason: str, detail: str) -> Verdict:
    """A rejection naming its reason code and what is wrong."""
    return Verdict(REJECTED, reason, detail)


_rejected = rejected


def precheck(batch: SealedBatchV2 | SignedHeader, ctx: NodeContext) -> Verdict | None:
    """Election, mode, roster, header signature: a verdict when the batch is refused before anything else."""
    h = batch.header
    if h.election_hex != ctx.election.fingerprint_hex:
        return _rejected("wrong_election", "the batch names another election")
    if h.mode != ctx.mode:
        return _rejected("wrong_mode", f"a {h.mode} batch sent to a {ctx.mode} node")
    if ctx.roster.kiosk(h.kiosk_key_hex) is None:
        return _rejected("unknown_kiosk", "the kiosk key is not on the roster")
    # before anything is compared with what the node holds: only the kiosk can claim a number
    if not VerifyKey.from_hex(h.kiosk_key_hex).is_valid(h.context, h.encoded(), batch.signature):
        return _rejected("bad_header_signature", "the header signature does not verify")
    return None


def judge_repeat(batch: SealedBatchV2, facts: KioskFacts) -> Verdict | None:
    """A verdict when the node already has a batch with this kiosk and number."""
    held = facts.same_number
    if held is None:
        return None
    if held.header_hash != batch.header.hash():
        return _rejected("conflicting_batch", f"the node holds another batch {batch.header.number} from this kiosk")
    return Verdict(DUPLICATE if held.accepted else HELD)


LINK_CODES = ("not_linked", "cumulative_mismatch")


def integrity_problems(batch: SealedBatchV2, ctx: NodeContext, previous: BatchHeader | None,
                       leaf_hashes: list[bytes]) -> list[BatchProblem]:
    """The Merkle root over the leaves, and the chain link (:func:`kiosk.contract.batch.check_batch`'s rules).

    Each ballot's own signatures and proofs are :mod:`sync.central.acceptance_v2`'s last check.
    """
    problems = []
    if root_from_leaf_hashes(leaf_hashes)[1].hex() != batch.header.merkle_root_hex:
        problems.append(BatchProblem("merkle_root_mismatch", "the Merkle root does not match the ballots"))
    # the header alone: check_batch's link rules without another pass over the ballots
    header_only = SignedHeader(batch.header, batch.signature)
    key = VerifyKey.from_hex(batch.header.kiosk_key_hex)
    return problems + [p for p in check_batch(header_only, ctx.election.fingerprint_hex, key, previous)
                       if p.code in LINK_CODES]


def judge_integrity(problems: list[BatchProblem]) -> Verdict | None:
    """Merkle root and every ballot's signature: rejected when the batch is not what the kiosk signed."""
    bad = [p for p in problems if p.code not in LINK_CODES]
    return _rejected(bad[0].code, bad[0].detail) if bad else None


def judge_link(batch: SealedBatchV2, problems: list[BatchProblem], previous: BatchHeader | None) -> Verdict | None:
    """The chain: ``held`` for an early batch, rejected for a broken link, None when it links."""
    if previous is None and batch.header.number > 1:
        return Verdict(HELD, detail=f"waiting for batch {batch.header.number - 1}")
    bad = [p for p in problems if p.code in LINK_CODES]
    return _rejected(bad[0].code, bad[0].detail) if bad else None


def style_not_here(ctx: NodeContext, kiosk_key_hex: str, style: str) -> Verdict | None:
    """A rejection when the package binds ``style`` to stations other than this kiosk's, else None."""
    entry = ctx.roster.kiosk(kiosk_key_hex)
    if entry is not None and not ctx.election.style_allowed(style, entry.station):
        return _rejected("style_not_here", f"the package binds ballot style {style} to other stations "
                                           f"than {entry.station}")
    return None
