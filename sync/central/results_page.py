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
from sync.central.page_html import page
from sync.central.record_files import RESULTS_FILE, SELECTION_FILE, node_record_dir, read_json_file

LOST = {"points": ("점수 부족 (선정 수 마감)", "points short: the stage's count was reached"),
        "quota": ("분야 한도 초과", "its category's quota was full"),
        "budget": ("예산 부족", "not enough budget left"),
        "selected_earlier": ("앞 단계에서 선정됨", "selected in an earlier stage")}


STYLE = """body{font-family:'NanumGothic',sans-serif;margin:2em;max-width:64em} table{border-collapse:collapse}
td,th{border:1px solid #999;padding:.2em .5em} td.n{text-align:right}"""


def _both(ko: str, en: str) -> str:
    return f"{html.escape(ko)} · <span lang='en'>{html.escape(en)}</span>"


def _won(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else "-"


def _title(election: Election, project: str) -> str:
    """A project's name: the title of the first option that stands for it (its id when there is none)."""
    rules = election.judging
    found = next((p for p in rules.projects if p.id == project), None) if rules else None
    for option_id in (found.options if found else ()):
        for contest in election.contests:
            option = contest.option(option_id)
            if option is not None:
                return _both(option.title.ko, option.title.en)
    return html.escape(str(project))


def _category(election: Election, category: object) -> str:
    """A category's title from the signed package (the parsed rules keep only its id)."""
    for c in (election.body.get("selection") or {}).get("categories", []):
        if c.get("id") == category and isinstance(c.get("title"), dict):
            return _both(c["title"].get("ko", ""), c["title"].get("en", ""))
    return f"<code>{html.escape(str(category or ''))}</code>"


def stage_html(election: Election, stage: dict) -> str:
    """One stage: its money line, the selected projects, then the others with why each lost."""
    rules = election.judging
    known = next((s for s in rules.stages if s.id == stage.get("stage")), None) if rules else None
    name = _both(known.title.ko, known.title.en) if known else html.escape(str(stage.get("stage")))
    projects = [p for p in stage.get("projects", []) if isinstance(p, dict)]
    chosen = [p for p in projects if p.get("selected")]
    money = (_both("예산 없음", "no budget") if stage.get("budget") is None else
             f"예산 · <span lang='en'>budget</span> {_won(stage.get('budget'))} 원, "
             f"사용 · <span lang='en'>used</span> {_won(stage.get('used'))} 원, "
             f"남음 · <span lang='en'>left</span> {_won(stage.get('left'))} 원")
    head = ("<tr><th>순위 · <span lang='en'>rank</span></th><th>사업 · <span lang='en'>project</span></th>"
            "<th>분야 · <span lang='en'>category</span></th><th>비용 · <span lang='en'>cost</span> (원)</th>"
            "<th>점수 · <span lang='en'>points</span></th>")

    def row(p: dict, last: str = "") -> str:
        return (f"<tr><td>{html.escape(str(p.get('rank') or ''))}</td><td>{_title(election, p.get('project'))} "
                f"({html.escape(str(p.get('project')))})</td><td>{_category(election, p.get('category'))}</td>"
                f"<td class='n'>{_won(p.get('cost'))}</td><td class='n'>{html.escape(str(p.get('points')))}</td>"
                f"{last}</tr>")

    lost = "".join(row(p, f"<td>{_both(*LOST.get(p.get('lost'), (str(p.get('lost')),) * 2))}</td>")
                   for p in projects if not p.get("selected"))
    return (f"<section><h2>{name}</h2><p>{len(chosen)}개 선정 · <span lang='en'>{len(chosen)} selected</span>; "
            f"{money}</p><table>{head}</tr>{''.join(row(p) for p in chosen)}</table>"
            f"<h3>선정되지 않은 사업 · <span lang='en'>Not selected, and why</span></h3>"
            f"<table>{head}<th>이유 · <span lang='en'>why</span></th></tr>{lost}</table></section>")


def contest_html(election: Election, result: dict) -> str:
    """One contest's published counts (none under the privacy floor)."""
    contest = election.contest(result.get("contest")) if isinstance(result.get("contest"), str) else None
    name = _both(contest.title.ko, contest.title.en) if contest else html.escape(str(result.get("contest")))
    if result.get("suppressed"):
        withheld = _both("투표지가 공개 하한보다 적어 표 수를 공개하지 않습니다",
                         "counts withheld: fewer ballots than the privacy floor")
        return f"<h3>{name}</h3><p>{withheld}</p>"
    rows = "".join(f"<tr><td>{html.escape(str(o.get('option')))}</td><td class='n'>{o.get('likes')}</td>"
                   f"<td class='n'>{o.get('bonus')}</td><td class='n'>{o.get('score')}</td></tr>"
                   for o in result.get("options", []) if isinstance(o, dict))
    return (f"<h3>{name} ({result.get('ballots')} 투표지 · <span lang='en'>ballots</span>)</h3><table><tr>"
            f"<th>선택지 · <span lang='en'>option</span></th><th>득표 · <span lang='en'>votes</span></th>"
            f"<th>가산점 · <span lang='en'>bonus</span></th><th>점수 · <span lang='en'>score</span></th></tr>"
            f"{rows}</table>")


def render_results(election: Election, results: object | None, selection: object | None) -> str:
    """The whole page."""
    body = []
    if not isinstance(results, dict):
        body.append(f"<p>{_both('아직 결과가 공개되지 않았습니다', 'No results published yet.')}</p>")
    else:
        if isinstance(selection, dict):
            body.append(f"<h2>{_both('선정 사업', 'Selected projects')}</h2>")
            body += [stage_html(election, s) for s in selection.get("stages", []) if isinstance(s, dict)]
        elif election.judging is not None and election.judging.stages:
            body.append(f"<p>{_both('선정 결과는 아직 공개되지 않았습니다', 'The selection is not published yet.')}</p>")
        body.append(f"<h2>{_both('개표 결과', 'Results')}</h2><p>{results.get('ballots_counted')} "
                    f"{_both('투표지 집계', 'ballots counted')}</p>")
        body += [contest_html(election, c) for c in results.get("results", []) if isinstance(c, dict)]
    return page(f"결과 · Results: {html.escape(election.title.en)}", STYLE,
                f"<h1>{_both(election.title.ko, election.title.en)}</h1>{''.join(body)}"
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
