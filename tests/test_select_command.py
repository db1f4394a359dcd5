"""``kiosk-central scores add`` and ``select``: from the spec to selection.json, .csv and pabulib .pb files."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json

from kiosk.contract.package import load_package
from sync.central.cli import main
from tests.judginghelp import EXPERTS_CSV, LOT_SEED, counted_results, judged_spec


def run(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def read_pb(text: str) -> tuple[dict, list[dict]]:
    """A pabulib file's META and PROJECTS (the format's own layout: sections, a header row, ';')."""
    sections, name = {}, None
    for line in text.splitlines():
        if line in ("META", "PROJECTS", "VOTES"):
            name = line
            sections[name] = []
        else:
            sections[name].append(line)
    assert "VOTES" not in sections  # ballots are secret: only totals are published
    meta = dict(row.split(";", 1) for row in sections["META"][1:])
    projects = list(csv.DictReader(sections["PROJECTS"], delimiter=";"))
    return meta, projects


def package_with_scores(tmp_path, seed=LOT_SEED):
    spec = judged_spec()
    del spec["selection"]["lot_seed_sha256"]
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    code, _, err = run("election", "init", "--out", tmp_path / "e", "--spec", tmp_path / "spec.json",
                       "--lot-seed-sha256", hashlib.sha256(seed.encode()).hexdigest())
    assert code == 0, err
    (tmp_path / "experts.csv").write_text(EXPERTS_CSV)
    code, out, err = run("scores", "add", "--election", tmp_path / "e", "--electorate", "experts", tmp_path / "experts.csv")
    assert code == 0 and "4 scores of experts signed" in out, err
    results = tmp_path / "results.json"
    results.write_text(json.dumps(counted_results(load_package(tmp_path / "e").election)))
    return tmp_path / "e", results


def test_select_publishes_the_hand_computed_selection(tmp_path):
    election, results = package_with_scores(tmp_path)
    code, out, err = run("select", "--election", election, "--results", results, "--lot-seed", LOT_SEED,
                         "--out", tmp_path / "out")
    assert code == 0, err
    assert "stage offline: 2 selected; budget 300 won, used 250, left 50" in out
    assert "not selected: quota" in out and "not selected: budget" in out
    body = json.loads((tmp_path / "out" / "selection.json").read_text())
    offline, online = body["stages"]
    assert offline["selected"] == ["B", "D"] and online["selected"] == ["A"] and body["lot_seed"] == LOT_SEED
    assert [(p["project"], p["points"], p["points_exact"]) for p in offline["projects"]] == \
        [("B", "93.00", "93/1"), ("D", "75.67", "227/3"), ("A", "69.00", "69/1"), ("C", "45.00", "45/1")]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "selection.csv").read_text())))
    assert [(r["stage"], r["project"], r["selected"], r["lost"]) for r in rows][:4] == \
        [("offline", "B", "yes", ""), ("offline", "D", "yes", ""), ("offline", "A", "no", "quota"),
         ("offline", "C", "no", "budget")]
    meta, projects = read_pb((tmp_path / "out" / "online.pb").read_text())
    assert meta["excluded"] == "B,D" and meta["max_projects"] == "1" and meta["num_votes"] == "0"
    assert {p["project_id"]: (p["score"], p["selected"]) for p in projects} == \
        {"A": ("12.000000", "1"), "C": ("3.000000", "0"), "B": ("12.000000", "0"), "D": ("1.000000", "0")}


def test_the_pb_file_alone_gives_back_the_selection(tmp_path):
    """Greedy by the file's score within its budget and META's quotas gives its selected column."""
    election, results = package_with_scores(tmp_path)
    assert run("select", "--election", election, "--results", results, "--lot-seed", LOT_SEED,
               "--out", tmp_path / "out")[0] == 0
    meta, projects = read_pb((tmp_path / "out" / "offline.pb").read_text())
    quotas = dict((c, int(n)) for c, n in (q.split(":") for q in meta["quotas"].split(",")))
    left, taken, picked = int(meta["budget"]), {}, []
    for p in sorted(projects, key=lambda p: -float(p["score"])):  # no ties in this stage
        if taken.get(p["category"], 0) < quotas.get(p["category"], 10 ** 9) and int(p["cost"]) <= left:
            picked.append(p["project_id"])
            left -= int(p["cost"])
            taken[p["category"]] = taken.get(p["category"], 0) + 1
    assert picked == [p["project_id"] for p in projects if p["selected"] == "1"] == ["B", "D"]


def test_a_wrong_seed_or_no_scores_is_refused(tmp_path):
    election, results = package_with_scores(tmp_path)
    code, _, err = run("select", "--election", election, "--results", results, "--lot-seed", "guess")
    assert code == 2 and "not the one the package committed to" in err
    (election / "scores.json").unlink()
    code, _, err = run("select", "--election", election, "--results", results, "--lot-seed", LOT_SEED)
    assert code == 2 and "gave no score for project" in err and "scores add" in err


def test_select_json_and_an_election_without_selection_rules(tmp_path):
    election, results = package_with_scores(tmp_path)
    code, out, _ = run("select", "--election", election, "--results", results, "--lot-seed", LOT_SEED, "--json")
    assert code == 0 and json.loads(out)["stages"][1]["selected"] == ["A"]
    code, _, err = run("election", "init", "--out", tmp_path / "demo", "--demo", "ttabok", "--communities", "13")
    code, _, err = run("select", "--election", tmp_path / "demo", "--results", results)
    assert code == 2 and "has no selection rules" in err
