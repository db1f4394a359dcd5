"""The results in the election's own words: names, votes, blank ballots and winners by each contest's rule."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import pytest

from kiosk.contract.spec import read_spec
from kiosk.contract.tally_rules import ContestResult, OptionResult
from sync.central.results import results_csv_of
from sync.central.results_page import contest_html, stage_html
from sync.central.results_report import write_results_report
from sync.central.results_words import TIE, WON, contest_lines, contest_words, outcome_line, outcomes
from ceremonyhelp import format2_package
from tests.judginghelp import judged_spec

APARTMENT = Path(__file__).resolve().parents[1] / "docs" / "examples" / "apartment.toml"


@pytest.fixture(scope="module")
def election(tmp_path_factory):
    return format2_package(tmp_path_factory.mktemp("apt"), read_spec(APARTMENT))[0].election


def _result(contest: str, ballots: int, likes: dict, suppressed: bool = False) -> ContestResult:
    return ContestResult(contest, ballots, suppressed, tuple(
        OptionResult(o, None, None, 0, None if suppressed else n, None if suppressed else n) for o, n in likes.items()))


def _json(r: ContestResult) -> dict:
    return {"contest": r.contest, "ballots": r.ballots, "suppressed": r.suppressed,
            "options": [o.__dict__ for o in r.options]}


@pytest.mark.parametrize("votes, elected, expected", [
    ({"a": 5, "b": 3, "c": 1}, 1, {"a": WON}),
    ({"a": 5, "b": 5, "c": 1}, 1, {"a": TIE, "b": TIE}),
    ({"a": 5, "b": 3, "c": 3}, 2, {"a": WON, "b": TIE, "c": TIE}),
    ({"a": 5, "b": 3, "c": 1}, 2, {"a": WON, "b": WON}),
    ({"a": 5, "b": 0, "c": 0}, 2, {"a": WON}),            # no vote never wins, even with a seat free
    ({"a": 0, "b": 0}, 1, {}),
    ({"a": 4, "b": 4}, 2, {"a": WON, "b": WON}),          # a tie that both seats hold is no tie
    ({"a": 4, "b": 1}, 0, {}),                            # the selection stages decide
])
def test_winners_by_the_contests_rule(votes, elected, expected):
    assert outcomes(votes, elected) == expected


def test_single_contest_says_names_blank_and_winner(election):
    c = contest_words(election, _json(_result("chair", 12, {"kim": 7, "park": 4})))
    assert [o.name.en for o in c.options] == ["Kim Min-ji", "Park Jun-ho"]
    assert c.blank == 1 and c.seats == 1
    assert [o.option for o in c.winners] == ["kim"]
    assert outcome_line(c) == "most votes: Kim Min-ji (kim)"


def test_approval_contest_elects_as_many_as_a_voter_may_choose(election):
    c = contest_words(election, _json(_result("works", 12, {"roof": 9, "playground": 6, "cctv": 6})))
    assert c.blank is None                                  # not in the published sums: never claimed
    assert c.seats == 2 and [o.option for o in c.winners] == ["roof"]
    assert sorted(o.option for o in c.tied) == ["cctv", "playground"]
    assert outcome_line(c).startswith("tie: ")


def test_withheld_contest_has_no_votes_and_no_winner(election):
    c = contest_words(election, _json(_result("chair", 3, {"kim": 0, "park": 0}, suppressed=True)))
    assert c.suppressed and c.blank is None and not c.winners
    assert all(o.votes is None for o in c.options)
    assert "withheld" in outcome_line(c)
    assert "<td" not in contest_html(election, _json(_result("chair", 3, {"kim": 0, "park": 0}, suppressed=True)))


def test_csv_of_a_general_election_has_names_and_outcomes_not_ttabok_columns(election):
    results = [_result("chair", 12, {"kim": 7, "park": 4}), _result("works", 12, {"roof": 9, "playground": 6, "cctv": 2})]
    rows = list(csv.DictReader(io.StringIO(results_csv_of(results, election))))
    assert "likes" not in rows[0] and "bonus" not in rows[0]
    kim = next(r for r in rows if r["option"] == "kim")
    assert (kim["name_ko"], kim["name_en"], kim["votes"], kim["blank"], kim["outcome"]) == ("김민지", "Kim Min-ji", "7", "1", WON)
    assert [r["option"] for r in rows if r["outcome"] == WON] == ["kim", "roof", "playground"]


def test_results_page_names_options_and_the_winner(election):
    page = contest_html(election, _json(_result("chair", 12, {"kim": 7, "park": 4})))
    assert "김민지" in page and "Kim Min-ji" in page and "당선" in page and "기권" in page
    assert page.count("<tr>") == 4                          # header, two options, blank


def test_a_contest_of_no_ballots_says_so_not_withheld(election):
    """The floor suppresses a contest of 0 ballots too (even k = 1), but nothing is withheld there."""
    empty = _json(_result("chair", 0, {"kim": 0, "park": 0}, suppressed=True))
    c = contest_words(election, empty)
    assert outcome_line(c) == "no ballots in this contest: nothing to count" and "withheld" not in outcome_line(c)
    page = contest_html(election, empty)
    assert "셀 표가 없습니다" in page and "nothing to count" in page and "withheld" not in page
    assert contest_lines(c, 1, False)[0].endswith(": 0 ballots; nothing to count")


def test_a_stage_names_each_category_by_its_title_on_the_page_and_in_the_pdf(tmp_path):
    """/results and the PDF report name a project's category by the title the parsed rules keep."""
    spec = judged_spec()
    spec["selection"]["categories"][0]["title"] = {"ko": "공동체", "en": "community life"}
    election = format2_package(tmp_path / "e", spec)[0].election
    stage = {"stage": "offline", "budget": 300, "used": 100, "left": 200, "projects": [
        {"project": "A", "category": "community", "cost": 100, "rank": 1, "points": "9.00", "selected": True},
        {"project": "C", "category": "space", "cost": 150, "rank": 2, "points": "3.00", "selected": False,
         "lost": "budget"}]}
    page = stage_html(election, stage)
    assert '<td>공동체 · <span lang="en">community life</span></td>' in page and "<td>space</td>" in page
    write_results_report(tmp_path / "r.pdf", election, {"results": []}, {"stages": [stage]})
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "공동체 /" in text and "community life" in text     # the cell wraps
