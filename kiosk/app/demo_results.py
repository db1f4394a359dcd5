"""The demo's closing words: the tally's ``results.json`` said in the election's own terms.

The tally's CSV has one set of columns for every election (Ttabok's proposer, turnout, bonus,
likes and score). A newcomer running ``kiosk demo --election FILE`` on a vote of their own should
read their options by name with a vote count, the blank ballots of a contest that allows them and
the leader of a single-choice contest; the proposer, turnout, bonus and score columns appear only
for an election whose tally rules give participation bonus points (Ttabok's).
"""

from __future__ import annotations

from kiosk.contract.election import Contest, Election


def _name(contest: Contest, option_id: str) -> str:
    option = contest.option(option_id)
    return f"{option.title.en} ({option_id})" if option else option_id


def _leader(contest: Contest, votes: dict[str, int]) -> str:
    top = max(votes.values(), default=0)
    leaders = [o for o, n in votes.items() if n == top]
    if not top:
        return "no votes"
    if len(leaders) > 1:
        return "tie: " + ", ".join(_name(contest, o) for o in leaders)
    return "most votes: " + _name(contest, leaders[0])


def contest_lines(election: Election, result: dict, floor: int) -> list[str]:
    """The lines of one contest of ``results.json``: options by name, with the columns its rules ask for."""
    contest = election.contest(result["contest"])
    if contest is None:
        return [f"contest {result['contest']}: not in this election's package"]
    ballots = result.get("ballots", 0)
    head = f"{contest.title.en} ({contest.id}, {contest.rule}, choose {contest.min} to {contest.max}): {ballots} ballots"
    if result.get("suppressed"):
        return [head + f"; votes withheld: fewer than {floor} ballots (the privacy floor)"]
    bonus = bool(election.bonus_bands)
    votes = {o["option"]: o.get("likes") or 0 for o in result.get("options", [])}
    lines = [head]
    for o in result.get("options", []):
        line = f"  {_name(contest, o['option']):40} {votes[o['option']]:6} votes"
        if bonus:
            line += (f"  proposed by {o.get('proposed_by') or '-'}, turnout {o.get('participation') or '-'}, "
                     f"bonus {o.get('bonus', 0)}, score {o.get('score') if o.get('score') is not None else '-'}")
        lines.append(line)
    if contest.rule == "single":
        if contest.min == 0:
            lines.append(f"  {'blank':40} {ballots - sum(votes.values()):6} ballots")
        lines.append("  " + _leader(contest, votes))
    return lines


def result_lines(election: Election, report: dict) -> list[str]:
    """Every contest of a tally report (the ``results.json`` object), in the election's own words."""
    floor = report.get("privacy_floor", election.privacy_floor)
    lines: list[str] = []
    for result in report.get("results", []):
        lines += contest_lines(election, result, floor)
    return lines
