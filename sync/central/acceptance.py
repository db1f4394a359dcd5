"""Whether a central node accepts a batch (issues 14 and 21): pure decisions over a parsed batch and store facts.

DESIGN.md section 7. :func:`judge` (the node's one entry point) runs these checks in this order
(the first that fails names the verdict):

1. the batch is for this election and this node's mode (a test batch never reaches an
   official board), its kiosk is on the authority-signed roster, its header signature verifies
   (context ``kiosk-batch-header/2``) (:func:`precheck`);
2. the Merkle root over the cast ballots' leaves (so a damaged copy of a batch the node holds is
   refused, not called a duplicate), and the spoiled ballots' root (:func:`integrity_problems`,
   :func:`spoiled_problems`, :func:`judge_integrity`);
3. a batch with the same kiosk and number already held: the same header is ``duplicate``
   (or ``held`` again while it waits), another header is ``conflicting_batch`` (the kiosk
   signed two different batch N: flagged, never accepted) (:func:`judge_repeat`);
4. the chain link to batch N-1 from the same kiosk; an early batch whose N-1 the node does
   not hold yet is ``held`` (its signatures checked) and judged again when the gap fills
   (:func:`judge_link`);
5. every ballot, cast and spoiled: a style of the election (``unknown_style``), an encrypted
   ballot of that style's one length (``bad_encrypted_length``), its token key on the frozen roll
   for that style and mode (``not_on_roll``); no token key twice among the cast ballots
   (``token_twice_in_batch``); no token key this kiosk already spent on another ballot
   (``token_already_spent``; the same bytes again are one ballot delivered twice) (:func:`judge_tokens`);
6. both signatures and every proof of every ballot (``bad_token_signature``,
   ``bad_ballot_signature``, ``bad_proof``): the costly part, asked of the :class:`FactSource`
   last, so that a batch refused by a cheap rule costs no proof check. The first ballot in file
   order (cast, then spoiled) with a failure names it.

All or nothing. A token key that *another* kiosk already spent is a double use (two kiosks offline
at once cannot know; refusing would strand every later batch of the kiosk): the batch is accepted, both ballots kept and set aside, and the node signs a record.
Spoiled ballots never spend a token: their token key may be cast in the same batch or later.
A stolen kiosk key cannot make a ballot under another token's key: that needs the token's serial,
which never leaves the kiosk that read it (issue 21).

Nothing here reads a store or a clock: the node's fact source answers :class:`KioskFacts` and
:class:`TokenFacts`, and the node records the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from kiosk.contract.batch import BatchHeader, BatchProblem, SignedHeader, check_batch
from kiosk.contract.sealed_batch import SealedBatch
from kiosk.contract.crypto.encrypted_ballot import encrypted_length
from kiosk.contract.election import Election
from kiosk.contract.keys import VerifyKey
from kiosk.contract.merkle import merkle_root, root_from_leaf_hashes
from kiosk.contract.roster import Roster

ACCEPTED, DUPLICATE, HELD, REJECTED = "accepted", "duplicate", "held", "rejected"

# Stable reason codes of rejected batches, in the order docs/formats.md lists them (with what they mean).
REASONS = ("wrong_election", "wrong_mode", "unknown_kiosk", "bad_header_signature", "wrong_format",
           "merkle_root_mismatch", "spoiled_root_mismatch", "conflicting_batch", "not_linked", "cumulative_mismatch",
           "unknown_style", "bad_encrypted_length", "style_not_here", "not_on_roll", "token_twice_in_batch",
           "token_already_spent", "bad_token_signature", "bad_ballot_signature", "bad_proof")


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


def precheck(batch: SealedBatch | SignedHeader, ctx: NodeContext) -> Verdict | None:
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

    Each ballot's own signatures and proofs are :func:`judge`'s last check.
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


@dataclass(frozen=True)
class BallotFailure:
    """One ballot that does not verify: its place (cast ballots first, then spoiled), a code, what failed."""

    index: int
    code: str
    detail: str


@dataclass(frozen=True)
class TokenFacts:
    """Per cast ballot and per spoiled ballot: the roll entry of its token key; who already spent it."""

    roll: dict[bytes, tuple[str, str] | None]
    spent_by: dict[bytes, frozenset[str]] = field(default_factory=dict)
    resent: frozenset[bytes] = frozenset()  # token keys whose ballot here is the one this kiosk already sent


def encrypted_lengths(election) -> dict[str, int]:
    """The one length of every encrypted ballot of each style (computed once per node)."""
    return {s.id: encrypted_length(election, s.id) for s in election.styles}


class FactSource(Protocol):
    """Where :func:`judge` asks for the store's facts and the ballots' verification."""

    def kiosk_facts(self, header: BatchHeader) -> KioskFacts:
        """What the store holds under this kiosk: the same number, the accepted number - 1."""

    def token_facts(self, batch: SealedBatch) -> TokenFacts:
        """The roll entries and spenders of every token key of the batch."""

    def ballot_failures(self, batch: SealedBatch) -> list[BallotFailure]:
        """Every ballot whose signatures or proofs fail (in index order), however it is computed."""


def spoiled_problems(batch: SealedBatch) -> list[BatchProblem]:
    """The spoiled ballots' root against the header's."""
    if merkle_root(s.leaf() for s in batch.spoiled).hex() != batch.header.spoiled_root_hex:
        return [BatchProblem("spoiled_root_mismatch", "the spoiled ballots' root does not match them")]
    return []


def judge_tokens(batch: SealedBatch, ctx: NodeContext, lengths: dict[str, int],
                 tokens: TokenFacts) -> Verdict | None:
    """Styles, lengths, the roll, tokens twice or already spent: a rejection, or None (double uses follow)."""
    kiosk = batch.header.kiosk_key_hex
    every = list(batch.ballots) + [s.ballot for s in batch.spoiled]
    for ballot in every:
        if ballot.style not in lengths:
            return rejected("unknown_style", f"ballot style {ballot.style} is not in this election")
        if len(ballot.encrypted) != lengths[ballot.style]:
            return rejected("bad_encrypted_length",
                            f"an encrypted ballot has the wrong length for style {ballot.style}")
        if (bound := style_not_here(ctx, kiosk, ballot.style)) is not None:
            return bound
        if tokens.roll.get(ballot.token_key) != (ctx.mode, ballot.style):
            return rejected("not_on_roll", f"a token key is not on the roll for style {ballot.style} "
                                            f"in {ctx.mode} mode")
    seen: set[bytes] = set()
    for ballot in batch.ballots:
        if ballot.token_key in seen:
            return rejected("token_twice_in_batch", "two cast ballots of the batch carry the same token key")
        seen.add(ballot.token_key)
        if kiosk in tokens.spent_by.get(ballot.token_key, ()) and ballot.token_key not in tokens.resent:
            return rejected("token_already_spent", "a token this kiosk already spent in an accepted batch")
    return None


def double_uses(batch: SealedBatch, tokens: TokenFacts) -> tuple[bytes, ...]:
    """The cast ballots' token keys another kiosk already spent (the node keeps those whose ballots differ)."""
    kiosk = batch.header.kiosk_key_hex
    return tuple(b.token_key for b in batch.ballots if tokens.spent_by.get(b.token_key, frozenset()) - {kiosk})


def judge(batch: SealedBatch, ctx: NodeContext, leaf_hashes: list[bytes], facts: FactSource,
          lengths: dict[str, int] | None = None) -> Verdict:
    """The whole decision on a format-2 batch, in the order of the module docstring."""
    verdict = precheck(batch, ctx)  # type: ignore[arg-type]  (format 2's header names its context)
    if verdict:
        return verdict
    kiosk = facts.kiosk_facts(batch.header)
    problems = integrity_problems(batch, ctx, kiosk.previous, leaf_hashes) + spoiled_problems(batch)  # type: ignore
    verdict = (judge_integrity(problems) or judge_repeat(batch, kiosk)  # type: ignore[arg-type]
               or judge_link(batch, problems, kiosk.previous))  # type: ignore[arg-type]
    if verdict:
        return verdict
    tokens = facts.token_facts(batch)
    verdict = judge_tokens(batch, ctx, lengths or encrypted_lengths(ctx.election), tokens)
    if verdict:
        return verdict
    failures = facts.ballot_failures(batch)
    if failures:
        first = failures[0]
        return rejected(first.code, first.detail)
    return Verdict(ACCEPTED, double_use=double_uses(batch, tokens))
