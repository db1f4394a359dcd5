"""``kiosk-central tally``: after every station closed, the trustees' shares open the board.

1. Every station on the roster must have sent its closing batch (``polls_closed``), or the
   tally is refused; ``override_open`` goes ahead anyway and says so in the log and the report.
2. The election key is rebuilt from the threshold of trustee shares and checked against the
   package's public key.
3. A token carried by more than one ballot: the same ballot bytes delivered twice count once;
   distinct ballots (a double use) are all set aside, and a finding stands (exit 1), until the
   authority-signed ``decisions.json`` (:mod:`kiosk.contract.double_use`) names the one to count
   (by the ballot id its paper record prints) or none. No rule an attacker could steer (the
   smallest leaf hash used to win) picks one.
4. The remaining leaves are shuffled (the board's order is the order batches arrived), and
   opened by :mod:`sync.central.opening`: each kiosk signature checked, each sealed form
   opened and unpadded, each ballot's rules checked, counts added.
5. Reconciliation per station: ballots on the board against the cumulative count of each
   kiosk's closing batch (its signed statement); per ballot style: ballots counted against
   the tokens the roll holds for it.
6. Results by :func:`kiosk.contract.tally_rules.contest_results`: the privacy floor applied.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.contract.double_use import distinct_ballots, load_decisions
from kiosk.contract.keys import VerifyKey
from kiosk.contract.roster import Roster
from kiosk.contract.tally_rules import ContestResult, Count, contest_results
from kiosk.contract.trustees import combine_shares, load_share
from sync.central.node import CentralNode
from sync.central.opening import open_all

log = logging.getLogger(__name__)
SEGMENT = 200_000  # ballots read into memory at a time, then opened by the workers


@dataclass
class StationCheck:
    """One station's reconciliation."""

    station: str
    kiosks: int
    closed: bool
    closing_count: int   # sum of each kiosk's last accepted batch's cumulative count
    on_board: int
    counted: int

    @property
    def ok(self) -> bool:
        return self.closed and self.closing_count == self.on_board

    def to_json(self) -> dict:
        return {**self.__dict__, "ok": self.ok}


@dataclass
class TallyReport:
    """Everything the tally found and decided."""

    election_id: str
    mode: str
    stations: list[StationCheck]
    styles: dict[str, tuple[int, int]]        # style -> (ballots counted, tokens on the roll)
    double_uses: list[dict]
    opened: int
    problems: Counter
    results: list[ContestResult]
    privacy_floor: int
    open_stations_overridden: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[str]:
        """Everything that needs a person's attention (empty when all reconciles)."""
        out = [f"station {s.station}: " + ("not closed" if not s.closed else
                                           f"closing statements count {s.closing_count}, the board holds {s.on_board}")
               for s in self.stations if not s.ok]
        out += [f"ballot style {st}: {n} ballots counted but only {roll} tokens on the roll"
                for st, (n, roll) in self.styles.items() if n > roll]
        out += [f"{n} ballots not counted: {reason}" for reason, n in sorted(self.problems.items())]
        out += [f"token {d['token_ref_hex']} used {d['ballots']} times at kiosks {', '.join(d['kiosks'])}: "
                "none of its ballots counted until central staff decide (kiosk-central double-use decide)"
                for d in self.double_uses if not d["decided"]]
        return out

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_json(self) -> dict:
        return {
            "election": self.election_id, "mode": self.mode, "ballots_counted": self.opened - sum(self.problems.values()),
            "ballots_opened": self.opened, "problems": dict(self.problems), "privacy_floor": self.privacy_floor,
            "stations": [s.to_json() for s in self.stations], "double_uses": self.double_uses,
            "styles": {s: {"counted": n, "tokens": r} for s, (n, r) in self.styles.items()},
            "open_stations_overridden": self.open_stations_overridden, "findings": self.findings, "ok": self.ok,
            "results": [{"contest": c.contest, "ballots": c.ballots, "suppressed": c.suppressed,
                         "options": [o.__dict__ for o in c.options]} for c in self.results],
        }


def open_stations(node: CentralNode, roster: Roster) -> list[str]:
    """Roster stations none of whose kiosks has sent an accepted closing batch."""
    closed = {b.header.kiosk_key_hex for b in node.store.batches() if b.header.polls_closed}
    return [s for s in roster.stations if not any(k.kiosk_key_hex in closed for k in roster.kiosks if k.station == s)]


