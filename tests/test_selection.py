"""Greedy selection within a budget with a published lot for ties (sync/central/selection)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from sync.central.selection import LOST_BUDGET, LOST_EARLIER, Project, greedy_by_points, lot_key


def test_highest_points_first_and_a_project_that_does_not_fit_is_skipped_not_the_end():
    projects = [Project("a", 60, 10), Project("b", 50, 9), Project("c", 30, 8), Project("d", 10, 1)]
    s = greedy_by_points(projects, 100, "seed")
    assert s.selected == ("a", "c", "d") and (s.used, s.left) == (100, 0)
    assert s.lost == {"b": LOST_BUDGET}


def test_equal_points_are_ordered_by_the_lot_of_the_seed_and_redrawn_the_same():
    projects = [Project(f"p{i}", 10, 5) for i in range(8)]
    one = greedy_by_points(projects, 30, "2017-05-27 seed")
    assert one == greedy_by_points(list(reversed(projects)), 30, "2017-05-27 seed")
    assert list(one.order) == sorted(one.order, key=lambda i: lot_key("2017-05-27 seed", i))
    assert any(greedy_by_points(projects, 30, f"other {n}").selected != one.selected for n in range(5))


def test_an_earlier_stage_selection_is_left_out_and_named():
    s = greedy_by_points([Project("a", 10, 9), Project("b", 10, 1)], 10, "s", exclude=frozenset({"a"}))
    assert s.selected == ("b",) and s.lost == {"a": LOST_EARLIER}


def test_a_budget_below_the_cheapest_selects_nothing_and_says_budget():
    s = greedy_by_points([Project("a", 10, 9)], 5, "s")
    assert s.selected == () and s.lost == {"a": LOST_BUDGET} and s.left == 5


@pytest.mark.parametrize("projects, budget", [([Project("a", 1, 1), Project("a", 1, 1)], 5),
                                              ([Project("a", -1, 1)], 5), ([Project("a", 1, 1)], -1)])
def test_bad_input_is_refused(projects, budget):
    with pytest.raises(ValueError):
        greedy_by_points(projects, budget, "s")


projects_st = st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 50)), max_size=30).map(
    lambda rows: [Project(f"p{i}", cost, points) for i, (cost, points) in enumerate(rows)])


@settings(max_examples=300)
@given(projects=projects_st, budget=st.integers(0, 5000), seed=st.text(max_size=8))
def test_never_over_budget_every_project_accounted_and_no_loser_fits_what_is_left(projects, budget, seed):
    s = greedy_by_points(projects, budget, seed)
    cost = {p.id: p.cost for p in projects}
    assert s.used == sum(cost[i] for i in s.selected) <= budget
    assert set(s.selected) | set(s.lost) == set(cost) and not set(s.selected) & set(s.lost)
    assert all(cost[i] > s.left for i in s.lost)
