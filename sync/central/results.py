"""The tally's results as people and programs read them: a table, CSV and JSON (same numbers).

Suppressed contests (fewer ballots than the privacy floor) show no likes and no score in
any of the three; participation (turnout) and the bonus it earns are always shown.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from kiosk.files import write_atomic
from kiosk.contract.tally_rules import ContestResult
from sync.central.tally import TallyReport

CSV_COLUMNS = ("contest", "contest_ballots", "option", "proposed_by", "participation", "bonus", "likes", "score")


def results_csv(report: TallyReport) -> str:
    """One row per option; empty likes and score where the privacy floor suppresses them."""
    return results_csv_of(report.results)


def results_csv_of(results: list[ContestResult]) -> str:
    """:func:`results_csv` of contest results (the verifier's, re-derived from a record)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in results:
        for o in c.options:
            writer.writerow([c.contest, c.ballots, o.option, o.proposed_by or "",
                             "" if o.participation is None else o.participation, o.bonus,
                             "" if o.likes is None else o.likes, "" if o.score is None else o.score])
    return out.getvalue()


def table(report: TallyReport) -> str:
    """The human-readable report."""
    j = report.to_json()
    lines = [f"tally of {report.election_id} ({report.mode}): {j['ballots_counted']} ballots counted "
             f"of {report.opened} opened; privacy floor {report.privacy_floor}"]
    if report.open_stations_overridden:
        lines.append(f"WARNING: tallied with {len(report.open_stations_overridden)} stations still open (override)")
    lines.append(f"{'station':12} {'kiosks':>6} {'closed':>6} {'closing':>8} {'board':>8} {'counted':>8}")
    for s in report.stations:
        lines.append(f"{s.station:12} {s.kiosks:6} {'yes' if s.closed else 'NO':>6} {s.closing_count:8} "
                     f"{s.on_board:8} {s.counted:8}{'' if s.ok else '  CHECK'}")
    for d in report.double_uses:
        outcome = ("undecided: none counted" if not d["decided"] else
                   f"decided: ballot {d['counted']} counted" if d["counted"] else "decided: none counted")
        lines.append(f"double use: token {d['token_ref_hex'][:16]} at kiosks {', '.join(d['kiosks'])}; {outcome}")
    for c in report.results:
        state = f"suppressed: fewer than {report.privacy_floor} ballots" if c.suppressed else f"{c.ballots} ballots"
        lines.append(f"\ncontest {c.contest} ({state})")
        lines.append(f"{'option':10} {'proposed by':12} {'turnout':>7} {'bonus':>5} {'likes':>6} {'score':>6}")
        for o in sorted(c.options, key=lambda o: (-(o.score or 0), o.option)):
            lines.append(f"{o.option:10} {o.proposed_by or '':12} {'' if o.participation is None else o.participation:>7} "
                         f"{o.bonus:5} {'-' if o.likes is None else o.likes:>6} {'-' if o.score is None else o.score:>6}")
    for finding in report.findings:
        lines.append(f"FINDING: {finding}")
    return "\n".join(lines)


def write_results(report: TallyReport, folder: Path) -> list[Path]:
    """``results.csv`` and ``results.json`` in ``folder``."""
    folder = Path(folder)
    paths = [folder / "results.csv", folder / "results.json"]
    write_atomic(paths[0], results_csv(report).encode("utf-8"))
    write_atomic(paths[1], (json.dumps(report.to_json(), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
    return paths
