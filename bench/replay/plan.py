"""The members' plan for the Ttabok replay, and the result it must give.

Pure and seeded: from the election spec (``ttabok_spec``), the minted tokens per community and
a seed, :func:`make_plan` decides who comes, where, and what each member does at the booth:
how many likes (0 to 6, so many like fewer than 6), who also looks for their own community's
proposal (not on their ballot), who tries a seventh like, who comes back with a used token,
who brings another election's token, whose token is spent at two kiosks, who is mid-cast when
a kiosk dies, and which tokens go to the camera. Some communities send few members or none,
so every participation band occurs.

:func:`expected_results` is the only place that knows the result: it counts the plan's
intentions with the spec's own rules (each member who cast counts once), written here from the
spec, not from the project's tally code. The replay compares it with the tally at the very end.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

# how many of a community's 9 members come: (members, weight); every band occurs
TURNOUT = ((9, 30), (8, 15), (7, 10), (6, 10), (5, 10), (4, 8), (3, 7), (2, 5), (1, 3), (0, 2))
LIKES = ((0, 3), (1, 5), (2, 10), (3, 15), (4, 17), (5, 20), (6, 30))
OWN_PROPOSAL_SHARE = 0.04    # look for their own community's proposal too
SEVENTH_LIKE_SHARE = 0.25    # of those with 6 likes: try a seventh
COME_BACK_SHARE = 0.01       # come back later with their used token
OTHER_ELECTION_PER_STATION = 2
REPRESENTATIVE_ABSENT_SHARE = 0.03   # of the judged day's representatives: stay home


@dataclass(frozen=True)
class Voter:
    """One member at the booth. ``token`` indexes the minted tokens; ``tries`` are refused by the booth."""

    token: int
    style: str
    likes: tuple[str, ...]
    tries: tuple[str, ...] = ()
    camera: bool = False
    grades: tuple[tuple[str, int], ...] = ()   # a representative's: (option, grade) for every other proposal


@dataclass(frozen=True)
class Attempt:
    """A token that must be refused: ``kind`` is 'used' (a member's own, already cast) or 'other_election'."""

    kind: str
    token: int


@dataclass
class StationPlan:
    """One station's queue of members in the order they come."""

    station: str
    communities: list[str]
    queue: list[Voter | Attempt] = field(default_factory=list)


@dataclass
class Plan:
    stations: list[StationPlan]
    double_use: Voter                 # votes at ``double_use_stations[0]`` and again at [1]
    double_use_stations: tuple[str, str]
    killed_station: str               # its kiosk dies mid-cast at ``kill_at`` in its queue
    kill_at: int
    usb_station: str                  # its batches travel on a USB stick
    unused_by_style: dict[str, int]

    @property
    def voters(self) -> list[Voter]:
        """Every member who casts, once each (the double user once)."""
        return [v for s in self.stations for v in s.queue if isinstance(v, Voter)]


def _weighted(rng: random.Random, table) -> int:
    values, weights = zip(*table)
    return rng.choices(values, weights)[0]


def station_names(count: int) -> list[str]:
    return [f"S{i:02d}" for i in range(1, count + 1)]


def make_plan(spec: dict, tokens: dict[str, list[int]], stations: int, seed: int = 2017,
              camera_share: float = 0.03, other_tokens: int = 0) -> Plan:
    """Who comes where with what intention. ``tokens``: style -> indexes of its minted tokens.

    Needs at least four stations: the first and second share the double use, one further
    station's kiosk dies mid-cast, and the last one delivers on USB.
    """
    if stations < 4:
        raise ValueError("the replay needs at least 4 stations")
    rng = random.Random(seed)
    representatives = _representatives(spec)
    styles = [s for s in spec["styles"] if s["id"] not in representatives]
    options = {c["id"]: [o["id"] for o in c["options"]] for c in spec["contests"]}
    names = station_names(stations)
    per_station = -(-len(styles) // stations)
    plans = [StationPlan(n, [s["id"] for s in styles[i * per_station:(i + 1) * per_station]])
             for i, n in enumerate(names)]
    unused = {}
    for n, station in enumerate(plans):
        for style in station.communities:
            spec_style = next(s for s in styles if s["id"] == style)
            own = spec_style["exclude"]
            others = [o for c in spec_style["contests"] for o in options[c] if o not in own]
            # the first three communities cover the three bands for sure; the rest at random
            index = styles.index(spec_style)
            coming = (9, 6, 3)[index] if index < 3 else _weighted(rng, TURNOUT)
            chosen = rng.sample(tokens[style], coming)
            unused[style] = len(tokens[style]) - coming
            for token in chosen:
                likes = tuple(rng.sample(others, min(len(others), _weighted(rng, LIKES))))
                tries = ()
                if rng.random() < OWN_PROPOSAL_SHARE:
                    tries += tuple(own)
                if len(likes) == 6 and rng.random() < SEVENTH_LIKE_SHARE:
                    tries += (rng.choice([o for o in others if o not in likes]),)
                station.queue.append(Voter(token, style, likes, tries, rng.random() < camera_share))
        station.queue += _judges(spec, representatives, station.communities, tokens, unused, rng)
        rng.shuffle(station.queue)
        comers = [v for v in station.queue if isinstance(v, Voter) and rng.random() < COME_BACK_SHARE]
        station.queue += [Attempt("used", v.token) for v in comers]
        station.queue += [Attempt("other_election", rng.randrange(other_tokens))
                          for _ in range(OTHER_ELECTION_PER_STATION if other_tokens else 0)]
    # every station gets at least one camera voter, so the camera path is always exercised
    for station in plans:
        voters = [i for i, v in enumerate(station.queue) if isinstance(v, Voter)]
        if voters and not any(station.queue[i].camera for i in voters):
            i = voters[len(voters) // 2]
            v = station.queue[i]
            station.queue[i] = Voter(v.token, v.style, v.likes, v.tries, True)
    # one member's token is spent at a second kiosk (another station's), the same choices
    first, second = plans[0], plans[1]
    double = next(v for v in first.queue if isinstance(v, Voter) and not v.camera and not v.grades)
    second.queue.insert(len(second.queue) // 2, double)
    killed, usb = plans[min(4, stations - 2)], plans[-1]
    kill_at = int(len(killed.queue) * 0.4)
    while not isinstance(killed.queue[kill_at], Voter) or killed.queue[kill_at].camera or killed.queue[kill_at].grades:
        kill_at += 1
    # the replacement kiosk cannot know tokens spent on the dead one: a member coming back with
    # one of those would be a second double use; this plan keeps that to the two it names
    before = {v.token for v in killed.queue[:kill_at] if isinstance(v, Voter)}
    killed.queue = [a for a in killed.queue if not (isinstance(a, Attempt) and a.kind == "used" and a.token in before)]
    return Plan(plans, double, (first.station, second.station), killed.station, kill_at, usb.station, unused)


def _representatives(spec: dict) -> dict[str, str]:
    """The judged day's representatives' styles (electorate ``representatives``), each to its community's
    members' style (the one that leaves out the same proposal); empty for the members' vote alone."""
    electorate = next((e for e in spec.get("electorates", []) if e["id"] == "representatives"), None)
    if electorate is None:
        return {}
    own = {s["exclude"][0]: s["id"] for s in spec["styles"] if s["id"] not in electorate["styles"]}
    return {s["id"]: own[s["exclude"][0].split(".")[0]] for s in spec["styles"] if s["id"] in electorate["styles"]}


def _judges(spec: dict, representatives: dict[str, str], communities: list[str], tokens: dict, unused: dict,
            rng: random.Random) -> list[Voter]:
    """The representatives of a station's communities who come: each grades every other proposal of the
    group on 1..5 (가..마), as the judged day's score contests require."""
    contests = {c["id"]: c for c in spec["contests"]}
    out = []
    for style in (s for s in spec["styles"] if representatives.get(s["id"]) in communities):
        unused[style["id"]] = len(tokens[style["id"]])
        if rng.random() < REPRESENTATIVE_ABSENT_SHARE:
            continue
        graded = [o["id"] for c in style["contests"] for o in contests[c]["options"] if o["id"] not in style["exclude"]]
        out.append(Voter(tokens[style["id"]][0], style["id"], (), (), False,
                         tuple((o, rng.randint(1, 5)) for o in graded)))
        unused[style["id"]] -= 1
    return out


def expected_results(spec: dict, plan: Plan) -> dict[tuple[str, str], dict]:
    """(contest, option) -> ballots, proposed_by, participation, bonus, likes, score, from the plan.

    A like adds 1 to its option, a representative's grade its grade; an option no community proposed
    (a representatives' grade) has no participation and no bonus. A contest's privacy floor is the
    largest floor of the electorates whose styles show it (``electorates[].privacy_floor``, else the
    election's), as docs/election-spec.md says.
    """
    cast: dict[int, Voter] = {v.token: v for v in plan.voters}   # a token spent twice counts once
    by_style = Counter(v.style for v in cast.values())
    likes = Counter(o for v in cast.values() for o in v.likes)
    for v in cast.values():
        likes.update(dict(v.grades))
    bands = sorted(spec["tally"]["participation_bonus"]["bands"], key=lambda b: -b["min_participants"])
    styles = {s["id"]: s for s in spec["styles"]}
    floor_of = {s: e.get("privacy_floor", spec["privacy_floor"]) for e in spec.get("electorates", [])
                for s in e.get("styles", [])}
    out = {}
    for contest in spec["contests"]:
        floor = max((floor_of.get(s["id"], spec["privacy_floor"]) for s in spec["styles"]
                     if contest["id"] in s["contests"]), default=spec["privacy_floor"])
        showing = [style for style in by_style if contest["id"] in styles[style]["contests"]]
        ballots = sum(by_style[style] for style in showing)
        # the privacy floor: likes are published only if every option was on at least k ballots
        shown = all(sum(by_style[s] for s in showing if option["id"] not in styles[s]["exclude"]) >= floor
                    for option in contest["options"])
        for option in contest["options"]:
            proposer = option.get("proposed_by")
            came = by_style[proposer] if proposer else None
            bonus = next(b["points"] for b in bands if came >= b["min_participants"]) if proposer else 0
            out[(contest["id"], option["id"])] = {
                "ballots": ballots, "proposed_by": proposer or "", "participation": came, "bonus": bonus,
                "likes": likes[option["id"]] if shown else None,
                "score": likes[option["id"]] + bonus if shown else None}
    return out
