"""The standalone verifier: what an observer can check from published data only.

Nothing here touches a node's store or key. The inputs are the public election package (a
directory holding ``election.json``, ``roll.sqlite``, ``roll-root.json`` and, when published,
``roster.json``), a node's published board (:class:`Published`: its signed checkpoint, the
checkpoint with the cosignatures it collected, every leaf) fetched over HTTP
(:func:`sync.central.observer_fetch.fetch_board`) or read from an export directory
(:mod:`sync.central.observer_export`), and optionally the signed closing statements read from photos of the
results tapes. Every check gives one :class:`Finding` naming its place; nothing is hidden:
ballots off the roll and counts that do not reconcile are problems; a token used twice is a note
(shown, never hidden, not a failure): the nodes accept it by design, since a kiosk offline
cannot know another kiosk spent the token, and none of its ballots counts until central staff
decide, as ``verify --data`` says. The ballots and the count are :mod:`sync.central.record_check`'s.

The checks themselves (:func:`check_board`, :func:`check_closings`)
are pure: they see bytes and the parsed package, never a network or a file.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from kiosk.contract.batch import MODES
from kiosk.contract.board_checkpoint import ORIGIN_PREFIX, BoardCheckpoint, parse_checkpoint, witness_name
from kiosk.contract.closing import check_closing, parse_closing
from kiosk.contract.closing_parts import assemble
from kiosk.contract.election import Election
from kiosk.contract.findings import Finding, note, ok, problem
from kiosk.errors import FormatError, KioskError, SignatureError
from kiosk.contract.keys import VerifyKey
from kiosk.contract.merkle import leaf_hash, root_from_leaf_hashes
from kiosk.contract.package import ElectionPackage, load_package
from kiosk.contract.roll import TokenRoll
from kiosk.contract.roster import ROSTER_FILE, Roster, load_roster
from kiosk.contract.witness import quorum
from sync.central.record_check import CountFiles, Derived, check_record_count

class InputError(KioskError):
    """The published data cannot be read at all (exit 2: nothing was verified)."""


@dataclass(frozen=True)
class Published:
    """A node's published board (checkpoint note, cosigned note if any, every leaf) and the count's
    files of the election record."""

    checkpoint: bytes
    cosigned: bytes | None
    leaves: list[bytes]
    count: CountFiles = field(default_factory=CountFiles)


# ---------------------------------------------------------------- the package

@dataclass
class PackageFacts:
    """What the package checks leave for the board checks."""

    package: ElectionPackage | None = None
    roll: TokenRoll | None = None
    roster: Roster | None = None
    findings: list[Finding] = field(default_factory=list)

    def close(self) -> None:
        """Close the roll file."""
        if self.roll is not None:
            self.roll.close()


def check_package(directory: Path) -> PackageFacts:
    """The package's signature, the roll's signed root over every entry, the signed roster."""
    facts = PackageFacts()
    try:
        facts.package = package = load_package(directory)
    except KioskError as e:
        facts.findings.append(problem("package", f"election.json is refused: {e}"))   # a bad signature, format 1
        return facts
    e = package.election
    facts.findings.append(ok("package", f"election {e.id} ({e.fingerprint_hex[:16]}…) signed by the authority key "
                                        f"{package.authority.fingerprint} it names"))
    try:
        facts.roll = roll = package.roll()
        root = roll.root
        if root is None:
            facts.findings.append(problem("roll", "no signed roll-root.json: the roll is not frozen"))
        elif roll.verify():
            facts.findings.append(ok("roll", f"the authority's signed root covers exactly the {root.size} "
                                             f"tokens of roll.sqlite"))
        else:
            facts.findings.append(problem("roll", "the root recomputed from roll.sqlite is not the signed root"))
    except KioskError as e:
        facts.findings.append(problem("roll", str(e)))
    if not (Path(directory) / ROSTER_FILE).exists():
        facts.findings.append(note("roster", "no roster.json published: kiosk signatures cannot be checked"))
        return facts
    try:
        facts.roster = load_roster(directory, e.fingerprint_hex, package.authority)
        facts.findings.append(ok("roster", f"{len(facts.roster.kiosks)} kiosks, signed by the authority"))
    except KioskError as err:
        facts.findings.append(problem("roster", f"roster.json does not verify: {err}"))
    return facts


# ---------------------------------------------------------------- the board

@dataclass(frozen=True)
class BoardFacts:
    """The board's identity once its checkpoint verified."""

    node_id: str
    mode: str
    checkpoint: BoardCheckpoint
    leaf_hashes: list[bytes]


