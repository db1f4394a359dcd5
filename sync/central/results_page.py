"""The node's results page, ``GET /results``: the published results and the selected projects, in Korean and English.

Read from the node's election record (:mod:`sync.central.record_files`), byte for byte what
``/v1/record/results`` and ``/v1/record/selection`` serve and ``verify --from`` re-checks: nothing here
computes a result. Per selection stage: the budget, used and left; the selected projects with their
rank, points, cost and category; every other project of the stage's pool with why it lost (points
short of the stage's count, its category's quota full, not enough budget left, selected in an
earlier stage). Then per contest the published counts (a contest under the privacy floor says so
and shows no count). Before the tally the page says the results are not published yet.
"""

from __future__ import annotations

import html

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from kiosk.contract.election import Election
from kiosk.errors import KioskError
from sync.central.node import CentralNode
from sync.central.page_html import bilingual, page
from sync.central.record_files import RESULTS_FILE, SELECTION_FILE, node_record_dir, read_json_file
from sync.central.results_words import (LOST, TIE, WON, category_title, contest_words, project_title,
                                        withheld_words)

STYLE = """body{font-family:'NanumGothic',sans-serif;margin:2em;max-width:64em} table{border-collapse:collapse}
td,th{border:1px solid #999;padding:.2em .5em} td.n{text-align:right} td.why{min-width:12em}"""


