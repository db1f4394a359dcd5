"""The judged Ttabok demo: representatives grade, experts score, 250 offline (120/90/40) + 200 online = 450."""

from __future__ import annotations

import random
from collections import Counter

from kiosk.contract.election import parse_election
from kiosk.contract.ttabok import ttabok_spec
from kiosk.contract.ttabok_judging import DEMO_LOT_SEED, QUOTAS, add_judging
from sync.central.judging import Tallied, judge
from tests.judginghelp import body_of, made_up_count
from tests.test_select_command import run


def test_the_full_judged_demo_selects_the_450_of_the_plan():
    election = parse_election(body_of(add_judging(ttabok_spec())))
    rules = election.judging
    assert len(election.styles) == 2 * 872 and len(rules.projects) == 872
    rng = random.Random(2017)
    count = made_up_count(election, rng)  # one representative per community grades every other proposal
    scores = {"experts": {p.id: rng.randint(0, 30) for p in rules.projects}}
    offline, online = judge(election, rules, Tallied.from_count(election, count), scores, DEMO_LOT_SEED)
    assert Counter(x.category for x in offline.selected) == QUOTAS and len(offline.selected) == 250
    assert len(online.selected) == 200 and not {x.project for x in offline.selected} & {x.project for x in online.selected}
    total = sum(x.cost for s in (offline, online) for x in s.selected)
    assert 2_900_000_000 <= total <= 3_300_000_000  # "about 3.1 billion won", as in 2017


def test_election_init_demo_judging(tmp_path):
    code, out, err = run("election", "init", "--out", tmp_path / "e", "--demo", "ttabok", "--communities", "24",
                         "--judging")
    assert code == 0 and "48 ballot styles" in out, err
    code, _, err = run("election", "init", "--out", tmp_path / "f", "--spec", tmp_path / "nothing.toml", "--judging")
    assert code == 2 and "--judging is for --demo ttabok" in err
