"""The published results as NIST SP 1500-100 version 2 Election Results Common Data Format JSON.

``results.cdf.json`` says what the tally's ``results.json`` says, in the format US election offices
and their systems (VxSuite's VxAdmin among them) exchange, so that their readers can take our
results without a converter of their own. :func:`election_report` is pure; :func:`write_cdf` writes it. It is made from ``results.json`` and the package alone,
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
  its votes as one ``VoteCounts`` of type ``total``; the winners by the contest's rule (those of
  :mod:`sync.central.results_words`, as the table, the CSV and the results page name them)
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
from sync.central.results_words import ContestWords, results_words

VARIATION = {"single": "plurality", "approval": "approval", "score": "range"}
CDF_FILE = "results.cdf.json"
P = "ElectionResults."


def text(title: Title) -> dict:
    """A name in Korean and English (``InternationalizedText``)."""
    return {"@type": P + "InternationalizedText",
            "Text": [{"@type": P + "LanguageString", "Language": lang, "Content": title.in_language(lang)}
                     for lang in ("ko", "en")]}


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _contest(contest: Contest, words: ContestWords | None, top: str) -> dict:
    """One ``CandidateContest``: ``words`` is its ``results.json`` entry read by the results' own rules
    (None when results.json has no such contest: no count either)."""
    shown = words is not None and not words.suppressed
    votes = {o.option: o.votes for o in words.options} if shown else {}
    selections = []
    for n, option in enumerate(contest.options, 1):
        selection = {"@type": P + "CandidateSelection", "@id": f"sel-{option.id}", "CandidateIds": [f"cand-{option.id}"],
                     "SequenceOrder": n}
        if votes.get(option.id) is not None:
            selection["VoteCounts"] = [{"@type": P + "VoteCounts", "GpUnitId": top, "Type": "total",
                                        "Count": votes[option.id]}]
        selections.append(selection)
    out = {"@type": P + "CandidateContest", "@id": f"contest-{contest.id}", "Name": contest.title.en,
           "BallotTitle": text(contest.title), "ElectionDistrictId": top, "ContestSelection": selections,
           "ExternalIdentifier": [_our_id(contest.id)], "VoteVariation": VARIATION[contest.rule],
           "VotesAllowed": len(contest.options) if contest.rule == "score" else contest.max}
    if words is not None and words.seats:
        out["NumberElected"] = words.seats
    if shown and len(votes) == len(contest.options) and None not in votes.values():
        other = {"@type": P + "OtherCounts", "GpUnitId": top, "Overvotes": 0}   # the booth cannot overvote
        if contest.rule != "score":   # the choices left unused: each ballot had max of them
            other["Undervotes"] = words.ballots * contest.max - sum(votes.values())
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
    words = {c.contest: c for c in results_words(election, results)}
    won = {o.option for c in words.values() for o in c.winners}
    withheld = [c.id for c in election.contests if c.id not in words or words[c.id].suppressed]
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
        "Contest": [_contest(c, words.get(c.id), top) for c in election.contests],
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