def _won(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else "-"


def _title(election: Election, project: str) -> str:
    """A project's name (its id when no option stands for it)."""
    title = project_title(election, project)
    return bilingual(title.ko, title.en) if title else html.escape(str(project))


def _category(election: Election, category: object) -> str:
    """A category's title (its id, as code, when the package names none such)."""
    title = category_title(election, category)
    return bilingual(title.ko, title.en) if title else f"<code>{html.escape(str(category or ''))}</code>"


def stage_html(election: Election, stage: dict) -> str:
    """One stage: its money line, the selected projects, then the others with why each lost."""
    rules = election.judging
    known = next((s for s in rules.stages if s.id == stage.get("stage")), None) if rules else None
    name = bilingual(known.title.ko, known.title.en) if known else html.escape(str(stage.get("stage")))
    projects = [p for p in stage.get("projects", []) if isinstance(p, dict)]
    chosen = [p for p in projects if p.get("selected")]
    money = (bilingual("예산 없음", "no budget") if stage.get("budget") is None else
             f"예산 · <span lang='en'>budget</span> {_won(stage.get('budget'))} 원, "
             f"사용 · <span lang='en'>used</span> {_won(stage.get('used'))} 원, "
             f"남음 · <span lang='en'>left</span> {_won(stage.get('left'))} 원")
    head = "<tr>" + "".join(f"<th scope='col'>{ko}<br><span lang='en'>{en}</span></th>" for ko, en in (
        ("순위", "rank"), ("사업", "project"), ("분야", "category"), ("비용 (원)", "cost (won)"), ("점수", "points")))

    def row(p: dict, last: str = "") -> str:
        return (f"<tr><td>{html.escape(str(p.get('rank') or ''))}</td><td>{_title(election, p.get('project'))} "
                f"({html.escape(str(p.get('project')))})</td><td>{_category(election, p.get('category'))}</td>"
                f"<td class='n'>{_won(p.get('cost'))}</td><td class='n'>{html.escape(str(p.get('points')))}</td>"
                f"{last}</tr>")

    lost = "".join(row(p, f"<td class='why'>{bilingual(*LOST.get(p.get('lost'), (str(p.get('lost')),) * 2))}</td>")
                   for p in projects if not p.get("selected"))
    return (f"<section><h2>{name}</h2><p>{len(chosen)}개 선정 · <span lang='en'>{len(chosen)} selected</span>; "
            f"{money}</p><table>{head}</tr>{''.join(row(p) for p in chosen)}</table>"
            f"<h3>선정되지 않은 사업 · <span lang='en'>Not selected, and why</span></h3>"
            f"<table>{head}<th scope='col'>이유<br><span lang='en'>why</span></th></tr>{lost}</table></section>")


OUTCOME = {WON: ("당선", "won"), TIE: ("동점", "tie")}


def contest_html(election: Election, result: dict) -> str:
    """One contest's published counts by option name, its blank ballots and winners (none under the privacy floor)."""
    c = contest_words(election, result)
    if c is None:
        return f"<h3>{html.escape(str(result.get('contest')))}</h3><p>{bilingual('이 선거에 없는 경선', 'not a contest of this election')}</p>"
    name = bilingual(c.name.ko, c.name.en)
    if c.suppressed:
        return f"<h3>{name}</h3><p>{bilingual(*withheld_words(c))}</p>"
    bonus = bool(election.bonus_bands)
    extra = ("<th>가산점 · <span lang='en'>bonus</span></th><th>점수 · <span lang='en'>score</span></th>" if bonus
             else "<th>결과 · <span lang='en'>outcome</span></th>")

    def cells(o) -> str:
        if bonus:
            return f"<td class='n'>{o.row.get('bonus')}</td><td class='n'>{o.row.get('score')}</td>"
        return f"<td>{bilingual(*OUTCOME[o.outcome]) if o.outcome else ''}</td>"

    rows = "".join(f"<tr><td>{bilingual(o.name.ko, o.name.en)} ({html.escape(o.option)})</td>"
                   f"<td class='n'>{o.votes}</td>{cells(o)}</tr>" for o in c.options)
    if c.blank is not None:
        rows += f"<tr><td>{bilingual('기권 (선택 없음)', 'blank')}</td><td class='n'>{c.blank}</td>{'<td></td>' * (2 if bonus else 1)}</tr>"
    return (f"<h3>{name} ({c.ballots} 투표지 · <span lang='en'>ballots</span>)</h3><table><tr>"
            f"<th>선택지 · <span lang='en'>option</span></th><th>득표 · <span lang='en'>votes</span></th>{extra}</tr>"
            f"{rows}</table>")


def render_results(election: Election, results: object | None, selection: object | None) -> str:
    """The whole page."""
    body = []
    if not isinstance(results, dict):
        body.append(f"<p>{bilingual('아직 결과가 공개되지 않았습니다', 'No results published yet.')}</p>")
    else:
        if isinstance(selection, dict):
            body.append(f"<h2>{bilingual('선정 사업', 'Selected projects')}</h2>")
            body += [stage_html(election, s) for s in selection.get("stages", []) if isinstance(s, dict)]
        elif election.judging is not None and election.judging.stages:
            body.append(f"<p>{bilingual('선정 결과는 아직 공개되지 않았습니다', 'The selection is not published yet.')}</p>")
        body.append(f"<h2>{bilingual('개표 결과', 'Results')}</h2><p>{results.get('ballots_counted')} "
                    f"{bilingual('투표지 집계', 'ballots counted')}</p>")
        body += [contest_html(election, c) for c in results.get("results", []) if isinstance(c, dict)]
    return page(f"결과 · Results: {html.escape(election.title.en)}", STYLE,
                f"<h1>{bilingual(election.title.ko, election.title.en)}</h1>{''.join(body)}"
                "<p><a href='/'>← 현황 · <span lang='en'>Dashboard</span></a></p>")


def results_routes(node: CentralNode) -> list[Route]:
    """``GET /results``."""
    folder = node_record_dir(node.data_dir, node.mode)

    def read() -> tuple[object | None, object | None]:
        try:
            return read_json_file(folder / RESULTS_FILE), read_json_file(folder / SELECTION_FILE)
        except KioskError:
            return None, None

    async def results_page(request: Request) -> Response:
        results, selection = await run_in_threadpool(read)
        return HTMLResponse(render_results(node.election, results, selection), headers={"Cache-Control": "no-store"})

    return [Route("/results", results_page)]
