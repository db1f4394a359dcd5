"""The demo's closing words: the tally's ``results.json`` said in the election's own terms.

A newcomer running ``kiosk demo --election FILE`` on a vote of their own reads their options by
name with a vote count, the blank ballots of a contest that allows them and the winners by the
contest's rule (:func:`sync.central.results_words.contest_lines`, the same lines as
``kiosk-central results``); the proposer, turnout, bonus and score columns appear only for an election whose tally rules
give participation bonus points (Ttabok's).
"""

from __future__ import annotations

from kiosk.contract.election import Election
from sync.central.results_words import contest_lines, results_words


def result_lines(election: Election, report: dict) -> list[str]:
    """Every contest of a tally report (the ``results.json`` object), in the election's own words."""
    floor = report.get("privacy_floor", election.privacy_floor)
    lines: list[str] = []
    for c in results_words(election, report):
        lines += contest_lines(c, floor, bool(election.bonus_bands))
    return lines
