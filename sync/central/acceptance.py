"""Whether a central node accepts a sealed batch: pure decisions over a parsed batch and store facts.

DESIGN.md section 7, in the order the checks run (the first that fails names the verdict):

1. the batch is for this election and this node's mode (a test batch never reaches an
   official board), its kiosk is on the authority-signed roster, its header signature verifies;
2. the Merkle root over the leaves (so a damaged copy of a batch the node holds is refused,
   not called a duplicate); the header signature over that root vouches for every leaf, so
   each ballot's own signature is left to the tally and ``kiosk-central verify``;
3. a batch with the same kiosk and number already held: the same header is ``duplicate``
   (or ``held`` again while it waits), another header is ``conflicting_batch`` (the kiosk
   signed two different batch N: flagged, never accepted);
4. the chain link to batch N-1 from the same kiosk; an early batch whose N-1 the node does
   not hold yet is ``held`` (its signatures checked) and judged again when the gap fills;
5. every ballot: a ballot style of the election, a sealed form of that style's length, a token
   serial on the frozen roll for that style and mode, no serial twice in the batch, no serial
   this kiosk already spent in an accepted batch on another ballot (the same ballot bytes sent
   again in a later batch of the same kiosk are one ballot delivered twice: accepted, counted once).

All or nothing: any failure rejects the whole batch. A serial that *another* kiosk already
spent does not reject the batch (two kiosks offline at once cannot know; rejecting would
strand every later batch of the kiosk behind a broken chain): the batch is accepted, both
ballots are kept, and the ballot is reported in ``double_use`` for central staff. The tally
counts exactly one ballot per token (see :mod:`sync.central.tally`).

Nothing here reads a store or a clock: :func:`judge` is the one entry point; it asks the node's
:class:`FactSource` for :class:`KioskFacts` and :class:`TokenFacts` as the checks need them, and
the node records what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from kiosk.contract.ballot import SEALED_OVERHEAD, padded_length
from kiosk.contract.batch import BatchHeader, BatchProblem, SealedBatch, check_batch
from kiosk.contract.election import Election
from kiosk.contract.keys import VerifyKey
from kiosk.contract.merkle import root_from_leaf_hashes
from kiosk.contract.roster import Roster

ACCEPTED, DUPLICATE, HELD, REJECTED = "accepted", "duplicate", "held", "rejected"

# Stable reason codes of rejected batches (docs/formats.md lists them with what to do).
REASONS = ("wrong_election", "wrong_mode", "unknown_kiosk", "conflicting_batch", "bad_header_signature",
           "merkle_root_mismatch", "not_linked", "cumulative_mismatch",
           "unknown_style", "bad_sealed_length", "not_on_roll", "token_twice_in_batch", "token_already_spent")


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
class TokenFacts:
    """Per ballot (in batch order): its token reference, the roll entry, and who already spent it."""

    refs: tuple[bytes, ...]
    roll: dict[bytes, tuple[str, str] | None]
    spent_by: dict[bytes, frozenset[str]] = field(default_factory=dict)  # ref -> kiosk keys (hex)
    # refs whose ballot here is byte for byte the one this kiosk already has on the board for it
    resent: frozenset[bytes] = frozenset()


@dataclass(frozen=True)
class NodeContext:
    """The node's fixed facts: election, mode, roster."""

    election: Election
    mode: str
    roster: Roster
    sealed_lengths: dict[str, int] = field(default_factory=dict)  # style -> length; see sealed_lengths()


def sealed_lengths(election: Election) -> dict[str, int]:
    """The one length of every sealed form of each ballot style (computed once per node)."""
    return {s.id: padded_length(election, s.id) + SEALED_OVERHEAD for s in election.styles}


def rejected(reason: str, detail: str) -> Verdict:
    """A rejection naming its reason code and what is wrong."""
    return Verdict(REJECTED, reason, detail)


_rejected = rejected


def precheck(batch: SealedBatch, ctx: NodeContext) -> Verdict | None:
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


def judge_repeat(batch: SealedBatch, facts: KioskFacts) -> Verdict | None:
    """A verdict when the node already has a batch with this kiosk and number."""
    held = facts.same_number
    if held is None:
        return None
    if held.header_hash != batch.header.hash():
        return _rejected("conflicting_batch", f"the node holds another batch {batch.header.number} from this kiosk")
    return Verdict(DUPLICATE if held.accepted else HELD)


LINK_CODES = ("not_linked", "cumulative_mismatch")


