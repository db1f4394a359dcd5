"""``kiosk-central results``: the published results as a table and as a PDF results report, in Korean and English.

Both are read from the election record (``results.json``, and ``selection.json`` when the package
selects projects): a node's record folder or a ``board export`` folder, byte for byte what the node
serves and ``verify --from`` re-checks. Nothing here counts. The report names the election and its
fingerprint, the ballots counted, every contest in the election's words (option names, votes, blank
ballots, the winners by the contest's rule, or "withheld" under the privacy floor), and per
selection stage the budget used and left, the selected projects with rank, points, cost and
category, and every other project with why it lost. It holds nothing finer than the record: no
station's count, no ballot.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from kiosk.contract.election import Election
from sync.central.pdf_layout import build, styles
from sync.central.results_words import (LOST, TIE, WON, ContestWords, both, category_title, contest_lines,
                                        outcome_line, project_title, results_words, withheld_words)

OUTCOME = {WON: "won / 당선", TIE: "tie / 동점", "": ""}


def _won(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else "-"


def contest_rows(election: Election, c: ContestWords) -> list[list[str]]:
    """One contest's table: a header, an option a row, the blank ballots when known."""
    bonus = bool(election.bonus_bands)
    rows = [["option / 선택지", "votes / 득표"] + (["bonus / 가산점", "score / 점수"] if bonus else ["outcome / 결과"])]
    for o in c.options:
        extra = [str(o.row.get("bonus", 0)), str(o.row.get("score"))] if bonus else [OUTCOME[o.outcome]]
        rows.append([f"{both(o.name)} ({o.option})", str(o.votes)] + extra)
    if c.blank is not None:
        rows.append(["blank / 기권", str(c.blank)] + [""] * (2 if bonus else 1))
    return rows


def stage_rows(election: Election, stage: dict) -> list[list[str]]:
    """One selection stage's table: the selected projects first, then the others with why each lost."""
    rows = [["rank / 순위", "project / 사업", "category / 분야", "cost / 비용 (원)", "points / 점수", "why not / 미선정 이유"]]
    projects = [p for p in stage.get("projects", []) if isinstance(p, dict)]
    for p in sorted(projects, key=lambda p: not p.get("selected")):
        title = project_title(election, str(p.get("project")))
        name = f"{both(title)} ({p.get('project')})" if title else str(p.get("project"))
        why = "" if p.get("selected") else " / ".join(reversed(LOST.get(p.get("lost"), (str(p.get("lost")),) * 2)))
        category = category_title(election, p.get("category"))
        rows.append([str(p.get("rank") or ""), name, both(category) if category else str(p.get("category") or ""),
                     _won(p.get("cost")), str(p.get("points")), why])
    return rows


def write_results_report(path: Path, election: Election, results: dict, selection: dict | None) -> None:
    """Write the PDF results report of the record's ``results`` (and ``selection``) to ``path``."""
    s = styles()
    story = [s.p("개표 결과 보고서 / Results report", s.head),
             s.p(both(election.title)),
             s.p(f"election fingerprint / 선거 지문: {election.fingerprint_hex}"),
             s.p(f"ballots counted / 집계 투표지: {results.get('ballots_counted')}; privacy floor / 공개 하한: "
                 f"{results.get('privacy_floor', election.privacy_floor)}"), Spacer(1, 4 * mm)]
    for c in results_words(election, results):
        story.append(s.p(f"{both(c.name)} ({c.contest}; {c.ballots} ballots / 투표지)", s.sub))
        if c.suppressed:
            story.append(s.p(" / ".join(reversed(withheld_words(c)))))
            continue
        story.append(s.table(contest_rows(election, c), header=True))
        if c.seats:
            story.append(s.p(outcome_line(c)))
    stages = selection.get("stages", []) if isinstance(selection, dict) else []
    if election.judging is not None and election.judging.stages and not stages:
        story.append(s.p("The selection is not published yet / 선정 결과는 아직 공개되지 않았습니다", s.sub))
    for stage in (st for st in stages if isinstance(st, dict)):
        chosen = sum(bool(p.get("selected")) for p in stage.get("projects", []) if isinstance(p, dict))
        story.append(s.p(f"selection stage / 선정 단계 {stage.get('stage')}: {chosen} selected / 선정", s.sub))
        if stage.get("budget") is not None:
            story.append(s.p(f"budget / 예산 {_won(stage.get('budget'))} 원, used / 사용 {_won(stage.get('used'))} 원, "
                             f"left / 남음 {_won(stage.get('left'))} 원"))
        story.append(s.table(stage_rows(election, stage), header=True))
    story += [Spacer(1, 4 * mm),
              s.p("Anyone can re-derive these results from the published record: kiosk-central verify --from URL|DIR "
                  "(docs/crypto.md). 누구나 공개된 기록으로 이 결과를 다시 계산할 수 있습니다.")]
    build(path, story, "Results report")


def results_table(election: Election, results: dict, selection: dict | None) -> str:
    """The same content as the report, as plain text for a terminal."""
    lines = [f"{election.title.en}: {results.get('ballots_counted')} ballots counted"]
    floor = results.get("privacy_floor", election.privacy_floor)
    for c in results_words(election, results):
        lines += [""] + contest_lines(c, floor, bool(election.bonus_bands))
    for stage in (selection or {}).get("stages", []):
        chosen = [p.get("project") for p in stage.get("projects", []) if isinstance(p, dict) and p.get("selected")]
        lines.append(f"\nstage {stage.get('stage')}: {len(chosen)} selected"
                     + (f", budget used {_won(stage.get('used'))} of {_won(stage.get('budget'))} won"
                        if stage.get("budget") is not None else ""))
    return "\n".join(lines)
