"""The demo's closing words: the tally's ``results.json`` said in the election's own terms.

A newcomer running ``kiosk demo --election FILE`` on a vote of their own reads their options by
name with a vote count, the blank ballots of a contest that allows them and the winners by the
contest's rule (:mod:`sync.central.results_words`, the same words as the tally's table, CSV and
PDF); the proposer, turnout, bonus and score columns appear only for an election whose tally rules
give participation bonus points (Ttabok's).
"""

from __future__ import annotations

from kiosk.contract.election import Election
from sync.central.results_words import ContestWords, outcome_line, results_words


def contest_lines(election: Election, c: ContestWords, floor: int) -> list[str]:
    """The lines of one contest: options by name, with the columns its rules ask for."""
    head = f"{c.name.en} ({c.contest}, {c.rule}, choose {c.min} to {c.max}): {c.ballots} ballots"
    if c.suppressed:
        return [head + f"; votes withheld: fewer than {floor} ballots (the privacy floor)"]
    lines = [head]
    for o in c.options:
        line = f"  {o.name.en + ' (' + o.option + ')':40} {o.votes:6} votes"
        if election.bonus_bands:
            row = o.row
            line += (f"  proposed by {row.get('proposed_by') or '-'}, turnout {row.get('participation') or '-'}, "
                     f"bonus {row.get('bonus', 0)}, score {row.get('score') if row.get('score') is not None else '-'}")
        lines.append(line)
    if c.blank is not None:
        lines.append(f"  {'blank':40} {c.blank:6} ballots")
    if c.seats:
        lines.append("  " + outcome_line(c))
    return lines


def result_lines(election: Election, report: dict) -> list[str]:
    """Every contest of a tally report (the ``results.json`` object), in the election's own words."""
    floor = report.get("privacy_floor", election.privacy_floor)
    lines: list[str] = []
    for c in results_words(election, report):
        lines += contest_lines(election, c, floor)
    return lines
