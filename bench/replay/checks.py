"""The replay's judgement: what the members saw, the tapes, the double uses, the results.

Pure functions over what the day produced (booth outcome lines, closing statements read off the
tapes, the tally's report and CSV); :func:`compare` is the only one that sees the plan's expected
result.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from kiosk.contract.closing import parse_closing
from replay.plan import Plan, Voter


def members_saw(plan: Plan, kiosks: list, dead) -> list[str]:
    """Every member's booth showed what a person would expect (cast, or refused with the reason).

    ``kiosks`` carry ``station`` and ``seen`` (one line per member); ``dead`` is the kiosk killed
    mid-cast, whose member ``plan.kill_at`` is seen again at the replacement.
    """
    out = []
    for s in plan.stations:
        at_station = [k for k in kiosks if k.station == s.station]
        seen = [x for k in at_station for x in (k.seen[:plan.kill_at] if k is dead else k.seen)]
        if len(seen) != len(s.queue):
            out.append(f"{s.station}: {len(seen)} members seen, {len(s.queue)} came")
            continue
        for item, saw in zip(s.queue, seen):
            want = ("cast_done", None) if isinstance(item, Voter) else (
                "refused", "already_used" if item.kind == "used" else "other_election")
            if (saw["screen"], saw["message"] if want[1] else None) != want:
                out.append(f"{s.station} member {saw['n']}: saw {saw['screen']} {saw['message']}, "
                           f"expected {want[0]} {want[1] or ''}")
            elif isinstance(item, Voter) and len(item.tries) != len(saw["notices"]) + len(saw["not_offered"]):
                out.append(f"{s.station} member {saw['n']}: tried {len(item.tries)} options the booth must "
                           f"refuse, {len(saw['notices']) + len(saw['not_offered'])} were")
    return out


def tapes_reconcile(closing_payloads: list[str], report: dict) -> list[str]:
    """The closing statements read off the tapes against the tally's ``--json`` report.

    Per station, the kiosks' ballots equal the board's and the closing batches'. Election-wide,
    the tapes count every ballot cast and the tally each token once, so per ballot style the
    tapes exceed the tally by the ballots left out for double use (in all, exactly that many),
    and per contest and option by at most that many (options only where every tape shows them).
    """
    statements = [parse_closing(payload) for payload in closing_payloads]
    by_station, turnout, contests, options, withheld = Counter(), Counter(), Counter(), Counter(), set()
    for st in statements:
        by_station[st["station"]] += st["ballots"]
        turnout.update(st["turnout"])
        for contest, counts in st["contests"].items():
            contests[contest] += counts["ballots"]
            if "options" in counts:
                options.update({(contest, o): n for o, n in counts["options"].items()})
            else:
                withheld.add(contest)
    out = [f"{s['station']}: tapes say {by_station[s['station']]} ballots, the board holds {s['on_board']}, "
           f"the closing batches {s['closing_count']}"
           for s in report["stations"]
           if not by_station[s["station"]] == s["on_board"] == s["closing_count"]]
    left_out = sum(d["ballots"] - 1 for d in report["double_uses"])
    style_gap = {s: turnout[s] - report["styles"].get(s, {}).get("counted", 0) for s in turnout}
    if min(style_gap.values(), default=0) < 0 or sum(style_gap.values()) != left_out:
        out.append(f"turnout on the tapes and ballots counted differ by {sum(style_gap.values())}, "
                   f"not by the {left_out} ballots left out for double use")
    for c in report["results"]:
        gaps = [(c["contest"], contests[c["contest"]] - c["ballots"])]
        if c["contest"] not in withheld and not c["suppressed"]:
            gaps += [((c["contest"], o["option"]), options[(c["contest"], o["option"])] - o["likes"])
                     for o in c["options"]]
        out += [f"{where}: the tapes and the tally differ by {gap}" for where, gap in gaps
                if not 0 <= gap <= left_out]
    return out


def doubles_as_expected(plan: Plan, report: dict, fingerprints: dict[str, str], killed: tuple[str, str],
                        in_flight_committed: bool) -> list[str]:
    """The token spent at two stations (and the dead kiosk's last ballot, if it reached the disk)
    flagged by the tally at exactly those pairs of kiosks (``fingerprints``: kiosk name -> key
    fingerprint; ``killed``: the dead kiosk's and its replacement's names), each counted once."""
    first, second = plan.double_use_stations
    expected = [sorted([fingerprints[first + "-a"], fingerprints[second + "-a"]])]
    if in_flight_committed:
        expected.append(sorted(fingerprints[name] for name in killed))
    found = [sorted(d["kiosks"]) for d in report["double_uses"]]
    if sorted(found) != sorted(expected) or any(d["ballots"] != 2 for d in report["double_uses"]):
        return [f"double uses: expected {expected}, the tally flagged {report['double_uses']}"]
    return []


def compare(expected: dict, results_csv: Path) -> list[str]:
    """Every (contest, option) row of the tally's CSV against the plan's expected result."""
    out, seen = [], set()
    with open(results_csv, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = (row["contest"], row["option"])
            seen.add(key)
            want = expected.get(key)
            if want is None:
                out.append(f"{key}: in the results, not in the election")
                continue
            got = {"ballots": int(row["contest_ballots"]), "proposed_by": row["proposed_by"],
                   "participation": int(row["participation"]) if row["participation"] else None,
                   "bonus": int(row["bonus"]),
                   "likes": int(row["likes"]) if row["likes"] else None,
                   "score": int(row["score"]) if row["score"] else None}
            if got != want:
                out.append(f"{key}: tally {got}, plan {want}")
    out += [f"{key}: missing from the results" for key in expected if key not in seen]
    return out
