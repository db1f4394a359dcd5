"""A contest's published result in the election's own words: option names, votes, blank ballots, winners.

Read from one contest of the tally's ``results.json`` (what the node publishes and ``verify --from``
re-derives) and the package: nothing here counts. Every reader of the results uses it (the tally's
table and CSV, the node's ``/results`` page, the PDF results report, the demo's closing words), so
they all say the same.

- ``votes`` is the sum the count decrypted for an option (a ``score`` contest: the sum of its grades).
- ``blank`` is known only for a ``single`` contest that allows no choice: its ballots minus its votes.
  An approval or score contest's blank ballots are not in the published sums (the count adds up
  encrypted choices per option, never per ballot), so none is claimed.
- Winners by the contest's rule: a ``single`` or ``score`` contest elects one, an ``approval`` contest
  as many as a voter may choose (its ``max``). Options tied at the last place are a tie, never
  silently cut. An option with no vote never wins. An election whose package selects projects by
  stages (Ttabok's judging) names its winners in the selection, not per contest.
- A contest under the privacy floor shows no votes and no winner; one with no ballot at all says so
  (:func:`withheld_words`): nothing was withheld there, whatever the floor.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.contract.election import Contest, Election, Title

WON, TIE = "won", "tie"
LOST = {"points": ("점수 부족 (선정 수 마감)", "points short: the stage's count was reached"),
        "quota": ("분야 한도 초과", "its category's quota was full"),
        "budget": ("예산 부족", "not enough budget left"),
        "selected_earlier": ("앞 단계에서 선정됨", "selected in an earlier stage")}
WITHHELD = ("투표지가 공개 하한보다 적어 표 수를 공개하지 않습니다", "counts withheld: fewer ballots than the privacy floor")
NO_BALLOTS = ("이 경선에 투표지가 없어 셀 표가 없습니다", "no ballots in this contest: nothing to count")


@dataclass(frozen=True)
class OptionWords:
    """One option of a published contest; ``votes`` None when withheld."""

    option: str
    name: Title
    votes: int | None
    outcome: str            # WON, TIE or ""
    row: dict               # the results.json row as published (Ttabok's proposer, turnout, bonus, score)


@dataclass(frozen=True)
class ContestWords:
    """One published contest in the election's words."""

    contest: str
    name: Title
    rule: str
    min: int
    max: int
    ballots: int
    suppressed: bool
    options: tuple[OptionWords, ...]
    blank: int | None
    seats: int              # how many the rule elects; 0 when the selection decides

    @property
    def winners(self) -> list[OptionWords]:
        return [o for o in self.options if o.outcome == WON]

    @property
    def tied(self) -> list[OptionWords]:
        return [o for o in self.options if o.outcome == TIE]


def both(title: Title) -> str:
    """A name as "Korean / English" (once when the two are the same, as for an id)."""
    return title.ko if title.ko == title.en else f"{title.ko} / {title.en}"


def seats(election: Election, contest: Contest) -> int:
    """How many options the contest's rule elects (0 when the package's selection stages decide)."""
    if election.judging is not None and election.judging.stages:
        return 0
    return contest.max if contest.rule == "approval" else 1


