"""pabutools recomputes the published selection from the ``.pb`` files alone (``sync.central.pb_recompute``).

pabutools runs in its own environment (GPL; ``tests/pbhelp.py``), in a child process, on files
written by the project's own ``stage_pb``: the whole Ttabok judging (872 proposals, 250 + 200),
hundreds of random stages with every rule the package allows (quotas, count, budget, zero costs,
earlier stages left out, each tie-break, many ties), and files that claim a wrong selection.
"""

from __future__ import annotations

import random
from fractions import Fraction

from ceremonyhelp import format2_election
from kiosk.contract.judging_rules import Stage, Term
from kiosk.contract.ttabok import ttabok_spec
from kiosk.contract.ttabok_judging import DEMO_LOT_SEED, add_judging
from sync.central.judging import Tallied, judge, select_ranked
from sync.central.judging_export import stage_pb, write_selection
from sync.central.selection import Project, by_lot
from tests.judginghelp import judged_spec, made_up_count
from tests.pbhelp import recompute

SMALL = format2_election(judged_spec())
TIE_BREAKS = ("lot", "lower_cost", "package_order")


def test_the_whole_ttabok_judging_is_recomputed_by_pabutools(tmp_path):
    """Both stages of the 872-proposal judging (quotas within a budget, then a count of the rest)."""
    election = format2_election(add_judging(ttabok_spec(872)))
    rng = random.Random(2017)
    tallied = Tallied.from_count(election, made_up_count(election, rng))
    scores = {"experts": {p.id: rng.randint(0, 30) for p in election.judging.projects}}
    stages = judge(election, election.judging, tallied, scores, DEMO_LOT_SEED)
    write_selection(election, stages, DEMO_LOT_SEED, tmp_path)
    code, out, err = recompute(tmp_path)
    assert code == 0, err
    got = {s["stage"]: s for s in out["stages"]}
    assert [len(got[s.stage.id]["selected"]) for s in stages] == [250, 200]
    for s in stages:
        assert got[s.stage.id]["same"] and got[s.stage.id]["selected"] == [x.project for x in s.selected]
    assert got["offline"]["pabutools_runs"] > 2      # the quotas were cut: the layer on top was exercised


def random_stage(rng: random.Random, i: int) -> tuple[Stage, list[Project], frozenset, int | None, str]:
    """One stage the package could hold, chosen to hit every rule: small, with many ties."""
    n = rng.randint(1, 25)
    categories = ["a", "b", "c"][:rng.randint(0, 3)]
    pool = [Project(f"X{i}-{j}", rng.choice([0, 1, 2, 3, 5, 8, 13]) * rng.choice([1, 10]),
                    Fraction(rng.randint(0, 12), rng.choice([1, 1, 2, 3, 7])),
                    rng.choice(categories) if categories else None) for j in range(n)]
    quotas = {c: rng.randint(0, 5) for c in categories if rng.random() < 0.6}
    count = rng.choice([None, None, rng.randint(1, n + 2)])
    budget = rng.choice([None, rng.randint(0, 60), rng.randint(0, 200)])
    if budget is None and count is None:
        budget = rng.randint(0, 100)
    exclude = frozenset(p.id for p in pool if rng.random() < 0.15)
    stage = Stage(f"s{i:03d}", SMALL.title, (Term("members", weight=1),), None, quotas, budget, count, True,
                  rng.choice(TIE_BREAKS))
    return stage, pool, exclude, budget, f"seed {i}"


def ranked(stage: Stage, pool: list[Project], exclude: frozenset, budget: int | None, seed: str):
    """The project's own selection of the stage (judge's tie-breaks on the pool's package order)."""
    place = {p.id: k for k, p in enumerate(pool)}
    ties = {"lot": by_lot(seed), "lower_cost": lambda p: (p.cost, place[p.id]), "package_order": lambda p: place[p.id]}
    return select_ranked(stage, pool, {p.id: (p.points,) for p in pool}, budget, ties[stage.tie_break], exclude)


def test_random_stages_of_every_rule_are_recomputed_the_same(tmp_path):
    """400 stages; the file's selection and pabutools' agree on every one, in the same order."""
    rng = random.Random(15)
    ours = {}
    for i in range(400):
        stage, pool, exclude, budget, seed = random_stage(rng, i)
        result = ranked(stage, pool, exclude, budget, seed)
        ours[stage.id] = [x.project for x in result.selected]
        (tmp_path / f"{stage.id}.pb").write_text(stage_pb(SMALL, result, seed))
    code, out, err = recompute(tmp_path)
    assert code == 0, err
    assert {s["stage"]: s["selected"] for s in out["stages"]} == ours
    runs = [s["pabutools_runs"] for s in out["stages"]]
    assert max(runs) >= 4 and sum(r > 2 for r in runs) > 50      # quotas and counts really cut, often
    assert sum(not sel for sel in ours.values()) < 80             # most stages select something


def test_a_file_claiming_another_selection_is_found(tmp_path):
    """Flipping one project's selected flag, or its exact points, makes pabutools disagree (exit 1)."""
    stage = Stage("offline", SMALL.title, (Term("members", weight=1),), None, {"community": 1}, 300, None, True, "lot")
    pool = [Project("A", 100, Fraction(69), "community"), Project("B", 200, Fraction(93), "community"),
            Project("C", 150, Fraction(45), "space"), Project("D", 50, Fraction(227, 3), "space")]
    text = stage_pb(SMALL, ranked(stage, pool, frozenset(), 300, "s"), "s")
    (tmp_path / "good.pb").write_text(text)
    assert recompute(tmp_path / "good.pb")[1]["stages"][0]["selected"] == ["B", "D"]
    (tmp_path / "flip.pb").write_text(text.replace("C;150;45.000000;space;0;", "C;150;45.000000;space;1;"))
    (tmp_path / "points.pb").write_text(text.replace(";69/1;", ";99/1;"))   # A outranks B, and C fits then
    code, out, _ = recompute(tmp_path / "flip.pb", tmp_path / "points.pb")
    assert code == 1 and [s["same"] for s in out["stages"]] == [False, False]
    assert out["stages"][1]["selected"] == ["A", "D", "C"]
    code, text_out, _ = recompute(tmp_path / "good.pb", tmp_path / "flip.pb", as_json=False)
    assert code == 1 and "good.pb: stage offline: pabutools selects 2 projects" in text_out
    assert "flip.pb: stage offline" in text_out and "NOT the file's selected column" in text_out


def test_a_file_without_our_columns_is_refused_by_name(tmp_path):
    """A pabulib file from elsewhere (no exact points) is refused: exit 2, the file named."""
    (tmp_path / "other.pb").write_text("META\nkey;value\nbudget;10\nvote_type;approval\nnum_projects;1\n"
                                       "PROJECTS\nproject_id;cost;score\nP1;5;3\n")
    code, _, err = recompute(tmp_path / "other.pb")
    assert code == 2 and "other.pb" in err and "points_exact" in err
    code, _, err = recompute(tmp_path / "nothing-here")
    assert code == 2
