"""Whether a central node accepts a batch of format 2 (issues 14 and 21): pure decisions over facts.

The rules every batch meets first (:mod:`sync.central.acceptance`; the first check that fails names
the verdict), then the ballot rules:

1. election, mode, roster, the header signature (context ``kiosk-batch-header/2``);
2. the Merkle root over the cast ballots' leaves, and the spoiled ballots' root;
3. the same kiosk and number already held (``duplicate``, ``held``, ``conflicting_batch``);
4. the chain link (an early batch is ``held``);
5. every ballot, cast and spoiled: a style of the election (``unknown_style``), an encrypted
   ballot of that style's one length (``bad_encrypted_length``), its token key on the frozen roll
   for that style and mode (``not_on_roll``); no token key twice among the cast ballots
   (``token_twice_in_batch``); no token key this kiosk already spent on another ballot
   (``token_already_spent``; the same bytes again are one ballot delivered twice);
6. both signatures and every proof of every ballot (``bad_token_signature``,
   ``bad_ballot_signature``, ``bad_proof``): the costly part, asked of the :class:`FactSourceV2`
   last, so that a batch refused by a cheap rule costs no proof check. The first ballot in file
   order (cast, then spoiled) with a failure names it.

All or nothing. A token key that *another* kiosk already spent is a double use (two kiosks offline
at once cannot know; refusing would strand every later batch of the kiosk): the batch is accepted, both ballots kept and set aside, and the node signs a record.
Spoiled ballots never spend a token: their token key may be cast in the same batch or later.
A stolen kiosk key cannot make a ballot under another token's key: that needs the token's serial,
which never leaves the kiosk that read it (issue 21).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from kiosk.contract.batch import BatchHeader, BatchProblem
from kiosk.contract.batch_v2 import SealedBatchV2
from kiosk.contract.crypto.encrypted_ballot import encrypted_length
from kiosk.contract.merkle import merkle_root
from sync.central import acceptance as acc

REASONS_V2 = ("wrong_format", "spoiled_root_mismatch", "bad_encrypted_length", "bad_token_signature", "bad_proof",
              "bad_ballot_signature")


@dataclass(frozen=True)
class BallotFailure:
    """One ballot that does not verify: its place (cast ballots first, then spoiled), a code, what failed."""

    index: int
    code: str
    detail: str


@dataclass(frozen=True)
class TokenFactsV2:
    """Per cast ballot and per spoiled ballot: the roll entry of its token key; who already spent it."""

    roll: dict[bytes, tuple[str, str] | None]
    spent_by: dict[bytes, frozenset[str]] = field(default_factory=dict)
    resent: frozenset[bytes] = frozenset()  # token keys whose ballot here is the one this kiosk already sent


def encrypted_lengths(election) -> dict[str, int]:
    """The one length of every encrypted ballot of each style (computed once per node)."""
    return {s.id: encrypted_length(election, s.id) for s in election.styles}


class FactSourceV2(Protocol):
    """Where :func:`judge_v2` asks for the store's facts and the ballots' verification."""

    def kiosk_facts(self, header: BatchHeader) -> acc.KioskFacts:
        """What the store holds under this kiosk: the same number, the accepted number - 1."""

    def token_facts_v2(self, batch: SealedBatchV2) -> TokenFactsV2:
        """The roll entries and spenders of every token key of the batch."""

    def ballot_failures(self, batch: SealedBatchV2) -> list[BallotFailure]:
        """Every ballot whose signatures or proofs fail (in index order), however it is computed."""


def spoiled_problems(batch: SealedBatchV2) -> list[BatchProblem]:
    """The spoiled ballots' root against the header's."""
    if merkle_root(s.leaf() for s in batch.spoiled).hex() != batch.header.spoiled_root_hex:
        return [BatchProblem("spoiled_root_mismatch", "the spoiled ballots' root does not match them")]
    return []


def judge_tokens_v2(batch: SealedBatchV2, ctx: acc.NodeContext, lengths: dict[str, int],
                    tokens: TokenFactsV2) -> acc.Verdict | None:
    """Styles, lengths, the roll, tokens twice or already spent: a rejection, or None (double uses follow)."""
    kiosk = batch.header.kiosk_key_hex
    every = list(batch.ballots) + [s.ballot for s in batch.spoiled]
    for ballot in every:
        if ballot.style not in lengths:
            return acc.rejected("unknown_style", f"ballot style {ballot.style} is not in this election")
        if len(ballot.encrypted) != lengths[ballot.style]:
            return acc.rejected("bad_encrypted_length",
                                 f"an encrypted ballot has the wrong length for style {ballot.style}")
        if (bound := acc.style_not_here(ctx, kiosk, ballot.style)) is not None:
            return bound
        if tokens.roll.get(ballot.token_key) != (ctx.mode, ballot.style):
            return acc.rejected("not_on_roll", f"a token key is not on the roll for style {ballot.style} "
                                                f"in {ctx.mode} mode")
    seen: set[bytes] = set()
    for ballot in batch.ballots:
        if ballot.token_key in seen:
            return acc.rejected("token_twice_in_batch", "two cast ballots of the batch carry the same token key")
        seen.add(ballot.token_key)
        if kiosk in tokens.spent_by.get(ballot.token_key, ()) and ballot.token_key not in tokens.resent:
            return acc.rejected("token_already_spent", "a token this kiosk already spent in an accepted batch")
    return None


def double_uses_v2(batch: SealedBatchV2, tokens: TokenFactsV2) -> tuple[bytes, ...]:
    """The cast ballots' token keys another kiosk already spent (the node keeps those whose ballots differ)."""
    kiosk = batch.header.kiosk_key_hex
    return tuple(b.token_key for b in batch.ballots if tokens.spent_by.get(b.token_key, frozenset()) - {kiosk})


def judge_v2(batch: SealedBatchV2, ctx: acc.NodeContext, leaf_hashes: list[bytes], facts: FactSourceV2,
             lengths: dict[str, int] | None = None) -> acc.Verdict:
    """The whole decision on a format-2 batch, in the order of the module docstring."""
    verdict = acc.precheck(batch, ctx)  # type: ignore[arg-type]  (format 2's header names its context)
    if verdict:
        return verdict
    kiosk = facts.kiosk_facts(batch.header)
    problems = acc.integrity_problems(batch, ctx, kiosk.previous, leaf_hashes) + spoiled_problems(batch)  # type: ignore
    verdict = (acc.judge_integrity(problems) or acc.judge_repeat(batch, kiosk)  # type: ignore[arg-type]
               or acc.judge_link(batch, problems, kiosk.previous))  # type: ignore[arg-type]
    if verdict:
        return verdict
    tokens = facts.token_facts_v2(batch)
    verdict = judge_tokens_v2(batch, ctx, lengths or encrypted_lengths(ctx.election), tokens)
    if verdict:
        return verdict
    failures = facts.ballot_failures(batch)
    if failures:
        first = failures[0]
        return acc.rejected(first.code, first.detail)
    return acc.Verdict(acc.ACCEPTED, double_use=double_uses_v2(batch, tokens))