def outcomes(votes: dict[str, int], elected: int) -> dict[str, str]:
    """WON for the ``elected`` options with the most votes, TIE for those tied across the last place."""
    ranked = sorted((n for n in votes.values() if n > 0), reverse=True)
    if elected <= 0 or not ranked:
        return {}
    cut = ranked[min(elected, len(ranked)) - 1]           # the votes of the last place
    above = sum(n > cut for n in ranked)
    at_cut = [o for o, n in votes.items() if n == cut]
    tie = above + len(at_cut) > elected
    out = {o: WON for o, n in votes.items() if n > cut}
    out.update({o: TIE if tie else WON for o in at_cut})
    return out


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def contest_words(election: Election, result: dict) -> ContestWords | None:
    """One contest of ``results.json`` in the election's words; None when the package has no such contest."""
    contest = election.contest(result.get("contest")) if isinstance(result.get("contest"), str) else None
    if contest is None:
        return None
    suppressed = bool(result.get("suppressed"))
    rows = [o for o in result.get("options", []) if isinstance(o, dict)]
    votes = {} if suppressed else {str(o.get("option")): _int(o.get("likes")) or 0 for o in rows}
    elected = seats(election, contest)
    won = outcomes(votes, elected)
    ballots = _int(result.get("ballots")) or 0
    blank = (ballots - sum(votes.values())
             if contest.rule == "single" and contest.min == 0 and not suppressed else None)
    options = []
    for o in rows:
        option = contest.option(str(o.get("option")))
        name = option.title if option else Title(str(o.get("option")), str(o.get("option")))
        options.append(OptionWords(str(o.get("option")), name, None if suppressed else votes[str(o.get("option"))],
                                   won.get(str(o.get("option")), ""), o))
    return ContestWords(contest.id, contest.title, contest.rule, contest.min, contest.max, ballots, suppressed,
                        tuple(options), blank, elected)


def results_words(election: Election, report: dict) -> list[ContestWords]:
    """Every contest of a ``results.json`` object the package knows, in ballot order."""
    out = [contest_words(election, r) for r in report.get("results", []) if isinstance(r, dict)]
    return [c for c in out if c is not None]


def withheld_words(c: ContestWords) -> tuple[str, str]:
    """Why a suppressed contest shows no votes (Korean, English): too few ballots, or none at all (the
    floor suppresses a contest of 0 ballots too, even a floor of 1, but there nothing is withheld)."""
    return NO_BALLOTS if c.ballots == 0 else WITHHELD


def outcome_line(c: ContestWords) -> str:
    """The contest's outcome in English: who won, a tie, or why there is none."""
    if c.suppressed:
        return withheld_words(c)[1]
    if c.seats == 0:
        return "decided by the selection stages"
    if c.tied:
        return "tie: " + ", ".join(f"{o.name.en} ({o.option})" for o in c.tied) + (
            "; elected: " + ", ".join(f"{o.name.en} ({o.option})" for o in c.winners) if c.winners else "")
    if not c.winners:
        return "no votes"
    word = "most votes" if c.seats == 1 else f"elected ({c.seats})"
    return f"{word}: " + ", ".join(f"{o.name.en} ({o.option})" for o in c.winners)


def project_title(election: Election, project: str) -> Title | None:
    """A selected project's name: the title of the first option that stands for it (None when there is none)."""
    rules = election.judging
    found = next((p for p in rules.projects if p.id == project), None) if rules else None
    for option_id in (found.options if found else ()):
        for contest in election.contests:
            option = contest.option(option_id)
            if option is not None:
                return option.title
    return None


def category_title(election: Election, category: object) -> Title | None:
    """A category's name from the package's parsed rules (None when the package declares none such)."""
    found = election.judging.category(category) if election.judging else None
    return found.title if found else None


def contest_lines(c: ContestWords, floor: int, bonus: bool) -> list[str]:
    """One contest as lines for a terminal: options by name with votes, then blank ballots and the outcome.

    ``bonus``: the election gives participation bonus points (Ttabok's), so each option also says its
    proposer, turnout, bonus and score."""
    head = f"{c.name.en} ({c.contest}, {c.rule}, choose {c.min} to {c.max}): {c.ballots} ballots"
    if c.suppressed:
        return [head + (f"; votes withheld: fewer than {floor} ballots (the privacy floor)" if c.ballots else
                        "; nothing to count")]
    lines = [head]
    for o in c.options:
        line = f"  {o.name.en + ' (' + o.option + ')':40} {o.votes:6} votes"
        if bonus:
            row = o.row
            line += (f"  proposed by {row.get('proposed_by') or '-'}, turnout {row.get('participation') or '-'}, "
                     f"bonus {row.get('bonus', 0)}, score {row.get('score') if row.get('score') is not None else '-'}")
        lines.append(line)
    if c.blank is not None:
        lines.append(f"  {'blank':40} {c.blank:6} ballots")
    if c.seats:
        lines.append("  " + outcome_line(c))
    return lines