def _origin_parts(origin: str, election: Election) -> tuple[str, str] | str:
    parts = origin.split("/")
    if len(parts) != 5 or "/".join(parts[:2]) != ORIGIN_PREFIX:
        return f"the origin {origin[:120]!r} is not a kiosk board's"
    if parts[2] != election.fingerprint_hex:
        return "the checkpoint is of another election's board"
    if parts[3] not in MODES:
        return f"the checkpoint names an unknown mode {parts[3][:20]!r}"
    return parts[3], parts[4]


def check_board(election: Election, published: Published) -> tuple[list[Finding], BoardFacts | None]:
    """The node's signature on the checkpoint, the root recomputed from every leaf, the cosignatures."""
    out: list[Finding] = []
    try:
        found = parse_checkpoint(published.checkpoint, None, None)
    except FormatError as e:
        return [problem("checkpoint", f"not a checkpoint note: {e}")], None
    parts = _origin_parts(found.origin, election)
    if isinstance(parts, str):
        return [problem("checkpoint", parts)], None
    mode, node_id = parts
    entry = next((n for n in election.nodes if n.id == node_id), None)
    if entry is None:
        return [problem("checkpoint", f"node {node_id[:40]!r} is not a node the package lists")], None
    key = VerifyKey.from_hex(entry.key_hex)
    try:
        checkpoint = parse_checkpoint(published.checkpoint, found.origin, key)
    except (FormatError, SignatureError) as e:
        return [problem("checkpoint", str(e))], None
    out.append(ok("checkpoint", f"node {node_id}'s {mode} board: {checkpoint.tree_size} leaves, root "
                                f"{checkpoint.root.hex()[:16]}…, signed by the node key {key.fingerprint}"))
    hashes = [leaf_hash(x) for x in published.leaves]
    if len(hashes) != checkpoint.tree_size:
        out.append(problem("leaves", f"{len(hashes)} leaves published, the checkpoint says {checkpoint.tree_size}"))
    elif root_from_leaf_hashes(hashes) != (checkpoint.tree_size, checkpoint.root):
        out.append(problem("board root", f"the Merkle root recomputed from the {len(hashes)} leaves is not the "
                                         "checkpoint's root: a leaf was changed, added, dropped or reordered"))
    else:
        out.append(ok("board root", f"recomputed from all {len(hashes)} leaves, equal to the checkpoint's root"))
    out += _check_cosigned(election, published.cosigned, found.origin, key, node_id, hashes)
    return out, BoardFacts(node_id, mode, checkpoint, hashes)


def _check_cosigned(election: Election, cosigned: bytes | None, origin: str, key: VerifyKey, node_id: str,
                    hashes: list[bytes]) -> list[Finding]:
    needed = quorum(election)
    if cosigned is None:
        return [note("cosignatures", f"no cosigned checkpoint published: not shown to be witnessed "
                                     f"(quorum {needed} of {len(election.nodes)} nodes)")]
    try:
        checkpoint = parse_checkpoint(cosigned, origin, key)
    except (FormatError, SignatureError) as e:
        return [problem("cosigned checkpoint", str(e))]
    size = checkpoint.tree_size
    if size > len(hashes) or root_from_leaf_hashes(hashes[:size]) != (size, checkpoint.root):
        return [problem("cosigned checkpoint", f"its tree of {size} leaves is not a prefix of the published "
                                               "board: the node shows another history to its witnesses")]
    out, signers = [], 1
    names = {s.name for s in checkpoint.signatures}
    for entry in election.nodes:
        name = witness_name(election.fingerprint_hex, entry.id)
        if entry.id == node_id or name not in names:
            continue
        if checkpoint.signed_by(name, VerifyKey.from_hex(entry.key_hex)):
            signers += 1
        else:
            out.append(problem("cosignatures", f"node {entry.id}'s cosignature does not verify with its key"))
    known = {witness_name(election.fingerprint_hex, n.id) for n in election.nodes} | {origin}
    for name in sorted(names - known):
        out.append(note("cosignatures", f"a signature by {name[:80]!r}, not a node of the package: ignored"))
    text = f"the tree of {size} leaves carries {signers} of {len(election.nodes)} nodes' signatures, quorum {needed}"
    out.append(ok("cosignatures", text) if signers >= needed else note("cosignatures", "below quorum: " + text))
    return out


