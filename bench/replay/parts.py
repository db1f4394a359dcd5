"""The replayed day's pieces: its options, its kiosks, its outcome, and how it runs our commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from hardware.virtual_device import VirtualPrinter
from hardware.virtual_printer import TcpServer
from kiosk.app.cliutil import EXIT_OK, call
from kiosk.contract.keys import VerifyKey
from replay.checks import compare, doubles_as_expected, members_saw, tapes_reconcile
from replay.judging_day import selection_outcome
from replay.plan import Plan, expected_results

HERE = Path(__file__).resolve().parent


class ReplayError(RuntimeError):
    """A step of the day did not go as a person would expect; the message names it."""


@dataclass
class Options:
    """The day's size and seed; ``log`` gets one line per phase (never a token, PIN or choice)."""

    communities: int = 872
    stations: int = 12
    seed: int = 2017
    camera_share: float = 0.03
    seal_minutes: int = 0
    workdir: Path = Path("replay")
    log: object = print


@dataclass
class Kiosk:
    """One kiosk: its data directory, its printer, its processes and what its members saw."""

    station: str
    name: str
    data: Path
    printer: VirtualPrinter
    server: TcpServer
    sync: subprocess.Popen | None = None
    booth: subprocess.Popen | None = None
    seen: list[dict] = field(default_factory=list)
    casting: threading.Event = field(default_factory=threading.Event)
    closing_payload: str | None = None

    @property
    def printer_url(self) -> str:
        return self.server.url

    def key_fingerprint(self) -> str:
        config = json.loads((self.data / "station.json").read_text())
        return VerifyKey.from_hex(config["kiosk_key_hex"]).fingerprint


@dataclass
class Outcome:
    """Everything the day produced, for the summary and the comparison."""

    plan: Plan
    tally: dict
    results_csv: Path
    mismatches: list[str]
    checks: dict[str, bool]
    figures: dict

    @property
    def ok(self) -> bool:
        return not self.mismatches and all(self.checks.values())


def ok(main, *argv, stdin: str = "") -> str:
    """Run one of our commands in-process; its output, or :class:`ReplayError` naming the verb."""
    code, out = call(main, *argv, stdin=stdin)
    if code != EXIT_OK:
        raise ReplayError(f"{' '.join(str(a) for a in argv[:2])} exited {code}: {out[-600:]}")
    return out


def python(*args: object, **kw) -> subprocess.Popen:
    """A child process on this interpreter that imports the project and the replay."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parents[1]), str(HERE.parent)])}
    return subprocess.Popen([sys.executable, *map(str, args)], env=env, **kw)


def judge(day, tallies: dict, verified: dict, observer_ok: bool) -> Outcome:
    """Every check of a finished day, then the comparison with the plan's expected result (the only use of it)."""
    plan, spec, dead, replacement = day.plan, day.spec, day.dead, day.replacement
    code, report, csv_bytes = tallies["n1"]
    results_csv = day.w / "results" / "n1" / "results.csv"
    checks = {
        "members saw what they should": not (seen := members_saw(plan, day.kiosks, dead)),
        "tally reconciles (exit 0, no findings)": code == EXIT_OK and report["ok"],
        "three nodes give the same results": all(t[2] == csv_bytes for t in tallies.values()),
        "every node verifies its store": all(verified.values()),
        "the standalone verifier passes": observer_ok,
        "results tapes reconcile with the tally": not (tapes := tapes_reconcile(
            [k.closing_payload for k in day.kiosks], report)),
        "double uses flagged and counted once": not (doubles := doubles_as_expected(
            plan, report, {k.name: k.key_fingerprint() for k in day.kiosks}, (dead.name, replacement.name),
            day.in_flight_committed)),
        "every node publishes the same selection": day.selection["equal_on_every_node"],
        "the verifier re-derives the selection (record and URL)": all(day.selection["verified"].values()),
    }
    selection, chosen = selection_outcome(day, day.selection)
    checks["the selection equals the plan's (both stages, quotas, budget, lot)"] = not selection
    mismatches = compare(expected_results(spec, plan), results_csv) + seen + tapes + doubles + selection
    figures = {"members": sum(len(s.queue) for s in plan.stations), "ballots_cast": len(plan.voters),
               "ballots_on_board": sum(s["on_board"] for s in report["stations"]),
               "ballots_counted": report["ballots_counted"], "double_uses": len(report["double_uses"]),
               "kiosks": len(day.kiosks), "unused_tokens": sum(plan.unused_by_style.values()),
               "camera_voters": sum(1 for v in plan.voters if v.camera),
               "paper_records_tried_again": sum(x.get("print_retries", 0) for k in day.kiosks for x in k.seen),
               "in_flight_ballot_committed": day.in_flight_committed, **chosen,
               **{k: round(v, 1) for k, v in day.timings.items()}}
    return Outcome(plan, report, results_csv, mismatches, checks, figures)
