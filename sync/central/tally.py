"""What ``kiosk-central tally`` reports, whatever computed the counts: reconciliation, findings, results.

The count itself is :mod:`sync.central.tally_count`'s (aggregates, the trustees' partial decryptions);
this module holds the report it fills and the reconciliation both it and the reports share:

1. every station on the roster must have sent its closing batch (``polls_closed``), or the
   tally is refused; ``override_open`` goes ahead anyway and says so in the log and the report
   (:func:`open_stations`);
2. per station: ballots on the board against the cumulative count of each kiosk's closing batch
   (its signed statement); per ballot style: ballots counted against the tokens the roll holds for it;
3. double uses still waiting for central staff's decision, and any ballot not counted, are findings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kiosk.contract.roster import Roster
from kiosk.contract.tally_rules import ContestResult
from sync.central.node import CentralNode


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
