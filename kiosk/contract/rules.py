"""Vote rules: does a voter's set of selections fit a ballot style?

``check_selections`` is pure and says exactly which rule each selection breaks, as values
(:class:`SelectionProblem`) that the booth turns into words in the voter's language.
Selections are ``{contest_id: [option_id, ...]}``; a contest left out counts as no choice. A
``score`` contest takes ``{option_id: grade}`` instead: each option the style shows gets a whole
grade in the contest's ``min..max``; when ``min`` is 0 an option may be left out (no grade, the same
as 0), otherwise every shown option must be graded.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from kiosk.contract.election import Election


class Problem(enum.Enum):
    NOT_A_MAPPING = "not_a_mapping"
    UNKNOWN_STYLE = "unknown_style"
    CONTEST_NOT_ON_BALLOT = "contest_not_on_ballot"
    NOT_A_LIST = "not_a_list"
    UNKNOWN_OPTION = "unknown_option"
    EXCLUDED_OPTION = "excluded_option"
    DUPLICATE_OPTION = "duplicate_option"
    TOO_MANY = "too_many"
    TOO_FEW = "too_few"
    NOT_GRADES = "not_grades"
    BAD_GRADE = "bad_grade"
    UNGRADED = "ungraded"


@dataclass(frozen=True)
class SelectionProblem:
    """One broken rule: which, where, and the limit it broke."""

    problem: Problem
    contest: str | None = None
    option: str | None = None
    limit: int | None = None

    def __str__(self) -> str:
        where = f"contest {self.contest!r}" if self.contest else "the ballot"
        return {
            Problem.NOT_A_MAPPING: "selections must map contest ids to lists of option ids",
            Problem.UNKNOWN_STYLE: "the ballot style is not in this election",
            Problem.CONTEST_NOT_ON_BALLOT: f"{where} is not on this ballot",
            Problem.NOT_A_LIST: f"{where}: the choices must be a list of option ids",
            Problem.UNKNOWN_OPTION: f"{where}: option {self.option!r} is not in this contest",
            Problem.EXCLUDED_OPTION: f"{where}: option {self.option!r} cannot be chosen on this ballot "
                                     "(for example your own community's proposal)",
            Problem.DUPLICATE_OPTION: f"{where}: option {self.option!r} is chosen twice",
            Problem.TOO_MANY: f"{where}: at most {self.limit} may be chosen",
            Problem.TOO_FEW: f"{where}: at least {self.limit} must be chosen",
            Problem.NOT_GRADES: f"{where}: the grades must map option ids to whole numbers",
            Problem.BAD_GRADE: f"{where}: option {self.option!r} has a grade outside the allowed range "
                               f"(at most {self.limit})",
            Problem.UNGRADED: f"{where}: option {self.option!r} has no grade (every option must be graded)",
        }[self.problem]


def check_selections(election: Election, style_id: str, selections: Any) -> list[SelectionProblem]:
    """Every rule the selections break on the given ballot style; empty when they are valid."""
    style = election.style(style_id)
    if style is None:
        return [SelectionProblem(Problem.UNKNOWN_STYLE)]
    if not isinstance(selections, dict):
        return [SelectionProblem(Problem.NOT_A_MAPPING)]
    problems: list[SelectionProblem] = []
    for contest_id in selections:
        if contest_id not in style.contests:
            problems.append(SelectionProblem(Problem.CONTEST_NOT_ON_BALLOT, contest=str(contest_id)))
    for contest_id in style.contests:
        contest = election.contest(contest_id)
        if contest.is_score:
            problems += _check_grades(contest, style.exclude, selections.get(contest_id, {}))
            continue
        chosen = selections.get(contest_id, [])
        if not isinstance(chosen, list):
            problems.append(SelectionProblem(Problem.NOT_A_LIST, contest=contest_id))
            continue
        seen: set[str] = set()
        for option_id in chosen:
            if not isinstance(option_id, str) or contest.option(option_id) is None:
                problems.append(SelectionProblem(Problem.UNKNOWN_OPTION, contest_id, str(option_id)))
            elif option_id in style.exclude:
                problems.append(SelectionProblem(Problem.EXCLUDED_OPTION, contest_id, option_id))
            elif option_id in seen:
                problems.append(SelectionProblem(Problem.DUPLICATE_OPTION, contest_id, option_id))
            if isinstance(option_id, str):
                seen.add(option_id)
        if len(chosen) > contest.max:
            problems.append(SelectionProblem(Problem.TOO_MANY, contest_id, limit=contest.max))
        if len(chosen) < contest.min:
            problems.append(SelectionProblem(Problem.TOO_FEW, contest_id, limit=contest.min))
    return problems


def _check_grades(contest, exclude: frozenset, grades: Any) -> list[SelectionProblem]:
    """The problems of one score contest's ``{option_id: grade}``."""
    cid = contest.id
    if not isinstance(grades, dict):
        return [SelectionProblem(Problem.NOT_GRADES, contest=cid)]
    problems = []
    for option_id, grade in grades.items():
        if not isinstance(option_id, str) or contest.option(option_id) is None:
            problems.append(SelectionProblem(Problem.UNKNOWN_OPTION, cid, str(option_id)))
        elif option_id in exclude:
            problems.append(SelectionProblem(Problem.EXCLUDED_OPTION, cid, option_id))
        elif isinstance(grade, bool) or not isinstance(grade, int) or not contest.min <= grade <= contest.max:
            problems.append(SelectionProblem(Problem.BAD_GRADE, cid, option_id, limit=contest.max))
    if contest.min > 0:
        problems += [SelectionProblem(Problem.UNGRADED, cid, o.id) for o in contest.options
                     if o.id not in exclude and o.id not in grades]
    return problems


def grade_of(selections: dict, contest_id: str, option_id: str) -> int:
    """The grade a valid score selection gives an option (0 when it gives none)."""
    return int(selections.get(contest_id, {}).get(option_id, 0))


def normalise_selections(election: Election, style_id: str, selections: dict) -> dict:
    """Valid selections in their canonical form: every contest of the style, options in ballot order.

    A score contest keeps ``{option_id: grade}`` with the options left ungraded (0) left out.
    """
    style = election.style(style_id)
    out = {}
    for contest_id in style.contests:
        contest = election.contest(contest_id)
        if contest.is_score:  # ballot order, no-grade (0) left out
            grades = selections.get(contest_id, {})
            out[contest_id] = {o.id: grades[o.id] for o in contest.options if grades.get(o.id, 0)}
            continue
        chosen = set(selections.get(contest_id, []))
        out[contest_id] = [o.id for o in contest.options if o.id in chosen]
    return out
