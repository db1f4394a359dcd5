"""Vote rules: each broken rule is named, valid selections pass."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceremonyhelp import format2_election
from kiosk.contract.rules import Problem, SelectionProblem, check_selections, normalise_selections
from kiosk.contract.spec import read_spec
from kiosk.contract.ttabok import ttabok_spec

KEY = "ab" * 32


def election_of(spec):
    return format2_election(spec, KEY)


TTABOK = election_of(ttabok_spec(24))
APARTMENT = election_of(read_spec(Path(__file__).resolve().parent.parent / "docs/examples/apartment.toml"))


def codes(election, style, selections):
    return [(p.problem, p.contest, p.option) for p in check_selections(election, style, selections)]


def test_six_likes_of_others_are_valid():
    assert codes(TTABOK, "C001", {"G01": ["P002", "P003", "P004", "P005", "P006", "P007"]}) == []
    assert codes(TTABOK, "C001", {}) == []  # liking nobody is allowed (min 0)


def test_seventh_like_is_too_many():
    chosen = ["P002", "P003", "P004", "P005", "P006", "P007", "P008"]
    assert codes(TTABOK, "C001", {"G01": chosen}) == [(Problem.TOO_MANY, "G01", None)]
    assert check_selections(TTABOK, "C001", {"G01": chosen})[0].limit == 6


def test_own_community_is_excluded():
    assert codes(TTABOK, "C005", {"G01": ["P005"]}) == [(Problem.EXCLUDED_OPTION, "G01", "P005")]


def test_option_of_another_group_and_other_contest():
    assert codes(TTABOK, "C001", {"G01": ["P013"]}) == [(Problem.UNKNOWN_OPTION, "G01", "P013")]
    assert codes(TTABOK, "C001", {"G02": ["P013"]}) == [(Problem.CONTEST_NOT_ON_BALLOT, "G02", None)]


def test_duplicates_and_shapes():
    assert codes(TTABOK, "C001", {"G01": ["P002", "P002"]}) == [(Problem.DUPLICATE_OPTION, "G01", "P002")]
    assert codes(TTABOK, "C001", {"G01": "P002"}) == [(Problem.NOT_A_LIST, "G01", None)]
    assert codes(TTABOK, "C001", ["P002"]) == [(Problem.NOT_A_MAPPING, None, None)]
    assert codes(TTABOK, "C999", {}) == [(Problem.UNKNOWN_STYLE, None, None)]


def test_single_choice_allows_one_or_blank():
    assert codes(APARTMENT, "owner", {"chair": ["kim"], "works": ["roof", "cctv"]}) == []
    assert codes(APARTMENT, "owner", {"chair": []}) == []
    assert codes(APARTMENT, "owner", {"chair": ["kim", "park"]}) == [(Problem.TOO_MANY, "chair", None)]
    assert codes(APARTMENT, "tenant", {"chair": ["kim"]}) == [(Problem.CONTEST_NOT_ON_BALLOT, "chair", None)]


def test_too_few_is_named():
    body = read_spec(Path(__file__).resolve().parent.parent / "docs/examples/apartment.toml")
    body["contests"][1]["min"] = 1
    e = election_of(body)
    assert codes(e, "tenant", {}) == [(Problem.TOO_FEW, "works", None)]


def test_normal_form_is_ballot_order_with_every_contest():
    assert normalise_selections(APARTMENT, "owner", {"works": ["cctv", "roof"]}) == \
        {"chair": [], "works": ["roof", "cctv"]}


@pytest.mark.parametrize("problem", list(Problem))
def test_every_problem_has_words(problem):
    assert str(SelectionProblem(problem, "G01", "P002", 6))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=5) | st.sampled_from(["G01", "G02"]),
                       st.lists(st.text(max_size=5) | st.sampled_from(["P001", "P002", "P013"]), max_size=9)
                       | st.integers() | st.none(), max_size=3))
def test_any_selection_gives_a_list_of_problems(selections):
    result = check_selections(TTABOK, "C001", selections)
    assert all(isinstance(p, SelectionProblem) for p in result)



def test_counts_are_shown_only_when_every_option_was_on_k_ballots():
    from kiosk.contract.tally_rules import Count, contest_results, counts_shown

    # G01 has 12 ballots, k = 10; but P001 (community 001's own) is only on C002's 2 ballots:
    # its count would tell how those 2 voted
    assert not counts_shown(TTABOK, "G01", {"C001": 10, "C002": 2})
    assert counts_shown(TTABOK, "G01", {"C001": 10, "C002": 10})
    assert counts_shown(TTABOK, "G01", {"C001": 5, "C002": 5, "C003": 5})  # each option on >= 10
    assert not counts_shown(TTABOK, "G01", {"C001": 9})
    count = Count()
    for style, n in (("C001", 10), ("C002", 2)):
        for _ in range(n):
            count.add(TTABOK, style, {"G01": []})
    g01 = next(c for c in contest_results(TTABOK, count) if c.contest == "G01")
    assert g01.ballots == 12 and g01.suppressed and all(o.likes is None for o in g01.options)
    assert [o.participation for o in g01.options[:2]] == [10, 2]  # turnout is no selection: shown
