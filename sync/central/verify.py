"""``kiosk-central verify``: re-check everything a node holds, from scratch, and name what is wrong.

Nothing the node decided is trusted: the election package's and the roster's signatures, the
roll against its signed root, every accepted batch rebuilt from the store byte for byte and
checked like a new arrival (kiosk on the roster, header signature, Merkle roots of the cast and
the spoiled ballots, both signatures of every ballot, the chain from batch 1 without gaps),
every leaf's token key on the roll and its encrypted length, no token twice from one kiosk,
the board's root recomputed from its
leaves, and every stored acknowledgement's signature and batch. Double uses across kiosks
are listed as notes (they are expected to be flagged, not to be absent), with the decision on
each; a decision that is not signed by the authority, or names no ballot of its token, or a
token that is no double use, is a problem. The ballots' proofs are the record's check
(``kiosk-central verify --from``, on a pool of processes).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kiosk.contract.ack import parse_ack
from kiosk.contract.ballot import check_signatures
from kiosk.contract.batch import BatchHeader
from kiosk.contract.sealed_batch import SealedBatch, check_sealed_batch
from kiosk.contract.crypto.encrypted_ballot import encrypted_length
from kiosk.contract.double_use import DECISIONS_FILE, distinct_ballots, load_decisions
from kiosk.contract.findings import Finding, note, problem
from kiosk.errors import KioskError
from kiosk.contract.keys import VerifyKey
from kiosk.contract.merkle import MerkleFrontier
from sync.central.node import CentralNode
from sync.central.stores import store_errors


@dataclass
class NodeVerifyReport:
    """What ``kiosk-central verify`` found: problems (exit 1), notes, and counts."""

    problems: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {"ok": self.ok, "problems": [f.place_and_problem() for f in self.problems],
                "notes": [f.place_and_problem() for f in self.notes], "counts": self.counts}


def verify_node(node: CentralNode) -> NodeVerifyReport:
    """Verify the node's whole store (the node's constructor already checked the package signature)."""
    report = NodeVerifyReport()
    try:
        _verify(node, report)
    except (*store_errors(), KioskError, TypeError, ValueError) as e:  # a store too damaged to read on
        report.problems.append(problem("node store", f"cannot be read: {type(e).__name__}: {e}"[:300]))
    return report


def _verify(node: CentralNode, report: NodeVerifyReport) -> None:
    bad = report.problems.append
    try:
        if not node.roll.verify():
            bad(problem("roll.sqlite", "the token roll does not match its signed root"))
        roster = node.roster
    except KioskError as e:
        bad(problem("election package", e.message))
        return
    fp = node.election.fingerprint_hex
    lengths = {s.id: encrypted_length(node.election, s.id) for s in node.election.styles}
    # pass 1, the board in leaf order: only the Merkle frontier and a count per batch are kept,
    # so memory does not grow with the board (a national board holds millions of leaves)
    leaves_per_batch: Counter = Counter()
    frontier, expected_index = MerkleFrontier(), 0
    for leaf in node.store.leaves():
        place = f"board leaf {leaf.index}"
        if leaf.index != expected_index:
            bad(problem(place, f"the board skips from {expected_index - 1} to {leaf.index}"))
        expected_index = leaf.index + 1
        b = leaf.ballot
        frontier.append(b.leaf_hash())
        leaves_per_batch[(leaf.kiosk_key_hex, leaf.number)] += 1
        if node.roll.lookup(leaf.token_ref) != (node.mode, b.style):
            bad(problem(place, f"its token is not on the roll for style {b.style} in {node.mode} mode"))
        if lengths.get(b.style) != len(b.encrypted):
            bad(problem(place, "the encrypted ballot has the wrong length for its ballot style"))
        try:
            check_signatures(b, VerifyKey.from_hex(leaf.kiosk_key_hex))
        except KioskError as e:
            bad(problem(place, e.message))
    size, root = node.store.checkpoint()
    if (frontier.size, frontier.root()) != (size, root):
        bad(problem("board", f"the root over the {frontier.size} leaves is not the checkpoint ({size}, {root.hex()})"))
    # pass 2, batch by batch (ordered by kiosk, then number): each batch rebuilt from its own
    # leaves; a kiosk's spent tokens are kept only while its batches are checked
    accepted: dict[tuple[str, int], bytes] = {}
    previous: dict[str, BatchHeader] = {}
    spoiled = _spoiled_by_batch(node, report)
    spent: dict[bytes, int] = {}
    for stored in node.store.batches():
        h = stored.header
        place = f"kiosk {VerifyKey.from_hex(h.kiosk_key_hex).fingerprint} batch {h.number}"
        accepted[(h.kiosk_key_hex, h.number)] = stored.header_hash
        if roster.kiosk(h.kiosk_key_hex) is None:
            bad(problem(place, "the kiosk is not on the roster"))
        if h.mode != node.mode or h.hash() != stored.header_hash:
            bad(problem(place, "the stored header's mode or hash is wrong"))
        if h.kiosk_key_hex not in previous:
            spent = {}
        leaves = list(node.store.leaves(h.kiosk_key_hex, h.number))
        for leaf in leaves:
            if leaf.token_ref in spent:
                bad(problem(f"board leaf {leaf.index}",
                            f"its token was already spent by the same kiosk (leaf {spent[leaf.token_ref]})"))
            spent[leaf.token_ref] = leaf.index
        ballots = tuple(sorted((leaf.ballot for leaf in leaves), key=lambda b: b.ballot_id))
        last = previous.get(h.kiosk_key_hex)
        if (last.number if last else 0) + 1 != h.number:
            bad(problem(place, "the chain of accepted batches has a gap before it"))
            last = None if h.number == 1 else last
        link = last if last and last.number + 1 == h.number else None
        kiosk = VerifyKey.from_hex(h.kiosk_key_hex)
        checked = tuple(sorted(spoiled.pop((h.kiosk_key_hex, h.number), []), key=lambda s: s.ballot.ballot_id))
        for found in check_sealed_batch(SealedBatch(h, stored.signature, ballots, checked), fp, kiosk, link):
            if not (found.code == "not_linked" and last is None and h.number > 1):
                bad(problem(place, f"{found.code}: {found.detail}"))
        previous[h.kiosk_key_hex] = h
    for (kiosk, number) in sorted(set(leaves_per_batch) - set(accepted) | set(spoiled)):
        bad(problem(f"kiosk {VerifyKey.from_hex(kiosk).fingerprint} batch {number}",
                    "board leaves or spoiled ballots name a batch the node did not accept"))
    _check_acks(node, accepted, report)
    _check_double_uses(node, report)
    report.counts = {"leaves": size, "root_hex": root.hex(), "batches": len(accepted), "kiosks": len(previous)}


def _spoiled_by_batch(node: CentralNode, report: NodeVerifyReport) -> dict[tuple[str, int], list]:
    """The stored spoiled ballots by (kiosk, batch), each with both signatures checked."""
    out: dict[tuple[str, int], list] = {}
    for kiosk, number, s in node.store.spoiled_ballots():
        try:
            check_signatures(s.ballot, VerifyKey.from_hex(kiosk))
        except KioskError as e:
            report.problems.append(problem(f"spoiled ballot of kiosk {kiosk[:16]} batch {number}", e.message))
        out.setdefault((kiosk, number), []).append(s)
    return out


def _check_double_uses(node: CentralNode, report: NodeVerifyReport) -> None:
    """Each double use noted with its decision; each decision signed and naming a ballot of it."""
    try:
        decisions = load_decisions(node.election_dir, node.election.fingerprint_hex, node.authority)
    except KioskError as e:
        report.problems.append(problem(DECISIONS_FILE, e.message))
        decisions = {}
    doubles = node.store.double_uses()
    for ref, leaves in doubles.items():
        groups = distinct_ballots(leaves)
        if len(groups) < 2:
            continue  # one ballot delivered more than once
        kiosks = sorted({VerifyKey.from_hex(leaf.kiosk_key_hex).fingerprint for leaf in leaves})
        decision = decisions.get(ref.hex())
        place = f"board leaves {', '.join(str(leaf.index) for leaf in leaves)}"
        if decision is None:
            report.notes.append(note(place, f"one token used at kiosks {', '.join(kiosks)}: no ballot counted "
                                            "until central staff decide (kiosk-central double-use decide)"))
            continue
        ids = {g[0].ballot.ballot_id.hex() for g in groups}
        if decision.count_ballot_id_hex is not None and decision.count_ballot_id_hex not in ids:
            report.problems.append(problem(DECISIONS_FILE, f"the decision on token {ref.hex()[:16]} counts ballot "
                                                           f"{decision.count_ballot_id_hex}, not one of its ballots"))
        else:
            report.notes.append(note(place, f"one token used at kiosks {', '.join(kiosks)}: decided, "
                                            f"{decision.count_ballot_id_hex or 'none'} counted ({decision.reason})"))
    known = {ref.hex() for ref, leaves in doubles.items() if len(distinct_ballots(leaves)) > 1}
    for ref_hex in sorted(set(decisions) - known):
        report.problems.append(problem(DECISIONS_FILE, f"a decision on token {ref_hex[:16]}, which the board does "
                                                       "not hold as a double use"))


def _check_acks(node: CentralNode, accepted: dict[tuple[str, int], bytes], report: NodeVerifyReport) -> None:
    for kiosk in node.store.kiosks():
        for raw in node.store.acks(kiosk):
            try:
                ack = parse_ack(raw, node.key.verify_key)
            except KioskError as e:
                report.problems.append(problem(f"acknowledgement from kiosk {kiosk[:16]}", e.message))
                continue
            held = accepted.get((ack.batch.kiosk_key_hex, ack.batch.number))
            if ack.delivered and held != bytes.fromhex(ack.batch.header_hex):
                report.problems.append(problem(
                    f"acknowledgement of batch {ack.batch.number}", "says delivered, but the node holds no such batch"))
