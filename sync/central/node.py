"""A central node: receives sealed batches, judges them, keeps the board, signs acknowledgements.

The same :class:`CentralNode` stands behind the HTTP service (:mod:`sync.central.app`) and
the USB import (``kiosk-central ingest``), so a batch is judged by the same rules whichever
way it came. The decisions are :mod:`sync.central.acceptance`'s; this module gathers the facts
they need from the store and the roll, records the outcome in one transaction, and signs.

Layout of a node's data directory::

    DATA/node.key               the node's Ed25519 key (mode 0600; signs acknowledgements)
    DATA/store-official.sqlite  the official board (or store-test.sqlite for a test node),
                                unless --db names a PostgreSQL database
    DATA/double-uses/MODE/REF.json  a signed record of each doubly used token the node caught
                                (:mod:`kiosk.contract.double_use`)
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kiosk.contract.ack import Acknowledgement, BatchRef, Checkpoint, sign_ack
from kiosk.contract.batch import MODES, BatchHeader, SignedHeader
from kiosk.contract.sealed_batch import SealedBatch, parse_any_batch
from kiosk.contract.election import FORMAT_1_BATCH
from kiosk.contract.double_use import RECORD_CONTEXT, RECORDS_DIR, UsedBallot, distinct_ballots, record_body
from kiosk.contract.envelope import seal_envelope, write_envelope
from kiosk.errors import FormatError, KioskError
from kiosk.contract.keys import VerifyKey, load_signing_key
from kiosk.contract.merkle import leaf_hashes
from kiosk.contract.package import load_package
from kiosk.contract.roster import ROSTER_FILE, Roster, load_roster
from sync.central import acceptance as acc
from sync.central.proof_pool import check_sealed_all
from sync.central.store import NodeMeta, NodeStore
from sync.central.stores import open_store

log = logging.getLogger(__name__)
NODE_KEY = "node.key"
UNSTORED_REASONS = ("wrong_election", "wrong_mode", "unknown_kiosk", "bad_header_signature")


@dataclass(frozen=True)
class Submitted:
    """A judged batch: the signed acknowledgement's bytes, what it says, the batch's ballot count."""

    ack: Acknowledgement
    ack_bytes: bytes
    ballots: int


@dataclass(frozen=True)
class Malformed:
    """A body that is not a sealed batch at all: nothing to acknowledge, only a reason."""

    reason: str
    detail: str


class _StoreFacts:
    """The store's and the roll's answers to :func:`acceptance.judge`'s questions (it asks; this reads).

    The token references it computed are kept: the node stores them with an accepted batch.
    """

    def __init__(self, node: "CentralNode") -> None:
        self.node, self.refs = node, ()

    def kiosk_facts(self, header: BatchHeader) -> acc.KioskFacts:
        store = self.node.store
        same = store.accepted_header(header.kiosk_key_hex, header.number)
        held = store.held_hash(header.kiosk_key_hex, header.number) if same is None else None
        previous = store.accepted_header(header.kiosk_key_hex, header.number - 1) if header.number > 1 else None
        return acc.KioskFacts(acc.HeldBatch(same.header_hash, True) if same else
                              acc.HeldBatch(held, False) if held else None,
                              previous.header if previous else None)

    def token_facts(self, batch: SealedBatch) -> acc.TokenFacts:
        self.refs = tuple(b.token_key for b in batch.ballots)  # the board keeps token keys, never serials
        keys = list(dict.fromkeys(self.refs + tuple(s.ballot.token_key for s in batch.spoiled)))
        spent = self.node.store.spent_by(self.refs)
        return acc.TokenFacts(self.node.roll.lookup_many(keys), spent,
                              resent_ballots(self.node.store, batch, self.refs, spent))

    def ballot_failures(self, batch: SealedBatch) -> list[acc.BallotFailure]:
        node = self.node
        if node.verify_queue is not None:  # verdicts of the workers on other machines (sync/central/verify_queue.py)
            from sync.central.verify_queue import recorded_failures
            found = recorded_failures(node.verify_queue, batch.header.hash(), node.public_key, node.election,
                                      node.verify_workers)
            if found is not None:
                return [acc.BallotFailure(*f) for f in found]
        kiosk = batch.header.kiosk_key_hex
        items = [(kiosk, b) for b in batch.ballots] + [(kiosk, s.ballot) for s in batch.spoiled]
        return [acc.BallotFailure(i, code, detail) for i, code, detail in
                check_sealed_all(self.node.public_key, self.node.election, items, self.node.verify_workers)]


def resent_ballots(store: NodeStore, batch, refs: tuple[bytes, ...], spent: dict[bytes, frozenset[str]]) -> frozenset:
    """The refs whose ballot in ``batch`` is byte for byte every ballot its kiosk already has on the board
    for that token: one ballot delivered again (a restored store re-sealing it), not a second use."""
    kiosk = batch.header.kiosk_key_hex
    mine = {ref: ballot for ballot, ref in zip(batch.ballots, refs) if kiosk in spent.get(ref, ())}
    if not mine:
        return frozenset()
    held = store.token_leaves(mine)
    return frozenset(ref for ref, ballot in mine.items()
                     if all(leaf.ballot == ballot for leaf in held.get(ref, []) if leaf.kiosk_key_hex == kiosk))


def store_path(data: Path, mode: str) -> Path:
    """Where a node keeps its board for a mode."""
    return Path(data) / f"store-{mode}.sqlite"


class CentralNode:
    """One node for one election and one mode (official or test: never both in one store)."""

    def __init__(self, election_dir: Path, data_dir: Path, mode: str = "official",
                 clock: Callable[[], float] = time.time, store: NodeStore | None = None,
                 db: str | None = None, verify_workers: int = 1, verify_queue: str | None = None) -> None:
        if mode not in MODES:
            raise KioskError(f"a node's mode is official or test, not {mode!r}")
        self.election_dir, self.data_dir, self.mode, self.clock = Path(election_dir), Path(data_dir), mode, clock
        package = load_package(self.election_dir)   # refuses a format-1 package (format_1_refused)
        self.election = package.election
        self.authority = package.authority
        key_path = self.data_dir / NODE_KEY
        if not key_path.exists():
            raise KioskError(f"no node key at {key_path}", hint="run: kiosk-central node init --out DIR")
        self.key = load_signing_key(key_path)
        entry = next((n for n in self.election.nodes if n.key_hex == self.key.verify_key.hex), None)
        if entry is None:
            raise KioskError(f"the election package does not list this node's key {self.key.verify_key.fingerprint}",
                             hint="put the node in the election at init: election init --node ID=URL=KEYHEX")
        self.node_id = entry.id
        self.roll = package.roll()
        if not self.roll.frozen:
            raise KioskError("the token roll is not frozen", hint="run: kiosk-central tokens freeze --election DIR")
        meta = NodeMeta(self.election.fingerprint_hex, self.key.verify_key.hex, mode)
        self.store = store or open_store(db, store_path(self.data_dir, mode), meta)  # db: --db postgresql://…
        self._lock = threading.Lock()  # one batch at a time: judging reads what the last one wrote
        self._roster_stamp: tuple[int, int] | None = None
        self._roster = Roster(self.election.fingerprint_hex, ())
        self.public_key: bytes = self.election.election_public_key
        self._encrypted_lengths = acc.encrypted_lengths(self.election)
        self.verify_workers = verify_workers  # processes checking a format-2 batch's signatures and proofs
        self.verify_queue = None  # a PostgreSQL queue shared with verifier workers (--verify-queue URL)
        if verify_queue is not None:
            from sync.central.verify_queue import connect
            self.verify_queue = connect(verify_queue)

    def close(self) -> None:
        """Close the store and the roll."""
        if self.verify_queue is not None:
            self.verify_queue.close()
        self.store.close()
        self.roll.close()

    # -- the roster may grow during the day (a replacement kiosk): reread it when it changes --
    @property
    def roster(self) -> Roster:
        """The authority-signed kiosk roster, reread whenever the file changes."""
        path = self.election_dir / ROSTER_FILE
        stamp = (path.stat().st_mtime_ns, path.stat().st_size) if path.exists() else None
        if stamp != self._roster_stamp:
            self._roster = load_roster(self.election_dir, self.election.fingerprint_hex, self.authority)
            self._roster_stamp = stamp
        return self._roster

    def context(self) -> acc.NodeContext:
        """The fixed facts the acceptance rules judge by (election, mode, current roster)."""
        return acc.NodeContext(self.election, self.mode, self.roster)

    # -- submitting --------------------------------------------------------------------------
    def submit(self, body: bytes) -> Submitted | Malformed:
        """Judge one batch (exact file bytes), record it, return the signed acknowledgement."""
        try:
            batch = parse_any_batch(body)
        except FormatError as e:
            return Malformed("malformed", e.message[:300])
        with self._lock:
            result = self._submit_parsed(batch, body)
            if result.ack.verdict == acc.ACCEPTED:
                self._release_held(batch.header.kiosk_key_hex, batch.header.number + 1)
        return result

    def _submit_parsed(self, batch: SealedBatch | SignedHeader, body: bytes) -> Submitted:
        h = batch.header
        leaf_digests = leaf_hashes([b.leaf() for b in batch.ballots])  # for the root check and the board
        with self.store.transaction():
            verdict, refs = self._judge(batch, leaf_digests)
            records = []
            if verdict.verdict == acc.ACCEPTED:
                self.store.add_accepted(h, batch.signature, zip(batch.ballots, refs), leaf_digests)
                self.store.add_spoiled(h, batch.spoiled)
                if verdict.double_use:
                    verdict, records = self._double_uses(verdict)
                if verdict.double_use:  # never the token: only how many and where
                    log.warning("double use: %d ballots of batch %d from kiosk %s carry tokens another kiosk spent",
                                len(verdict.double_use), h.number, VerifyKey.from_hex(h.kiosk_key_hex).fingerprint)
            elif verdict.verdict == acc.HELD and self.store.held_hash(h.kiosk_key_hex, h.number) is None:
                self.store.add_held(h, body)
            result = self._acknowledge(batch, verdict)
        for body in records:  # after the commit: a record names only ballots the board holds
            path = self.data_dir / RECORDS_DIR / self.mode / f"{body['token_ref_hex']}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            write_envelope(path, seal_envelope(RECORD_CONTEXT, body, self.key))
        log.info("batch %d from kiosk %s: %s%s", h.number, VerifyKey.from_hex(h.kiosk_key_hex).fingerprint,
                 verdict.verdict, f" ({verdict.reason})" if verdict.reason else "")
        return result

    def _double_uses(self, verdict: acc.Verdict) -> tuple[acc.Verdict, list[dict]]:
        """Of the tokens another kiosk spent, those whose ballots differ: the verdict's double uses,
        and a record to sign for each (the same ballot bytes delivered again are one ballot)."""
        leaves = self.store.token_leaves(set(verdict.double_use))
        real, records = [], []
        for ref in dict.fromkeys(verdict.double_use):
            if len(distinct_ballots(leaves.get(ref, []))) > 1:
                real.append(ref)
                records.append(record_body(self.election.fingerprint_hex, self.node_id, ref, [
                    UsedBallot(leaf.index, leaf.kiosk_key_hex, leaf.number, leaf.ballot.ballot_id.hex())
                    for leaf in leaves[ref]]))
        return dataclasses.replace(verdict, double_use=tuple(real)), records

    def _judge(self, batch: SealedBatch | SignedHeader, leaf_digests: list[bytes]) -> tuple[acc.Verdict, list[bytes]]:
        facts = _StoreFacts(self)
        if not isinstance(batch, SealedBatch):  # a kiosk from before format 2: refused, and the refusal kept
            return acc.precheck(batch, self.context()) or acc.rejected("wrong_format", FORMAT_1_BATCH), []
        verdict = acc.judge(batch, self.context(), leaf_digests, facts, self._encrypted_lengths)
        return verdict, list(facts.refs)

    def _acknowledge(self, batch: SealedBatch | SignedHeader, verdict: acc.Verdict) -> Submitted:
        h = batch.header
        size, root = self.store.checkpoint()
        ack = Acknowledgement(self.node_id, self.election.fingerprint_hex, self.mode, BatchRef.of(h),
                              verdict.verdict, verdict.reason, verdict.detail[:300], len(verdict.double_use),
                              Checkpoint(size, root.hex()), int(self.clock()))
        data = sign_ack(self.key, ack)
        if verdict.reason not in UNSTORED_REASONS:  # only batches the kiosk really signed are remembered
            self.store.put_ack(h.kiosk_key_hex, h.number, h.hash(), verdict.verdict, data)
        return Submitted(ack, data, h.count)

    def _release_held(self, kiosk_key_hex: str, number: int) -> None:
        """After batch N-1 was accepted: judge the held batches N, N+1, ... in order."""
        while (body := self.store.held_body(kiosk_key_hex, number)) is not None:
            with self.store.transaction():  # judged and released together, or still held after a crash
                self.store.drop_held(kiosk_key_hex, number)
                result = self._submit_parsed(parse_any_batch(body), body)
            if result.ack.verdict != acc.ACCEPTED:
                return
            number += 1

    # -- reading -----------------------------------------------------------------------------
    def holdings(self, kiosk_key_hex: str) -> dict:
        """What the node holds from a kiosk (for the sync daemon's resume)."""
        size, root = self.store.checkpoint()
        return {"kiosk_key_hex": kiosk_key_hex, "accepted_through": self.store.last_accepted(kiosk_key_hex),
                "held": self.store.held_numbers(kiosk_key_hex), "node_id": self.node_id, "mode": self.mode,
                "checkpoint": Checkpoint(size, root.hex()).to_json()}

    def info(self) -> dict:
        """Who this node is: id, key, election, mode, board size and root."""
        size, root = self.store.checkpoint()
        return {"node_id": self.node_id, "node_key_hex": self.key.verify_key.hex, "mode": self.mode,
                "election_hex": self.election.fingerprint_hex,
                "checkpoint": Checkpoint(size, root.hex()).to_json()}
