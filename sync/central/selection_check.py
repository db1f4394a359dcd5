"""The published selection re-derived from the record: what ``kiosk-central verify --from`` checks last (pure).

After the results are re-derived from the board and the trustees' partials
(:mod:`sync.central.record_check`), the package's selection stages are applied to them again
(:func:`sync.central.judging.judge`) with the authority-signed experts' scores (``scores.json``
in the package directory) and the lot seed the published ``selection.json`` reveals, checked against
the SHA-256 the package committed to before the polls opened. The result must equal the published
``selection.json`` field by field; the first difference is named by stage and project.
"""

from __future__ import annotations

from kiosk.contract.election import Election
from kiosk.contract.expert_scores import SCORES_FILE, load_scores
from kiosk.contract.findings import Finding, note, ok, problem
from kiosk.contract.tally_rules import Count
from kiosk.errors import KioskError
from sync.central.judging import Tallied, judge
from sync.central.judging_export import selection_json

PLACE = "selection.json"
STAGE_FIELDS = ("budget", "used", "left", "count", "quotas", "tie_break", "selected")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def selection_difference(published: object, derived: dict) -> str | None:
    """The first way ``published`` differs from the re-derived ``derived`` selection, or None."""
    if not isinstance(published, dict) or not isinstance(published.get("stages"), list):
        return "not a selection file with a list of stages"
    for key in ("format", "election", "lot_seed"):
        if published.get(key) != derived[key]:
            return f"{key} {_shown(published.get(key))}, the record gives {derived[key]!r}"
    theirs = published["stages"]
    if len(theirs) != len(derived["stages"]):
        return f"{len(theirs)} stages published, the package has {len(derived['stages'])}"
    for stage, mine in zip(theirs, derived["stages"]):
        if not isinstance(stage, dict) or stage.get("stage") != mine["stage"]:
            return f"stage {mine['stage']} is not where the package puts it"
        where = f"stage {mine['stage']}"
        for key in STAGE_FIELDS:
            if stage.get(key) != mine[key]:
                return f"{where}: {key} {_shown(stage.get(key))}, the record gives {mine[key]!r}"
        listed = stage.get("projects") if isinstance(stage.get("projects"), list) else []
        by_id = {p.get("project"): p for p in listed if isinstance(p, dict)}
        for row in mine["projects"]:
            got = by_id.get(row["project"])
            if got is None:
                return f"{where}: project {row['project']} is missing"
            for key, value in row.items():
                if got.get(key) != value:
                    return f"{where} project {row['project']}: {key} {_shown(got.get(key))}, the record gives {value!r}"
        if len(listed) != len(mine["projects"]):
            return f"{where}: {len(listed)} projects published, its pool has {len(mine['projects'])}"
    return None


def check_selection(election: Election, package_dir, authority, count: Count, published: object | None
                    ) -> tuple[list[Finding], dict | None]:
    """The selection re-derived from the record's ``count`` and compared with the published one."""
    rules = election.judging
    if rules is None or not rules.stages:
        if published is not None:
            return [problem(PLACE, "published, but the package has no selection rules")], None
        return [], None
    if published is None:
        return [note(PLACE, "not published yet: no selection to check (kiosk-central select --data publishes it)")], None
    seed = published.get("lot_seed") if isinstance(published, dict) else None
    try:
        scores = load_scores(package_dir, election.fingerprint_hex, authority, rules)
    except KioskError as e:
        return [problem(SCORES_FILE, e.message)], None
    try:
        stages = judge(election, rules, Tallied.from_count(election, count), scores,
                       seed if isinstance(seed, str) else None)
    except KioskError as e:
        return [problem(PLACE, f"cannot be re-derived: {e.message}")], None
    derived = selection_json(election, stages, seed if isinstance(seed, str) else "")
    difference = selection_difference(published, derived)
    if difference:
        return [problem(PLACE, difference)], derived
    chosen = sum(len(s["selected"]) for s in derived["stages"])
    return [ok(PLACE, f"equal to the selection re-derived from the results, the signed scores and the committed "
                      f"lot: {chosen} projects in {len(derived['stages'])} stages")], derived