def integrity_problems(batch: SealedBatch, ctx: NodeContext, previous: BatchHeader | None,
                       leaf_hashes: list[bytes]) -> list[BatchProblem]:
    """The Merkle root over the leaves, and the chain link (:func:`kiosk.contract.batch.check_batch`'s rules).

    Each ballot's own signature is not checked here: the header signature covers the Merkle
    root, which covers every leaf byte for byte (signatures included), so the batch is exactly
    what the kiosk signed. The tally and ``kiosk-central verify`` check every ballot's signature.
    """
    problems = []
    if root_from_leaf_hashes(leaf_hashes)[1].hex() != batch.header.merkle_root_hex:
        problems.append(BatchProblem("merkle_root_mismatch", "the Merkle root does not match the ballots"))
    # the header alone: check_batch's link rules without another pass over the ballots
    header_only = SealedBatch(batch.header, batch.signature, ())
    key = VerifyKey.from_hex(batch.header.kiosk_key_hex)
    return problems + [p for p in check_batch(header_only, ctx.election.fingerprint_hex, key, previous)
                       if p.code in LINK_CODES]


def judge_integrity(problems: list[BatchProblem]) -> Verdict | None:
    """Merkle root and every ballot's signature: rejected when the batch is not what the kiosk signed."""
    bad = [p for p in problems if p.code not in LINK_CODES]
    return _rejected(bad[0].code, bad[0].detail) if bad else None


def judge_link(batch: SealedBatch, problems: list[BatchProblem], previous: BatchHeader | None) -> Verdict | None:
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


def judge_ballots(batch: SealedBatch, ctx: NodeContext, tokens: TokenFacts) -> Verdict:
    """Ballot styles, sealed lengths, the roll, spent tokens: accepted (with double uses) or rejected."""
    kiosk, lengths = batch.header.kiosk_key_hex, ctx.sealed_lengths or sealed_lengths(ctx.election)
    seen: set[bytes] = set()
    double: list[bytes] = []
    for ballot, ref in zip(batch.ballots, tokens.refs, strict=True):
        if ballot.style not in lengths:
            return _rejected("unknown_style", f"ballot style {ballot.style} is not in this election")
        if len(ballot.sealed) != lengths[ballot.style]:
            return _rejected("bad_sealed_length", f"a sealed form has the wrong length for style {ballot.style}")
        if (bound := style_not_here(ctx, kiosk, ballot.style)) is not None:
            return bound
        if tokens.roll.get(ref) != (ctx.mode, ballot.style):
            return _rejected("not_on_roll", f"a token is not on the roll for style {ballot.style} in {ctx.mode} mode")
        if ref in seen:
            return _rejected("token_twice_in_batch", "two ballots of the batch carry the same token")
        seen.add(ref)
        spent = tokens.spent_by.get(ref, frozenset())
        if kiosk in spent and ref not in tokens.resent:
            return _rejected("token_already_spent", "a token this kiosk already spent in an accepted batch")
        if spent - {kiosk}:
            double.append(ref)
    return Verdict(ACCEPTED, double_use=tuple(double))


class FactSource(Protocol):
    """Where :func:`judge` asks for the store's facts, only as far as the checks go."""

    def kiosk_facts(self, header: BatchHeader) -> KioskFacts:
        """What the store holds under this kiosk: the same number, the accepted number - 1."""

    def token_facts(self, batch: SealedBatch) -> TokenFacts:
        """Every ballot's token reference, roll entry and spenders (read only for a linked batch)."""


def judge(batch: SealedBatch, ctx: NodeContext, leaf_hashes: list[bytes], facts: FactSource) -> Verdict:
    """The whole decision, in the order of the module docstring; the node calls only this.

    ``leaf_hashes`` are the batch's RFC 6962 leaf hashes in file order (the node slices them from
    the body with :func:`kiosk.contract.batch.ballot_leaves`). The store is asked for the
    kiosk's facts only after the precheck, and for the tokens only once the chain links, so a
    refused batch costs no roll lookup.
    """
    verdict = precheck(batch, ctx)
    if verdict:
        return verdict
    kiosk = facts.kiosk_facts(batch.header)
    problems = integrity_problems(batch, ctx, kiosk.previous, leaf_hashes)
    return (judge_integrity(problems) or judge_repeat(batch, kiosk) or judge_link(batch, problems, kiosk.previous)
            or judge_ballots(batch, ctx, facts.token_facts(batch)))
