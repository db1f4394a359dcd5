"""From the published result to an audit plan: outcomes, assertions, populations. Pure.

Outcomes are named as ``plurality:CONTEST`` (a ``single`` contest's winner),
``top:N:CONTEST[,CONTEST...]`` or ``top:N:all`` (the N options with most points of those
contests, points = votes + the result's fixed bonus: multi-winner approval such as the Ttabok
"200 with most points"), and ``threshold:OPTION:SHARE`` (the option's votes above or below
SHARE of its contest's ballots, e.g. 0.5). The reported result is the tally's
``results.json``. Cast vote records (comparison audits) are checked against the closing
statements: same kiosk key, same number of ballots, same counts per option where the tape shows
them.
"""

from __future__ import annotations

from collections import Counter
from typing import Mapping

from kiosk.contract.closing import ClosingStatement
from kiosk.contract.cvr import CvrFile
from kiosk.contract.election import Election
from kiosk.contract.rules import check_selections
from kiosk.errors import FormatError
from sync.central.audit.outcomes import AuditPlanOutcomes, Candidate, Paper, Reported, merge, plurality, threshold, top_n

Population = dict[str, Paper]   # label (ballot id) -> what its record shows


def reported_from_results(election: Election, results: dict) -> tuple[Reported, dict[str, list[Candidate]], list[str]]:
    """The reported totals, the candidates per contest and the contests the floor suppressed."""
    if not isinstance(results, dict) or not isinstance(results.get("results"), list):
        raise FormatError("this is not a tally's results.json (no results list)",
                          hint="give the results.json that kiosk-central tally --out wrote")
    totals, ballots, candidates, suppressed = {}, {}, {}, []
    for row in results["results"]:
        contest = election.contest(row.get("contest"))
        if contest is None:
            raise FormatError(f"results.json names contest {row.get('contest')!r}, which this election does not have")
        ballots[contest.id] = int(row["ballots"])
        if row.get("suppressed"):
            suppressed.append(contest.id)
            continue
        top = contest.max if contest.rule == "score" else 1
        candidates[contest.id] = []
        for o in row["options"]:
            votes = o.get("likes") if o.get("likes") is not None else o.get("votes")
            if votes is None:
                suppressed.append(contest.id)
                break
            totals[o["option"]] = int(votes)
            candidates[contest.id].append(Candidate(o["option"], contest.id, int(votes), int(o.get("bonus") or 0), top))
    return Reported(totals, ballots), candidates, suppressed


def outcomes(election: Election, specs: list[str], reported: Reported, candidates: Mapping[str, list[Candidate]],
             suppressed: list[str]) -> AuditPlanOutcomes:
    """The assertions of every outcome named in ``specs``; what cannot be audited, named."""
    parts = []
    for spec in specs:
        kind, _, rest = spec.partition(":")
        if kind == "plurality":
            contest = election.contest(rest)
            if contest is None:
                raise FormatError(f"outcome {spec!r}: no contest {rest!r}")
            if rest in suppressed:
                parts.append(AuditPlanOutcomes(not_auditable=[f"{spec}: counts withheld by the privacy floor"]))
            elif contest.rule != "single":
                parts.append(AuditPlanOutcomes(not_auditable=[f"{spec}: a {contest.rule} contest has no single winner "
                                                              f"(audit it as top:N:{rest})"]))
            else:
                # plurality counts votes only: a bonus belongs to a points outcome (top:N)
                parts.append(plurality(rest, [Candidate(c.option, c.contest, c.votes) for c in candidates[rest]]))
        elif kind == "top":
            n_text, _, names = rest.partition(":")
            if not n_text.isdigit():
                raise FormatError(f"outcome {spec!r}: top:N:CONTESTS with N a number")
            wanted = [c.id for c in election.contests] if names == "all" else names.split(",")
            for name in wanted:
                if election.contest(name) is None:
                    raise FormatError(f"outcome {spec!r}: no contest {name!r}")
            hidden = [name for name in wanted if name in suppressed]
            if hidden:
                parts.append(AuditPlanOutcomes(not_auditable=[f"{spec}: counts of {', '.join(hidden)} withheld by "
                                                              f"the privacy floor"]))
            else:
                parts.append(top_n(spec, [c for name in wanted for c in candidates[name]], int(n_text)))
        elif kind == "threshold":
            option, _, share = rest.partition(":")
            found = [c for cs in candidates.values() for c in cs if c.option == option]
            try:
                value = float(share)
            except ValueError:
                raise FormatError(f"outcome {spec!r}: threshold:OPTION:SHARE with SHARE a number like 0.5") from None
            if not found:
                parts.append(AuditPlanOutcomes(not_auditable=[f"{spec}: no reported count for option {option}"]))
            else:
                parts.append(threshold(found[0], value, reported.ballots.get(found[0].contest, 0)))
        else:
            raise FormatError(f"outcome {spec!r} is not plurality:C, top:N:C1,C2 or threshold:OPTION:SHARE")
    return merge(*parts)


