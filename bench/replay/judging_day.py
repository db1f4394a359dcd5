"""The judged replay's last step: the experts' signed scores, the selection published on every node, re-checked.

After the count (:mod:`kiosk.app.demo_count`) the authority signs the experts' scores
(``kiosk-central scores add``; made up and seeded, as the demo's costs are: the 2017 experts'
scores are not public) and copies ``scores.json`` to every node and the observer; each node
publishes the selection with its record (``kiosk-central select --data`` with the demo's revealed
lot seed); the observer re-derives it from the exported record and from a node's URL
(``kiosk-central verify --from``), and pabutools recomputes it from the record's ``.pb`` files where
its environment exists (``.venv-pb``, :mod:`sync.central.pb_recompute`). :func:`selection_outcome`
compares it with what the plan expects (:mod:`replay.expected_selection`), the only place that sees it.
"""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter

from kiosk.app.cliutil import EXIT_OK, call
from kiosk.contract.expert_scores import SCORES_FILE
from kiosk.contract.ttabok_judging import DEMO_LOT_SEED
from replay.expected_selection import expected_selection
from replay.plan import expected_results
from sync.central.cli import main as central
from sync.central.pb_recompute import pabutools_python, run_apart

EXPERTS_MAX = 30


def publish_selection(day, nodes: list[str], observer_url: str) -> dict:
    """Scores signed and copied, the selection published on every node, the observer's two checks."""
    rng = random.Random(day.o.seed + 15)
    projects = [p["id"] for p in day.spec["selection"]["projects"]]
    day.experts = {p: rng.randint(0, EXPERTS_MAX) for p in projects}
    path = day.w / "experts.csv"
    path.write_text("project,score\n" + "".join(f"{p},{s}\n" for p, s in day.experts.items()))
    _ok("scores", "add", "--election", day.authority, "--electorate", "experts", path)
    for place in [day.w / "nodes" / n / "election" for n in nodes] + [day.w / "public"]:
        shutil.copy2(day.authority / SCORES_FILE, place / SCORES_FILE)
    for n in nodes:
        _ok("select", "--election", day.w / "nodes" / n / "election", "--data", day.w / "nodes" / n,
            "--lot-seed", DEMO_LOT_SEED)
    published = {n: (day.w / "nodes" / n / "record-official" / "selection.json").read_bytes() for n in nodes}
    record = day.w / "record-selection"
    _ok("board", "export", "--data", day.w / "nodes" / nodes[-1], "--election", day.w / "nodes" / nodes[-1] / "election",
        "--out", record)
    checks = {}
    for name, source, package in (("record", record, record / "election"), ("url", observer_url, day.w / "public")):
        code, text = call(central, "verify", "--from", source, "--election", package, "--json")
        report = json.loads(text) if text.strip().startswith("{") else {}
        checks[name] = code == EXIT_OK and report.get("selection") == json.loads(published[nodes[-1]])
    return {"selection": json.loads(published[nodes[0]]), "equal_on_every_node": len(set(published.values())) == 1,
            "verified": checks, "pabutools": recomputed_by_pabutools(record, json.loads(published[nodes[-1]]))}


def recomputed_by_pabutools(record, published: dict) -> bool | None:
    """Whether pabutools (its own environment, ``.venv-pb``) recomputes every stage from the exported
    record's ``.pb`` files as published; None where no such environment exists."""
    python = pabutools_python()
    if python is None:
        return None
    code, out, _ = run_apart(python, record)
    stages = {s["stage"]: s["selected"] for s in published["stages"]}
    return code == 0 and {s["stage"]: s["selected"] for s in out["stages"]} == stages


def selection_outcome(day, found: dict) -> tuple[list[str], dict]:
    """Mismatches between the published selection and the plan's, and the selection's figures."""
    by_style = Counter(v.style for v in {v.token: v for v in day.plan.voters}.values())
    rows = expected_results(day.spec, day.plan)
    expected = expected_selection(day.spec, rows, by_style, day.experts, DEMO_LOT_SEED)
    stages = found["selection"]["stages"]
    out = [f"stage {stage}: selected {got['selected'][:5]}..., the plan expects {want[:5]}..."
           for (stage, want), got in zip(expected, stages) if got["selected"] != want]
    planned = {s["id"]: sum(s.get("quotas", {}).values()) + s.get("count", 0) for s in day.spec["selection"]["stages"]}
    out += [f"stage {s['stage']}: {len(s['selected'])} selected, the plan's rules give {planned[s['stage']]}"
            for s in stages if len(s["selected"]) != planned[s["stage"]]]
    cost = {p["id"]: p["cost"] for p in day.spec["selection"]["projects"]}
    category = {p["id"]: p["category"] for p in day.spec["selection"]["projects"]}
    figures = {f"selected_{s['stage']}": len(s["selected"]) for s in stages}
    figures["selected_by_category_offline"] = dict(Counter(category[p] for p in stages[0]["selected"]))
    figures["selected_cost_won"] = sum(cost[p] for s in stages for p in s["selected"])
    figures["planned_selected"] = sum(planned.values())
    figures["recomputed_by_pabutools"] = found.get("pabutools")
    if found.get("pabutools") is False:
        out.append("pabutools did not recompute the published selection from the record's .pb files")
    return out, figures


def _ok(*argv) -> str:
    code, out = call(central, *argv)
    if code != EXIT_OK:
        from replay.parts import ReplayError
        raise ReplayError(f"`kiosk-central {' '.join(str(a) for a in argv[:2])}` exited {code}: {out[-600:]}")
    return out
