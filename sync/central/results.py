"""The tally's results as people and programs read them: a table, CSV and JSON (same numbers).

Suppressed contests (fewer ballots than the privacy floor) show no votes and no score in
any of the three. The table and the CSV say the results in the election's own words
(:mod:`sync.central.results_words`): option names, votes, blank ballots, winners. An election whose
tally rules give participation bonus points (Ttabok's) keeps its own CSV columns instead: proposer,
participation (turnout), bonus, likes and score per option, turnout and bonus always shown.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from kiosk.contract.election import Election
from kiosk.files import write_atomic
from kiosk.contract.tally_rules import ContestResult
from sync.central.record_check import results_json
from sync.central.results_words import outcome_line, results_words
from sync.central.tally import TallyReport

BONUS_COLUMNS = ("contest", "contest_ballots", "option", "proposed_by", "participation", "bonus", "likes", "score")
CSV_COLUMNS = ("contest", "contest_ballots", "option", "name_ko", "name_en", "votes", "blank", "outcome")


def results_csv(report: TallyReport, election: Election) -> str:
    """One row per option; empty votes (likes, score) where the privacy floor withholds them."""
    return results_csv_of(report.results, election)


def results_csv_of(results: list[ContestResult], election: Election) -> str:
    """:func:`results_csv` of contest results (the verifier's, re-derived from a record)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if election.bonus_bands:
        writer.writerow(BONUS_COLUMNS)
        for c in results:
            for o in c.options:
                writer.writerow([c.contest, c.ballots, o.option, o.proposed_by or "",
                                 "" if o.participation is None else o.participation, o.bonus,
                                 "" if o.likes is None else o.likes, "" if o.score is None else o.score])
        return out.getvalue()
    writer.writerow(CSV_COLUMNS)
    for c in results_words(election, {"results": results_json(results)}):
        for o in c.options:
            writer.writerow([c.contest, c.ballots, o.option, o.name.ko, o.name.en,
                             "" if o.votes is None else o.votes, "" if c.blank is None else c.blank, o.outcome])
    return out.getvalue()


def table(report: TallyReport, election: Election) -> str:
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
    for c in results_words(election, {"results": results_json(report.results)}):
        state = f"withheld: fewer than {report.privacy_floor} ballots" if c.suppressed and c.ballots else \
            f"{c.ballots} ballots"
        lines.append(f"\n{c.name.en} / {c.name.ko} ({c.contest}, {c.rule}, choose {c.min} to {c.max}; {state})")
        if c.suppressed:
            continue
        bonus = bool(election.bonus_bands)
        lines.append(f"{'option':36} {'votes':>6}" + (f" {'proposed by':12} {'turnout':>7} {'bonus':>5} {'score':>6}"
                                                    if bonus else f" {'':4}"))
        for o in sorted(c.options, key=lambda o: (-(o.row.get("score") or 0 if bonus else o.votes or 0), o.option)):
            line = f"{o.name.en + ' (' + o.option + ')':36} {o.votes:6}"
            if bonus:
                r = o.row
                line += (f" {r.get('proposed_by') or '':12} {'' if r.get('participation') is None else r['participation']:>7}"
                         f" {r.get('bonus', 0):5} {'-' if r.get('score') is None else r['score']:>6}")
            else:
                line += f" {o.outcome:4}"
            lines.append(line)
        if c.blank is not None:
            lines.append(f"{'blank':36} {c.blank:6}")
        if c.seats:
            lines.append(outcome_line(c))
    for finding in report.findings:
        lines.append(f"FINDING: {finding}")
    return "\n".join(lines)


def write_results(report: TallyReport, election: Election, folder: Path) -> list[Path]:
    """``results.csv`` and ``results.json`` in ``folder``."""
    folder = Path(folder)
    paths = [folder / "results.csv", folder / "results.json"]
    write_atomic(paths[0], results_csv(report, election).encode("utf-8"))
    write_atomic(paths[1], (json.dumps(report.to_json(), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
    return paths