def tally(node: CentralNode, share_files: list[Path], override_open: bool = False, workers: int = 1) -> TallyReport:
    """Run the whole tally on a node's board (see the module docstring)."""
    election, roster = node.election, node.roster
    still_open = open_stations(node, roster)
    if still_open and not override_open:
        raise KioskError(f"{len(still_open)} stations have not closed: {', '.join(still_open[:10])}",
                         hint="wait for their closing batches, or use --override-open-stations (logged)")
    if still_open:
        log.warning("TALLY WITH OPEN STATIONS (override by central staff): %s", ", ".join(still_open))
    shares = [load_share(Path(p)) for p in share_files]
    if any(s.election_hex != election.fingerprint_hex for s in shares):
        raise KioskError("a trustee share belongs to another election", hint="give this election's shares")
    key = combine_shares(shares)

    excluded, dropped, double = _double_uses(node)
    size, _ = node.store.checkpoint()
    order = [i for i in range(size) if i not in excluded]
    random.SystemRandom().shuffle(order)  # the board's order is arrival order: forget it

    count, problems, kiosks = Count(), Counter(), {}
    for start in range(0, len(order), SEGMENT):  # read, then open with the main process idle
        rows = [(kiosks.get(k) or kiosks.setdefault(k, bytes.fromhex(k)), *ballot)
                for k, *ballot in node.store.sealed_rows(order[start:start + SEGMENT])]
        segment_count, segment_problems = open_all(key, election, rows, workers)
        count.merge(segment_count)
        problems.update(segment_problems)
    return TallyReport(election.id, node.mode, _stations(node, roster, still_open, dropped),
                       _styles(node, count.ballots_by_style), double, len(order), problems,
                       contest_results(election, count), election.privacy_floor, still_open)


def _signed(same: list) -> object:
    """Of one ballot delivered more than once, the leaf whose kiosk signed it (else the first)."""
    return next((leaf for leaf in same if leaf.ballot.signature_valid(VerifyKey.from_hex(leaf.kiosk_key_hex))), same[0])


def _double_uses(node: CentralNode) -> tuple[set[int], Counter, list[dict]]:
    """Leaves not to open, per kiosk how many, and each double use with its decision (or None)."""
    decisions = load_decisions(node.election_dir, node.election.fingerprint_hex, node.authority)
    excluded: set[int] = set()
    dropped: Counter = Counter()  # per kiosk: ballots not counted
    double = []
    for ref, leaves in node.store.double_uses().items():
        groups = distinct_ballots(leaves)
        decision = decisions.get(ref.hex()) if len(groups) > 1 else None
        counted = _signed(groups[0]) if len(groups) == 1 else next(
            (g[0] for g in groups if decision and g[0].ballot.ballot_id.hex() == decision.count_ballot_id_hex), None)
        for leaf in leaves:
            if leaf is not counted:
                excluded.add(leaf.index)
                dropped[leaf.kiosk_key_hex] += 1
        if len(groups) == 1:
            continue  # one ballot delivered more than once: not a double use
        double.append({"token_ref_hex": ref.hex(),
                       "kiosks": sorted(VerifyKey.from_hex(leaf.kiosk_key_hex).fingerprint for leaf in leaves),
                       "ballot_ids": sorted(g[0].ballot.ballot_id.hex() for g in groups), "ballots": len(leaves),
                       "decided": decision is not None,
                       "counted": counted.ballot.ballot_id.hex() if counted is not None else None,
                       "reason": decision.reason if decision else None})
    return excluded, dropped, double


def _stations(node: CentralNode, roster: Roster, still_open: list[str], dropped: Counter) -> list[StationCheck]:
    last: dict[str, int] = {}
    for b in node.store.batches():  # by kiosk then number: the last one wins
        last[b.header.kiosk_key_hex] = b.header.cumulative
    on_board = node.store.leaf_counts()
    out = []
    for station in roster.stations:
        keys = [k.kiosk_key_hex for k in roster.kiosks if k.station == station]
        board = sum(on_board.get(k, 0) for k in keys)
        out.append(StationCheck(station, len(keys), station not in still_open, sum(last.get(k, 0) for k in keys),
                                board, board - sum(dropped[k] for k in keys)))
    return out


def _styles(node: CentralNode, counted: Counter) -> dict[str, tuple[int, int]]:
    on_roll = node.roll.count_by_style(node.mode)
    return {s.id: (counted[s.id], on_roll.get(s.id, 0)) for s in node.election.styles}
