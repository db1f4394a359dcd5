"""The end-to-end replay at reduced size (48 communities, 4 stations), on every change.

The whole day of ``bench/ttabok_2017.py``: the authority's commands, four stations opened with
card and PIN, booth processes with members touching the screen (some tokens through the camera,
the rest through a handheld scanner on a socat pty), sealing during the day, three nodes fed by
``kiosk-sync`` daemons with one node killed and back, a kiosk killed mid-cast and replaced, a
token spent at two stations, a USB station, results tapes read back from their QR codes, the
trustees' tally on every node, each node's verify and the standalone verifier; representatives grading
on the booths, the experts' signed scores, the selection published by every node and re-derived by the
verifier. The tally and the selection must equal the plan exactly. The plan's own tests below show the comparison can fail.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from replay.checks import compare  # noqa: E402
from replay.day import Day, Options  # noqa: E402
from replay.plan import Attempt, Voter, expected_results, make_plan  # noqa: E402

from kiosk.contract.ttabok import ttabok_spec  # noqa: E402
from kiosk.contract.ttabok_judging import DEMO_LOT_SEED, add_judging  # noqa: E402
from sync.central.pb_recompute import pabutools_python  # noqa: E402


def tokens_by_style(spec: dict) -> dict[str, list[int]]:
    return {s["id"]: list(range(i * 9, i * 9 + 9)) for i, s in enumerate(spec["styles"])}


def test_the_plan_has_every_case_the_day_needs():
    spec = ttabok_spec(48)
    plan = make_plan(spec, tokens_by_style(spec), 4, other_tokens=9)
    came = {}
    for v in plan.voters:
        came.setdefault(v.style, set()).add(v.token)
    turnout = [len(came.get(s["id"], ())) for s in spec["styles"]]
    assert any(n >= 8 for n in turnout) and any(5 <= n <= 7 for n in turnout) and any(n <= 4 for n in turnout)
    assert sum(plan.unused_by_style.values()) > 0
    likes = [len(v.likes) for v in plan.voters]
    assert 6 in likes and min(likes) < 6
    attempts = [a for s in plan.stations for a in s.queue if isinstance(a, Attempt)]
    assert "other_election" in {a.kind for a in attempts}
    assert all(any(isinstance(v, Voter) and v.camera for v in s.queue) for s in plan.stations)
    first, second = plan.double_use_stations
    assert all(any(v == plan.double_use for v in s.queue) for s in plan.stations if s.station in (first, second))
    killed = next(s for s in plan.stations if s.station == plan.killed_station)
    assert isinstance(killed.queue[plan.kill_at], Voter)
    assert len({first, second, plan.killed_station, plan.usb_station}) == 4
    assert make_plan(spec, tokens_by_style(spec), 4, other_tokens=9).voters == plan.voters  # seeded


def test_the_comparison_catches_one_like_too_many(tmp_path):
    spec = ttabok_spec(24)
    plan = make_plan(spec, tokens_by_style(spec), 4)
    expected = expected_results(spec, plan)
    path = tmp_path / "results.csv"

    def write(rows):
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["contest", "contest_ballots", "option", "proposed_by", "participation", "bonus", "likes",
                        "score"])
            w.writerows(rows)

    rows = [[c, e["ballots"], o, e["proposed_by"], e["participation"], e["bonus"],
             "" if e["likes"] is None else e["likes"], "" if e["score"] is None else e["score"]]
            for (c, o), e in expected.items()]
    write(rows)
    assert compare(expected, path) == []
    rows[3][6] += 1
    write(rows)
    assert len(compare(expected, path)) == 1
    write(rows[1:])
    assert any("missing" in m for m in compare(expected, path))


def test_a_double_use_counts_once_in_the_expected_result():
    spec = ttabok_spec(24)
    plan = make_plan(spec, tokens_by_style(spec), 4)
    assert sum(1 for v in plan.voters if v == plan.double_use) == 2
    with_both = expected_results(spec, plan)
    second = next(s for s in plan.stations if s.station == plan.double_use_stations[1])
    second.queue.remove(plan.double_use)
    assert expected_results(spec, plan) == with_both


def judged_tokens(spec: dict) -> dict[str, list[int]]:
    """9 tokens per members' style, 1 per representative's, indexes in minting order."""
    out, n = {}, 0
    for s in spec["styles"]:
        size = 1 if s["id"].startswith("R") else 9
        out[s["id"]], n = list(range(n, n + size)), n + size
    return out


def test_the_judged_plan_grades_on_kiosks_and_knows_the_selection():
    """Representatives come to their community's station and grade every other proposal of the group; the
    plan's own selection (written from the docs) equals the project's judging on the same count."""
    from collections import Counter

    from kiosk.contract.election import parse_election
    from kiosk.contract.tally_rules import Count
    from replay.expected_selection import expected_selection
    from sync.central.judging import Tallied, judge
    from tests.judginghelp import body_of

    spec = add_judging(ttabok_spec(48))
    plan = make_plan(spec, judged_tokens(spec), 4, other_tokens=9)
    judges = [v for v in plan.voters if v.grades]
    assert 40 <= len(judges) <= 48 and all(len(v.grades) == 11 and not v.likes for v in judges)
    for s in plan.stations:   # each representative votes where their community's members do
        assert {v.style.replace("R", "C") for v in s.queue if isinstance(v, Voter) and v.grades} <= set(s.communities)
    rows = expected_results(spec, plan)
    graded = Counter()
    for v in judges:
        graded.update(dict(v.grades))
    assert all(rows[("G01-R", o)]["likes"] == graded[o] and rows[("G01-R", o)]["participation"] is None
               for o in [f"P{i:03d}.r" for i in range(1, 13)])
    election = parse_election(body_of(spec))
    count = Count()
    cast = {v.token: v for v in plan.voters}.values()
    for v in cast:
        contest = election.style(v.style).contests[0]
        count.add(election, v.style, {contest: dict(v.grades) if v.grades else list(v.likes)})
    experts = {p["id"]: (7 * i) % 31 for i, p in enumerate(spec["selection"]["projects"])}
    stages = judge(election, election.judging, Tallied.from_count(election, count), {"experts": experts}, DEMO_LOT_SEED)
    by_style = Counter(v.style for v in cast)
    assert expected_selection(spec, rows, by_style, experts, DEMO_LOT_SEED) == \
        [(s.stage.id, [x.project for x in s.selected]) for s in stages]
    assert [len(s.selected) for s in stages] == [12, 11]


def test_the_ttabok_replay_at_48_communities_gives_exactly_the_planned_result(tmp_path):
    outcome = Day(Options(communities=48, stations=4, seal_minutes=0, camera_share=0.03, workdir=tmp_path,
                          log=lambda line: None)).run()
    assert outcome.mismatches == []
    assert outcome.checks == {name: True for name in outcome.checks}, outcome.checks
    f = outcome.figures
    assert f["kiosks"] == 5                                   # four stations and one replacement
    assert f["ballots_on_board"] == f["ballots_cast"]        # every ballot cast reached the board
    assert f["ballots_counted"] == f["ballots_cast"] - f["double_uses"]
    assert f["double_uses"] == 1 + bool(f["in_flight_ballot_committed"])
    assert f["camera_voters"] >= 4 and f["unused_tokens"] > 0
    # the judged day: 6 + 4 + 2 offline (the seed's 120/90/40 scaled to 48) and 11 online, as the plan expects
    assert (f["selected_offline"], f["selected_online"], f["planned_selected"]) == (12, 11, 23)
    assert f["selected_by_category_offline"] == {"community": 6, "space": 4, "creation": 2}
    # and pabutools (its own environment, made by `make test`) recomputes both stages from the record's .pb files
    assert f["recomputed_by_pabutools"] is (True if pabutools_python() else None)
