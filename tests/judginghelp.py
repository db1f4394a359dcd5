"""A small judged election for the judging tests: 4 communities, members like, representatives grade.

Communities A-D; members (styles mA-mD) like up to 2 of the others' proposals (PA-PD, bonus by
participation); representatives (rA-rD) grade the others' proposals (RA-RD) 1..5; experts give
up to 30 points in a signed file. Projects A, B (community) and C, D (space) cost 100, 200, 150,
50 won. Stage ``offline``: representatives 70 + experts 30, at most 1 community and 2 space projects, within 300
won; stage ``online``: likes + bonus, the best 1 of the rest.
"""

from __future__ import annotations

from ceremonyhelp import format2_body
import copy
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

LOT_SEED = "2017-05-27 lot"
COMMUNITIES = "ABCD"
COSTS = {"A": 100, "B": 200, "C": 150, "D": 50}
CATEGORY = {"A": "community", "B": "community", "C": "space", "D": "space"}
KEY = "ab" * 32


def _title(text: str) -> dict:
    return {"ko": text, "en": text}


def judged_spec() -> dict:
    """The spec (an election body without keys) of the small judged election."""
    return copy.deepcopy({
        "id": "judged-small", "title": _title("judged"), "privacy_floor": 1, "paper_record": False, "nodes": [],
        "contests": [
            {"id": "likes", "title": _title("likes"), "rule": "approval", "min": 0, "max": 2,
             "options": [{"id": f"P{x}", "title": _title(f"P{x}"), "proposed_by": f"m{x}"} for x in COMMUNITIES]},
            {"id": "grades", "title": _title("grades"), "rule": "score", "min": 1, "max": 5,
             "options": [{"id": f"R{x}", "title": _title(f"R{x}")} for x in COMMUNITIES]},
        ],
        "styles": [{"id": f"m{x}", "title": _title(f"m{x}"), "contests": ["likes"], "exclude": [f"P{x}"]}
                   for x in COMMUNITIES] +
                  [{"id": f"r{x}", "title": _title(f"r{x}"), "contests": ["grades"], "exclude": [f"R{x}"]}
                   for x in COMMUNITIES],
        "tally": {"participation_bonus": {"bands": [{"min_participants": 2, "points": 10},
                                                    {"min_participants": 0, "points": 0}]}},
        "electorates": [
            {"id": "members", "title": _title("members"), "styles": [f"m{x}" for x in COMMUNITIES]},
            {"id": "representatives", "title": _title("representatives"), "styles": [f"r{x}" for x in COMMUNITIES]},
            {"id": "experts", "title": _title("experts"), "scores_max": 30},
        ],
        "selection": {
            "lot_seed_sha256": hashlib.sha256(LOT_SEED.encode()).hexdigest(),
            "categories": [{"id": "community", "title": _title("community")}, {"id": "space", "title": _title("space")}],
            "projects": [{"id": x, "cost": COSTS[x], "category": CATEGORY[x], "options": [f"P{x}", f"R{x}"]}
                         for x in COMMUNITIES],
            "stages": [
                {"id": "offline", "title": _title("offline"),
                 "points": [{"electorate": "representatives", "scale": 70}, {"electorate": "experts", "scale": 30}],
                 "quotas": {"community": 1, "space": 2}, "budget": 300},
                {"id": "online", "title": _title("online"), "points": [{"electorate": "members", "weight": 1}],
                 "count": 1},
            ],
        },
    })


def body_of(spec: dict) -> dict:
    """An election body with placeholder keys (for parsing, not signing)."""
    return format2_body(spec, KEY)


MEMBERS = [("mA", ["PB", "PC"]), ("mA", ["PB"]), ("mB", ["PA", "PC"]), ("mB", ["PC", "PD"]), ("mC", ["PA"])]
REPRESENTATIVES = [("rA", {"RB": 5, "RC": 3, "RD": 4}), ("rB", {"RA": 4, "RC": 2, "RD": 5}),
                   ("rC", {"RA": 3, "RB": 4, "RD": 1})]
EXPERTS_CSV = "project,score\nA,20\nB,30\nC,10\nD,29\n"


def tally_json(election, count) -> dict:
    """What the tally writes to results.json for this count (its own TallyReport.to_json)."""
    from kiosk.contract.tally_rules import contest_results
    from sync.central.tally import TallyReport

    styles = {s.id: (count.ballots_by_style[s.id], 9) for s in election.styles}
    report = TallyReport(election.id, "official", [], styles, [], count.ballots, Counter(),
                         contest_results(election, count), election.privacy_floor)
    return json.loads(json.dumps(report.to_json()))


