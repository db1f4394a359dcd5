"""The published results as NIST SP 1500-100 version 2 Election Results Common Data Format JSON (pure).

``results.cdf.json`` says what the tally's ``results.json`` says, in the format US election offices
and VoteCAST-style tools (VxSuite's VxAdmin among them) exchange, so that their readers can take our
results without a converter of their own. It is made from ``results.json`` and the package alone,
never from the board: whoever holds those two (an observer whose ``verify --from`` passed) makes the
same file, but for ``GeneratedDate``.

What goes in (docs/formats.md, "Election results in NIST's Common Data Format", has the whole table):

- one ``ElectionReport`` (``summary-contest``: whole-election totals only), ``Status`` ``certified`` only
  when the tally has no finding, else ``unofficial-complete``; ``IsTest`` for a test-mode tally;
- one ``Election`` with ``BallotCounts`` (ballots counted; opened but not counted as rejected);
- the whole election as the top ``ReportingUnit``, each station of the roster a ``polling-place``
  unit composing it, with no count of its own (DESIGN.md section 8: nothing per station is
  published beyond what ``results.json`` already says);
- each contest a party-free ``CandidateContest`` (``single``: ``plurality``, ``approval``:
  ``approval``, ``score``: ``range``), each option a ``Candidate`` and a ``CandidateSelection`` with
  its votes as one ``VoteCounts`` of type ``total``; the winners by the contest's rule
  ``PostElectionStatus`` ``winner``; undervotes and overvotes in ``OtherCounts``;
- every name in Korean and English (``LanguageString`` ``ko`` and ``en``).

A contest withheld by the privacy floor carries no ``VoteCounts``, no ``OtherCounts`` and no winner:
its numbers are not published, and a zero would be a number. ``Notes`` names the withheld contests.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import kiosk
from kiosk.contract.election import Contest, Election, Title
from sync.central.record_files import write_json

VARIATION = {"single": "plurality", "approval": "approval", "score": "range"}
CDF_FILE = "results.cdf.json"
P = "ElectionResults."


def text(title: Title) -> dict:
    """A name in Korean and English (``InternationalizedText``)."""
    return {"@type": P + "InternationalizedText",
            "Text": [{"@type": P + "LanguageString", "Language": lang, "Content": title.in_language(lang)}
                     for lang in ("ko", "en")]}


def elected(election: Election, contest: Contest) -> int:
    """How many options the contest's rule elects: one, an approval contest its ``max``; none when the
    package's selection stages decide (Ttabok's judging)."""
    if election.judging is not None and election.judging.stages:
        return 0
    return contest.max if contest.rule == "approval" else 1


def winners(votes: dict[str, int], seats: int) -> set[str]:
    """The ``seats`` options with most votes; none of those tied across the last place, none with no vote."""
    ranked = sorted((n for n in votes.values() if n > 0), reverse=True)
    if seats <= 0 or not ranked:
        return set()
    cut = ranked[min(seats, len(ranked)) - 1]
    above = {o for o, n in votes.items() if n > cut}
    at_cut = {o for o, n in votes.items() if n == cut}
    return above | at_cut if len(above) + len(at_cut) <= seats else above


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _contest(election: Election, contest: Contest, row: dict, top: str) -> dict:
    """One ``CandidateContest``; ``row`` is its ``results.json`` entry."""
    suppressed = bool(row.get("suppressed"))
    published = {o.get("option"): _whole(o.get("likes")) for o in row.get("options", []) if isinstance(o, dict)}
    selections = []
    for n, option in enumerate(contest.options, 1):
        selection = {"@type": P + "CandidateSelection", "@id": f"sel-{option.id}", "CandidateIds": [f"cand-{option.id}"],
                     "SequenceOrder": n}
        votes = published.get(option.id)
        if not suppressed and votes is not None:
            selection["VoteCounts"] = [{"@type": P + "VoteCounts", "GpUnitId": top, "Type": "total", "Count": votes}]
        selections.append(selection)
    out = {"@type": P + "CandidateContest", "@id": f"contest-{contest.id}", "Name": contest.title.en,
           "BallotTitle": text(contest.title), "ElectionDistrictId": top, "ContestSelection": selections,
           "ExternalIdentifier": [_our_id(contest.id)], "VoteVariation": VARIATION[contest.rule],
           "VotesAllowed": len(contest.options) if contest.rule == "score" else contest.max}
    if elected(election, contest):
        out["NumberElected"] = elected(election, contest)
    ballots = _whole(row.get("ballots"))
    if not suppressed and ballots is not None and None not in published.values():
        other = {"@type": P + "OtherCounts", "GpUnitId": top, "Overvotes": 0}   # the booth cannot overvote
        if contest.rule != "score":   # unused choices: each ballot had max, the votes used sum(votes)
            other["Undervotes"] = ballots * contest.max - sum(published.values())
        out["OtherCounts"] = [other]
    return out


def _our_id(value: str) -> dict:
    return {"@type": P + "ExternalIdentifier", "Type": "local-level", "Value": value}


def _candidates(election: Election, won: set[str]) -> list[dict]:
    out = []
    for contest in election.contests:
        for option in contest.options:
            candidate = {"@type": P + "Candidate", "@id": f"cand-{option.id}", "BallotName": text(option.title),
                         "ExternalIdentifier": [_our_id(option.id)]}
            if option.id in won:
                candidate["PostElectionStatus"] = "winner"
            out.append(candidate)
    return out


def election_report(results: dict, election: Election, generated: datetime,
                    held: tuple[date, date] | None = None) -> dict:
    """The ``ElectionReport`` of a tally's ``results.json`` object (outside input: fields read defensively).

    ``generated`` is when the file is made (``GeneratedDate``); ``held`` the first and last day of
    voting (the package names none: by default the day ``generated`` falls on).
    """
    top = f"ru-{election.id}"
    stations = [s.get("station") for s in results.get("stations", []) if isinstance(s, dict)]
    stations = [s for s in stations if isinstance(s, str)]
    rows = {r.get("contest"): r for r in results.get("results", []) if isinstance(r, dict)}
    contests, won, withheld = [], set(), []
    for contest in election.contests:
        row = rows.get(contest.id, {"suppressed": True})
        if row.get("suppressed"):
            withheld.append(contest.id)
        else:
            votes = {o.get("option"): _whole(o.get("likes")) or 0 for o in row.get("options", []) if isinstance(o, dict)}
            won |= winners(votes, elected(election, contest))
        contests.append(row)
    generated = generated.astimezone(timezone.utc).replace(microsecond=0)
    start, end = held or (generated.date(), generated.date())
    counted, opened = _whole(results.get("ballots_counted")), _whole(results.get("ballots_opened"))
    ballots = {"@type": P + "BallotCounts", "GpUnitId": top, "Type": "total"}
    if counted is not None:
        ballots["BallotsCast"] = counted
        if opened is not None and opened >= counted:
            ballots["BallotsRejected"] = opened - counted   # opened but not counted (the tally's findings say why)
    body = {
        "@type": P + "Election", "Name": text(election.title), "ElectionScopeId": top, "Type": "other",
        "OtherType": "polling-station kiosk vote", "StartDate": start.isoformat(), "EndDate": end.isoformat(),
        "BallotCounts": [ballots], "Candidate": _candidates(election, won),
        "Contest": [_contest(election, c, row, top) for c, row in zip(election.contests, contests)],
        "ExternalIdentifier": [_our_id(election.id)],
    }
    units = [{"@type": P + "ReportingUnit", "@id": top, "Type": "other", "OtherType": "election",
              "Name": text(election.title), "ComposingGpUnitIds": [f"ru-station-{s}" for s in stations]}]
    units += [{"@type": P + "ReportingUnit", "@id": f"ru-station-{s}", "Type": "polling-place",
               "ExternalIdentifier": [_our_id(s)]} for s in stations]
    report = {
        "@type": P + "ElectionReport", "Format": "summary-contest",
        "GeneratedDate": generated.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Issuer": election.title.en, "IssuerAbbreviation": election.id,
        "VendorApplicationId": f"polling-kiosk {kiosk.__version__}", "SequenceStart": 1, "SequenceEnd": 1,
        "Status": "unofficial-complete" if results.get("findings") or results.get("ok") is not True else "certified",
        "IsTest": results.get("mode") != "official", "Election": [body], "GpUnit": units,
    }
    if withheld:
        report["Notes"] = (f"withheld by the privacy floor (fewer ballots than k): {', '.join(withheld)}; "
                           "these contests carry no counts")
    return report


def write_cdf(results: dict, election: Election, folders: list[Path | None],
              generated: datetime | None = None) -> list[Path]:
    """``results.cdf.json`` of ``results`` in each folder given (None skipped); the files written."""
    report = election_report(results, election, generated or datetime.now(timezone.utc))
    return [write_json(Path(folder) / CDF_FILE, report) for folder in folders if folder is not None]
