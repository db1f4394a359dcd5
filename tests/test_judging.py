"""The judging on top of the count: combined points (representatives 70 + experts 30; likes + bonus),
stages with quotas, budget, count and tie-break, checked against hand-computed figures."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from kiosk.contract.election import parse_election
from kiosk.contract.judging_rules import judging_rules
from kiosk.contract.tally_rules import Count
from kiosk.errors import KioskError
from sync.central.judging import Tallied, judge
from sync.central.selection import LOST_BUDGET, LOST_EARLIER, LOST_POINTS, LOST_QUOTA, lot_key
from tests.judginghelp import LOT_SEED, body_of, judged_spec, tally_json

MEMBERS = [("mA", ["PB", "PC"]), ("mA", ["PB"]), ("mB", ["PA", "PC"]), ("mB", ["PC", "PD"]), ("mC", ["PA"])]
REPRESENTATIVES = [("rA", {"RB": 5, "RC": 3, "RD": 4}), ("rB", {"RA": 4, "RC": 2, "RD": 5}),
                   ("rC", {"RA": 3, "RB": 4, "RD": 1})]
EXPERTS = {"experts": {"A": 20, "B": 30, "C": 10, "D": 29}}


def counted(spec=None, members=MEMBERS, representatives=REPRESENTATIVES):
    election = parse_election(body_of(spec or judged_spec()))
    count = Count()
    for style, likes in members:
        count.add(election, style, {"likes": likes})
    for style, grades in representatives:
        count.add(election, style, {"grades": grades})
    return election, judging_rules(election), Tallied.from_count(election, count)


def test_the_hand_computed_case():
    election, rules, tallied = counted()
    offline, online = judge(election, rules, tallied, EXPERTS, LOT_SEED)
    # representatives: RA 7 of 2 ballots x 5, RB 9/10, RC 5/10, RD 10/15 (rD cast nothing)
    points = {r.project: r.points for r in offline.rows}
    assert points == {"A": 49 + 20, "B": 63 + 30, "C": 35 + 10, "D": Fraction(140, 3) + 29}
    assert {r.project: r.parts for r in offline.rows}["D"] == (Fraction(140, 3), Fraction(29))
    # B (93) then D (75.67) fit 300; A: the community quota (1) is full; C (150) does not fit the 50 left
    assert [r.project for r in offline.selected] == ["B", "D"] and (offline.used, offline.left) == (250, 50)
    assert {r.project: r.lost for r in offline.rows} == {"A": LOST_QUOTA, "B": None, "C": LOST_BUDGET, "D": None}
    # online: likes + bonus (2+ members voting: 10): A 2+10, B 2+10, C 3+0, D 1+0; B and D already selected
    assert {r.project: r.points for r in online.rows} == {"A": 12, "B": 12, "C": 3, "D": 1}
    assert [r.project for r in online.selected] == ["A"]
    assert {r.project: r.lost for r in online.rows} == {"A": None, "B": LOST_EARLIER, "C": LOST_POINTS,
                                                         "D": LOST_EARLIER}
    assert online.budget is None and [r.rank for r in online.rows] == [1, None, 2, None]


def test_results_json_gives_the_same_judging_as_the_count():
    election, rules, tallied = counted()
    count = Count()
    for style, likes in MEMBERS:
        count.add(election, style, {"likes": likes})
    for style, grades in REPRESENTATIVES:
        count.add(election, style, {"grades": grades})
    again = Tallied.from_results(election, tally_json(election, count))
    assert judge(election, rules, again, EXPERTS, LOT_SEED) == judge(election, rules, tallied, EXPERTS, LOT_SEED)


def test_the_total_budget_caps_each_stage_and_the_next_gets_what_is_left():
    spec = judged_spec()
    spec["selection"]["budget"] = 240
    spec["selection"]["stages"][1]["count"] = 2
    election, rules, tallied = counted(spec)
    offline, online = judge(election, rules, tallied, EXPERTS, LOT_SEED)
    # B (200) fits 240; D (50) then no longer fits; A: quota; C (150): budget
    assert offline.budget == 240 and [r.project for r in offline.selected] == ["B"]
    assert {r.project: r.lost for r in offline.rows} == {"A": LOST_QUOTA, "B": None, "C": LOST_BUDGET, "D": LOST_BUDGET}
    # the online stage has the 40 won left: nothing of A (100), C (150), D (50) fits
    assert online.budget == 40 and online.selected == []
    assert {r.project: r.lost for r in online.rows} == {"A": LOST_BUDGET, "B": LOST_EARLIER, "C": LOST_BUDGET,
                                                         "D": LOST_BUDGET}


def test_equal_points_follow_the_lot_of_the_committed_seed():
    spec = judged_spec()
    spec["selection"]["stages"][1]["exclude_earlier"] = False
    election, rules, tallied = counted(spec)
    online = judge(election, rules, tallied, EXPERTS, LOT_SEED)[1]
    first = min("AB", key=lambda p: lot_key(LOT_SEED, p))  # A and B both have 12 points
    assert [r.project for r in online.selected] == [first]


@pytest.mark.parametrize("rule, first", [("lower_cost", "A"), ("package_order", "A")])
def test_a_named_tie_break(rule, first):
    spec = judged_spec()
    spec["selection"]["stages"][1].update(exclude_earlier=False, tie_break=rule)
    election, rules, tallied = counted(spec)
    assert [r.project for r in judge(election, rules, tallied, EXPERTS, LOT_SEED)[1].selected] == [first]


def test_a_wrong_or_missing_lot_seed_is_refused():
    election, rules, tallied = counted()
    with pytest.raises(KioskError, match="not the one the package committed"):
        judge(election, rules, tallied, EXPERTS, LOT_SEED + " ")
    with pytest.raises(KioskError, match="--lot-seed"):
        judge(election, rules, tallied, EXPERTS, None)


def test_a_project_without_an_expert_score_is_refused_naming_it():
    election, rules, tallied = counted()
    with pytest.raises(KioskError, match="no score for project 'C'"):
        judge(election, rules, tallied, {"experts": {"A": 1, "B": 2, "D": 3}}, LOT_SEED)


def test_counts_withheld_by_the_privacy_floor_cannot_rank():
    spec = judged_spec()
    spec["privacy_floor"] = 3
    election, rules, tallied = counted(spec)
    with pytest.raises(KioskError, match="privacy floor"):
        judge(election, rules, tallied, EXPERTS, LOT_SEED)


ballots = st.lists(st.tuples(st.sampled_from("ABCD"), st.integers(0, 15)), max_size=12)


@settings(max_examples=150, deadline=None)
@given(members=ballots, reps=ballots, experts=st.lists(st.integers(0, 30), min_size=4, max_size=4),
       costs=st.lists(st.integers(1, 300), min_size=4, max_size=4), budget=st.integers(50, 700))
def test_every_stage_keeps_its_limits_and_explains_every_loser(members, reps, experts, costs, budget):
    spec = judged_spec()
    for p, c in zip(spec["selection"]["projects"], costs):
        p["cost"] = c
    spec["selection"]["stages"][0]["budget"] = max(budget, min(costs))
    others = lambda x: [o for o in "ABCD" if o != x]  # noqa: E731
    m = [(f"m{x}", [f"P{o}" for k, o in enumerate(others(x)) if n >> k & 1][:2]) for x, n in members]
    r = [(f"r{x}", {f"R{o}": 1 + (n + k) % 5 for k, o in enumerate(others(x))}) for x, n in reps]
    m += [("mA", ["PB"]), ("mB", [])]  # every option on a ballot: the floor (1) withholds nothing
    r += [("rA", {"RB": 1, "RC": 1, "RD": 1}), ("rB", {"RA": 1, "RC": 1, "RD": 1})]
    election, rules, tallied = counted(spec, m, r)
    scores = {"experts": dict(zip("ABCD", experts))}
    stages = judge(election, rules, tallied, scores, LOT_SEED)
    assert stages == judge(election, rules, tallied, scores, LOT_SEED)
    earlier: set[str] = set()
    for result in stages:
        picked = result.selected
        assert result.used == sum(x.cost for x in picked) and (result.budget is None or result.used <= result.budget)
        assert result.stage.count is None or len(picked) <= result.stage.count
        for cat, q in result.stage.quotas.items():
            assert sum(x.category == cat for x in picked) <= q
        for x in result.rows:
            assert x.selected == (x.lost is None)
            assert (x.lost == LOST_EARLIER) == (x.project in earlier and result.stage.exclude_earlier)
            if x.lost == LOST_BUDGET:
                assert x.cost > result.budget - sum(y.cost for y in picked if y.rank < x.rank)
            if x.selected or x.lost not in (None, LOST_EARLIER):  # ranked: nobody above it has fewer points
                assert all(y.points >= x.points for y in result.rows if y.rank and y.rank < x.rank)
        earlier |= {x.project for x in picked}


json_values = st.recursive(st.none() | st.booleans() | st.integers(-3, 50) | st.text(max_size=5),
                           lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids, max_size=3),
                           max_leaves=10)


@settings(max_examples=300, deadline=None)
@given(where=st.sampled_from(["results", "styles", "option", "likes", "whole"]), value=json_values)
def test_a_damaged_results_json_is_read_or_refused_naming_the_place(where, value):
    from kiosk.errors import FormatError
    election, _, _ = counted()
    count = Count()
    count.add(election, "mA", {"likes": ["PB"]})
    body = tally_json(election, count)
    if where == "whole":
        body = value
    elif where in ("results", "styles"):
        body[where] = value
    elif where == "option":
        body["results"][0]["options"][0] = value
    else:
        body["results"][0]["options"][0]["likes"] = value
    try:
        Tallied.from_results(election, body)
    except FormatError as e:
        assert "results.json" in str(e)
