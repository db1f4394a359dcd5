"""A privacy floor per electorate: the representatives' grades at their own k, the members' likes at the
election's; a contest that can never reach its floor is named by election show and tokens freeze."""

from __future__ import annotations

import json

import pytest

from kiosk.contract.election import parse_election
from kiosk.contract.tally_rules import Count, contest_results, floor_warnings
from kiosk.contract.ttabok import ttabok_spec
from kiosk.contract.ttabok_judging import add_judging
from kiosk.errors import ValidationError
from tests.judginghelp import MEMBERS, REPRESENTATIVES, body_of, judged_spec
from tests.test_select_command import run


def floors(members: int = 6, representatives: int | None = 3) -> dict:
    spec = judged_spec()
    spec["privacy_floor"] = members
    if representatives is not None:
        spec["electorates"][1]["privacy_floor"] = representatives
    return spec


def test_each_contest_takes_the_floor_of_the_electorate_that_votes_on_it():
    election = parse_election(body_of(floors()))
    assert election.contest_floors == {"likes": 6, "grades": 3} and election.lowest_floor == 3
    count = Count()
    for style, likes in MEMBERS:          # 5 members: under the members' 6
        count.add(election, style, {"likes": likes})
    for style, grades in REPRESENTATIVES:  # 3 representatives: each graded proposal on at least 2 ballots
        count.add(election, style, {"grades": grades})
    shown = {c.contest: c.suppressed for c in contest_results(election, count)}
    assert shown == {"likes": True, "grades": True}   # RA, RB, RC, RD: each on 2 ballots, under 3
    count.add(election, "rD", {"grades": {"RA": 2, "RB": 2, "RC": 2}})
    results = {c.contest: c for c in contest_results(election, count)}
    assert not results["grades"].suppressed and results["likes"].suppressed
    assert {o.option: o.likes for o in results["grades"].options} == {"RA": 9, "RB": 11, "RC": 7, "RD": 10}
    # without a floor of its own the electorate takes the election's
    assert parse_election(body_of(floors(representatives=None))).contest_floors == {"likes": 6, "grades": 6}


def test_an_electorate_without_ballots_has_no_floor():
    spec = floors()
    spec["electorates"][2]["privacy_floor"] = 5
    with pytest.raises(ValidationError) as e:
        parse_election(body_of(spec))
    assert "electorates[2].privacy_floor" in str(e.value)


def test_the_ttabok_demo_keeps_k_10_for_members_and_gives_representatives_5():
    election = parse_election(body_of(add_judging(ttabok_spec())))
    assert election.privacy_floor == 10
    assert {election.contest_floors[c] for c in ("G01", "G73")} == {10}
    assert {election.contest_floors[c] for c in ("G01-R", "G73-R")} == {5}
    tokens = {s.id: 1 if s.id.startswith("R") else 9 for s in election.styles}
    assert floor_warnings(election, tokens) == []
    spec = add_judging(ttabok_spec())
    spec["electorates"][1]["privacy_floor"] = 10   # the representatives at the members' k
    warned = floor_warnings(parse_election(body_of(spec)), tokens)
    assert warned == ["contest G73-R: option P865.r can be on at most 7 ballots (every official token of the styles "
                      "showing it cast), fewer than the contest's privacy floor 10: its counts will never be published"]


def test_election_show_and_tokens_freeze_name_a_contest_that_can_never_reach_its_floor(tmp_path):
    (tmp_path / "spec.json").write_text(json.dumps(floors(members=2, representatives=4)))
    code, out, err = run("election", "init", "--out", tmp_path / "e", "--spec", tmp_path / "spec.json")
    assert code == 0 and "electorates with their own: representatives 4" in out, err
    for style in ("mA", "mB", "mC", "mD"):
        assert run("tokens", "mint", "--election", tmp_path / "e", "--style", style, "--count", 2,
                   "--out", tmp_path / f"t-{style}")[0] == 0
    code, out, _ = run("election", "show", tmp_path / "e", "--json")
    assert json.loads(out)["floor_warnings"] == [] and json.loads(out)["electorate_floors"] == {"representatives": 4}
    for style in ("rA", "rB", "rC", "rD"):   # one representative a community: each proposal on 3 ballots
        assert run("tokens", "mint", "--election", tmp_path / "e", "--style", style, "--count", 1,
                   "--out", tmp_path / f"t-{style}")[0] == 0
    code, out, _ = run("election", "show", tmp_path / "e")
    assert code == 0 and "warning: contest grades: option RA can be on at most 3 ballots" in out
    code, out, err = run("tokens", "freeze", "--election", tmp_path / "e")
    assert code == 0 and "token roll frozen" in out and "contest grades: option RA" in err
    assert "contest likes" not in err