# ---------------------------------------------------------------- the leaves

@dataclass
class LeafFacts:
    """Per kiosk key (hex), how many leaves of each ballot style the board holds."""

    by_kiosk: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    unattributed: int = 0


# ---------------------------------------------------------------- closing statements

def check_closings(election: Election, mode: str, roster: Roster | None, facts: LeafFacts,
                   payloads: Sequence[tuple[str, str]]) -> list[Finding]:
    """Each statement's kiosk signature, its agreement with the election, its kiosk on the roster,
    and its ballot count and turnout against the board's leaves from that kiosk. A statement printed
    in parts (``KSP1:``, one a line in any order) is joined first (:mod:`kiosk.contract.closing_parts`)."""
    assembled = assemble(payloads)
    out = [problem(f"closing {r.where}", str(r)) for r in assembled.refused]
    for place, payload in assembled.statements:
        try:
            statement = parse_closing(payload)
        except KioskError as e:
            out.append(problem(f"closing {place}", f"not a valid signed closing statement: {e}"))
            continue
        body = statement.body
        where = f"closing {place} (station {body['station']}, kiosk {statement.kiosk_key.fingerprint})"
        found = check_closing(statement, election)
        if found:
            out += [problem(where, p) for p in found]
            continue
        if body["mode"] != mode:
            out.append(problem(where, f"a {body['mode']} statement, this is the {mode} board"))
            continue
        if roster is None:
            out.append(note(where, "no roster published: the kiosk key and its leaves cannot be matched"))
            continue
        entry = roster.kiosk(body["kiosk_key_hex"])
        if entry is None or entry.station != body["station"]:
            out.append(problem(where, "the kiosk key is not on the roster for that station"))
            continue
        board = facts.by_kiosk.get(body["kiosk_key_hex"], Counter())
        on_board = sum(board.values())
        if body["ballots"] != on_board:
            out.append(problem(where, f"{body['ballots']} ballots on the tape, "
                                      f"{on_board} on the board from that kiosk"))
        elif {s: n for s, n in board.items() if n} != body["turnout"]:
            out.append(problem(where, f"turnout by style on the tape {body['turnout']} is not the board's "
                                      f"{dict(sorted(board.items()))}"))
        else:
            out.append(ok(where, f"signed by the kiosk; {on_board} ballots, equal to its leaves on the board, "
                                 "style by style"))
    return out


# ---------------------------------------------------------------- all together

def verify_published(package_dir: Path, published: Published, payloads: Sequence[tuple[str, str]] = (),
                     workers: int = 1) -> list[Finding]:
    """Every check, in order: package, roll, roster, checkpoint, root, cosignatures, the ballots and
    the whole count (:mod:`sync.central.record_check`), closings."""
    return verify_record(package_dir, published, payloads, workers)[0]


def verify_record(package_dir: Path, published: Published, payloads: Sequence[tuple[str, str]] = (),
                  workers: int = 1) -> tuple[list[Finding], Derived | None]:
    """:func:`verify_published`, and what the record gave (its results, spoiled ballots)."""
    facts = check_package(package_dir)
    derived = None
    try:
        out = list(facts.findings)
        if facts.package is None:
            return out, None
        election = facts.package.election
        found, board = check_board(election, published)
        out += found
        if board is None:
            return out, None
        leaf_findings, good, derived = check_record_count(facts.package, facts.roll, facts.roster, board.mode,
                                                          published.leaves, published.count, workers)
        leaf_facts = LeafFacts()
        for b in good:
            leaf_facts.by_kiosk[b.kiosk_key_hex][b.ballot.style] += 1
        out += leaf_findings
        out += check_closings(election, board.mode, facts.roster, leaf_facts, payloads)
        return out, derived
    finally:
        facts.close()


def report_json(findings: Sequence[Finding]) -> dict:
    """The ``--json`` form of a report."""
    return {"ok": all(f.level != "problem" for f in findings), "checks": [f.to_json() for f in findings]}


def dumps(findings: Sequence[Finding]) -> str:
    """The ``--json`` report as text."""
    return json.dumps(report_json(findings), sort_keys=True)