def paper_of(election: Election, style: str, selections: Mapping) -> Paper:
    """What a ballot of ``style`` with ``selections`` shows: its contests and each option's value."""
    shown = frozenset(election.style(style).contests) if election.style(style) else frozenset()
    votes: dict[str, int] = {}
    for contest, chosen in selections.items():
        if isinstance(chosen, dict):       # a score rule: option -> grade
            votes.update({o: int(g) for o, g in chosen.items() if int(g)})
        else:
            votes.update({o: 1 for o in chosen})
    return Paper(shown, votes)


def check_cvrs(election: Election, files: list[CvrFile], statements: list[ClosingStatement], mode: str) -> list[str]:
    """Where the cast vote records and the closing statements disagree (empty: they reconcile)."""
    problems = []
    by_key = {s["kiosk_key_hex"]: s for s in statements}
    seen = set()
    for f in files:
        where = f"cast vote records of station {f.station} (kiosk {f.kiosk_key_hex[:16]})"
        if f.election_hex != election.fingerprint_hex:
            problems.append(f"{where}: another election's")
            continue
        if f.mode != mode:
            problems.append(f"{where}: {f.mode} mode, the audit is of {mode} ballots")
        statement = by_key.get(f.kiosk_key_hex)
        if statement is None:
            problems.append(f"{where}: no closing statement of this kiosk")
            continue
        if len(f.records) != statement["ballots"]:
            problems.append(f"{where}: {len(f.records)} records, the closing statement says {statement['ballots']} ballots")
        counts: Counter = Counter()
        for r in f.records:
            if r.ballot_id_hex in seen:
                problems.append(f"{where}: ballot id {r.ballot_id_hex[:8]}… appears twice")
            seen.add(r.ballot_id_hex)
            if election.style(r.style) is None:
                problems.append(f"{where}: unknown ballot style {r.style}")
                continue
            if check_selections(election, r.style, r.selections):
                problems.append(f"{where}: ballot id {r.ballot_id_hex[:8]}… holds selections the rules do not allow")
                continue
            counts.update(paper_of(election, r.style, r.selections).votes)
        for contest, c in statement["contests"].items():
            for option, n in c.get("options", {}).items():
                if counts.get(option, 0) != n:
                    problems.append(f"{where}: option {option} has {counts.get(option, 0)} in the records, "
                                    f"{n} on the tape")
    keys = {f.kiosk_key_hex for f in files}
    problems += [f"station {s['station']} (kiosk {s['kiosk_key_hex'][:16]}): closing statement without cast vote records"
                 for s in statements if s["kiosk_key_hex"] not in keys]
    return problems


def comparison_population(election: Election, files: list[CvrFile], contests: frozenset[str],
                          papers: Mapping[str, int]) -> Population:
    """The records whose style shows one of ``contests``, plus blank records for surplus papers.

    ``papers`` is the count of papers per station; where a station's boxes hold more papers than
    its kiosks' records, the difference enters as blank records (``phantom:STATION:i``) in every
    assertion's population: no paper can be matched to one, so a drawn phantom counts as the
    largest overstatement it can be (SHANGRLA's phantoms).
    """
    out: Population = {}
    per_station: Counter = Counter()
    for f in files:
        per_station[f.station] += len(f.records)
        for r in f.records:
            style = election.style(r.style)
            if style is not None and contests & set(style.contests):
                # a record the rules refuse is named by check_cvrs; here it shows nothing
                valid = not check_selections(election, r.style, r.selections)
                out[r.ballot_id_hex] = paper_of(election, r.style, r.selections) if valid \
                    else Paper(frozenset(style.contests), {})
    for station, n in sorted(papers.items()):
        for i in range(1, n - per_station[station] + 1):
            out[f"phantom:{station}:{i}"] = Paper(frozenset(), {})
    return out