def counted_results(election) -> dict:
    """results.json of the hand-computed case (MEMBERS and REPRESENTATIVES counted)."""
    from kiosk.contract.tally_rules import Count

    count = Count()
    for style, likes in MEMBERS:
        count.add(election, style, {"likes": likes})
    for style, grades in REPRESENTATIVES:
        count.add(election, style, {"grades": grades})
    return tally_json(election, count)


@dataclass
class VoteDay:
    """What :func:`vote_day` leaves: the node's data folder, every batch it accepted, the checked ballots' QRs."""

    data: Path
    bodies: list[bytes] = field(default_factory=list)
    spoiled_qrs: list[str] = field(default_factory=list)


def vote_day(central, tmp_path: Path, check_first: bool = False) -> VoteDay:
    """Members at one station, representatives at another; both closed; every batch accepted by node n1.

    With ``check_first`` the first member checks a ballot (Benaloh: spoiled, its token left unspent)
    before casting, so the node holds a spoiled ballot with its seed."""
    from centralhelp import batches, close_station, make_kiosk, post, running_node
    from kiosk.contract.sealed_batch import parse_batch
    from kiosk.contract.tokens import Valid
    from kiosk.station.casting import Cast, Spoiled, admit_token, cast, prepare_encryption_for, spoil_ballot
    from kiosk.station.station import Station
    from storehelp import NOW

    tokens: dict[str, list[str]] = {}
    for style, payload in central.official:
        tokens.setdefault(style, []).append(payload)
    stations = {"S-0001": [(style, {"likes": likes}) for style, likes in MEMBERS],
                "S-0002": [(style, {"grades": grades}) for style, grades in REPRESENTATIVES]}
    day = VoteDay(tmp_path / "n1")
    with running_node(central, day.data) as (node, server):
        for station, ballots in stations.items():
            root = make_kiosk(central, tmp_path / station, station=station)
            used = Counter()
            with Station.open(root) as s:
                if check_first and station == "S-0001":
                    style, selections = ballots[0]
                    admitted = admit_token(s, tokens[style][0], NOW + 30)
                    assert isinstance(admitted, Valid), admitted
                    checked = spoil_ballot(s, admitted, prepare_encryption_for(s, style, selections), NOW + 30)
                    assert isinstance(checked, Spoiled), checked
                    day.spoiled_qrs.append(checked.qr)
                for style, selections in ballots:
                    result = cast(s, tokens[style][used[style]], selections, NOW + 60)
                    assert isinstance(result, Cast), result
                    used[style] += 1
            close_station(root)
            for body in batches(root):
                assert parse_batch(body).header.polls_closed
                ack = post(server, body, central)
                assert ack.verdict == "accepted", ack.reason
                day.bodies.append(body)
    return day


def count_on_the_node(central, data: Path, tmp_path: Path) -> Path:
    """``tally --aggregates``, each of trustees 1 and 3 decrypting on their own, ``tally --partials --out``."""
    from kiosk.app.cliutil import call
    from sync.central.cli import main as central_main

    node = ["--data", data, "--election", central.directory]
    code, text = call(central_main, "tally", *node, "--aggregates")
    assert code == 0, text
    secrets = tmp_path / "trustees"
    secrets.mkdir()
    (secrets / "election-key.json").write_text(json.dumps(central.ceremony.record))
    partials = []
    for i in (1, 3):
        secret = central.ceremony.write_secret(secrets / f"t{i}", i)
        partials.append(secrets / f"partial-{i}.json")
        code, text = call(central_main, "trustee", "decrypt", "--secret", secret,
                          "--election-key", secrets / "election-key.json",
                          "--aggregates", data / "record-official" / "aggregates.json",
                          "--floor", central.election.privacy_floor, "--out", partials[-1])
        assert code == 0, text
    code, text = call(central_main, "tally", *node, "--partials", *partials, "--out", tmp_path / "out", "--json")
    assert code == 0, text
    return tmp_path / "out" / "results.json"


def made_up_count(election, rng):
    """A made-up count of a judged election such as the Ttabok demo: each members' style 3..9 ballots of
    up to 6 likes, each representative's style one ballot grading every option 1..5 (real Count.add)."""
    from kiosk.contract.tally_rules import Count

    count = Count()
    for style in election.styles:
        contest = election.contest(style.contests[0])
        shown = [o.id for o in contest.options if o.id not in style.exclude]
        if contest.is_score:
            count.add(election, style.id, {contest.id: {o: rng.randint(1, 5) for o in shown}})
        else:
            for _ in range(rng.randint(3, 9)):
                count.add(election, style.id, {contest.id: rng.sample(shown, rng.randint(0, min(6, len(shown))))})
    return count
