"""The seed's whole Ttabok judging, added to the Ttabok vote: representatives' grades, experts, selection.

The offline judging at the venue: each community's representative grades the other proposals of
their group on five grades 가..마 (5..1; score contest ``Gnn-R``, option ``Pnnn.r``, ballot style
``Rnnn``); the points are representatives 70 + experts 30 (a signed file, ``scores_max`` 30); 250
projects within the budget by plan: at most 120 community activities, 90 space activities and 40
space creations. The online judging: the members' likes plus the participation bonus; of the rest,
the 200 with the most points. The costs are made up but plausible (4-6 million won for a community
activity, 6-8 for a space activity, 11-15 for a space creation; the 450 selected cost about 3.1
billion won in all, as in 2017); the categories are assigned in turn (3 : 3 : 1). A demo of fewer
communities scales the quotas, the budget and the count down in proportion. The demo's lot
seed is :data:`DEMO_LOT_SEED`, public: a real election draws its own and commits its SHA-256 with
``election init --lot-seed-sha256``.

The representatives' electorate has its own privacy floor, :data:`JUDGED_FLOOR`: a proposal is
graded by at most 11 representatives (7 in the last group of 8), so at the election's *k* = 10 two
absent representatives would withhold the whole group's grades and the offline stage could not rank
it. The grades of 5 or more representatives are published only as a sum, never per representative;
the members' likes (about 99 ballots a proposal) keep *k* = 10, and so do batches and tapes.
"""

from __future__ import annotations

import hashlib

from kiosk.contract.ttabok import TTABOK_COMMUNITIES

DEMO_LOT_SEED = "ttabok-2017 demo lot"
CATEGORIES = (("community", "공동체 활동", "Community activity"), ("space", "공간 활동", "Space activity"),
              ("creation", "공간 조성", "Space creation"))
QUOTAS = {"community": 120, "space": 90, "creation": 40}
OFFLINE_BUDGET = 2_200_000_000
ONLINE_COUNT = 200
GRADES = 5  # 가 나 다 라 마 = 5 4 3 2 1
JUDGED_FLOOR = 5


def category_of(i: int) -> str:
    """Community ``i``'s category, in turn 3 : 3 : 1."""
    return ("community", "space", "community", "space", "community", "space", "creation")[(i - 1) % 7]


def cost_of(i: int) -> int:
    """Made-up but plausible cost in won of community ``i``'s project."""
    low, high = {"community": (4, 6), "space": (6, 8), "creation": (11, 15)}[category_of(i)]
    step = int.from_bytes(hashlib.sha256(f"ttabok cost {i}".encode()).digest()[:4], "big") % ((high - low) * 10 + 1)
    return (low * 10 + step) * 100_000


def add_judging(spec: dict) -> dict:
    """The Ttabok vote ``spec`` (ttabok.ttabok_spec) with the representatives, experts and selection."""
    members = [s["id"] for s in spec["styles"]]
    rep_contests, rep_styles, projects = [], [], []
    for contest in spec["contests"]:
        rid = f"{contest['id']}-R"
        rep_contests.append({
            "id": rid, "title": {"ko": contest["title"]["ko"] + " (대표자 심사)",
                                 "en": contest["title"]["en"] + " (representatives' grades)"},
            "rule": "score", "min": 1, "max": GRADES,
            "options": [{"id": o["id"] + ".r", "title": o["title"]} for o in contest["options"]]})
        for o in contest["options"]:
            i = int(o["id"][1:])
            rep_styles.append({"id": f"R{i:03d}", "title": {"ko": f"따복공동체 {i:03d} 대표자",
                                                           "en": f"Representative of community {i:03d}"},
                               "contests": [rid], "exclude": [o["id"] + ".r"]})
            projects.append({"id": o["id"], "cost": cost_of(i), "category": category_of(i),
                             "options": [o["id"], o["id"] + ".r"]})
    title = lambda ko, en: {"ko": ko, "en": en}  # noqa: E731
    n = len(projects)  # a smaller demo scales the plan: 872 communities get exactly the seed's figures
    scaled = lambda x: max(1, x * n // TTABOK_COMMUNITIES)  # noqa: E731
    quotas = {c: min(scaled(q), sum(p["category"] == c for p in projects)) for c, q in QUOTAS.items()}
    return {**spec, "contests": spec["contests"] + rep_contests, "styles": spec["styles"] + rep_styles,
            "electorates": [
                {"id": "members", "title": title("공동체 구성원", "Community members"), "styles": members},
                {"id": "representatives", "title": title("공동체 대표자", "Community representatives"),
                 "styles": [s["id"] for s in rep_styles], "privacy_floor": min(spec["privacy_floor"], JUDGED_FLOOR)},
                {"id": "experts", "title": title("전문가 심사위원", "Expert jury"), "scores_max": 30}],
            "selection": {
                "lot_seed_sha256": hashlib.sha256(DEMO_LOT_SEED.encode()).hexdigest(),
                "categories": [{"id": c, "title": title(ko, en)} for c, ko, en in CATEGORIES],
                "projects": projects,
                "stages": [
                    {"id": "offline", "title": title("현장 심사", "Offline judging"),
                     "points": [{"electorate": "representatives", "scale": 70}, {"electorate": "experts", "scale": 30}],
                     "quotas": {c: q for c, q in quotas.items() if q}, "budget": scaled(OFFLINE_BUDGET)},
                    {"id": "online", "title": title("온라인 심사", "Online judging"),
                     "points": [{"electorate": "members", "weight": 1}], "count": max(1, min(scaled(ONLINE_COUNT), n - sum(quotas.values())))}]}}
