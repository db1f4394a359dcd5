"""The central staff's dashboard at a node's ``/``: one server-rendered HTML page, no JavaScript.

What it shows, in Korean and English (the English marked ``lang="en"``), from what this node holds
(see :mod:`sync.central.dashboard_view` for how each figure is computed):

* tally readiness: stations closed of the roster, and which open stations still block the tally;
* ingest progress: batches and ballots accepted, turnout against the tokens on the roll, batches
  held waiting for a gap, double uses, rejected batches; turnout per ballot style against its
  tokens (fewer than k ballots withheld, as on the results tape);
* stations, problems first (double use, rejected batch, held batch, never heard from, silent for
  longer than an hour while open; on a node in test mode a station not heard from is "not tested
  yet": each station of the roster is to send its test ballots), then open, then closed; sortable (``?sort=``), filterable
  (``?show=``, ``?q=`` for a station's name) and in pages of 100 (``?page=``); per kiosk its last
  batch, ballots, last contact and last batch time (this node's clock);
* rejected batches with the reason code and the node's words;
* the board's size and what was cosigned: the quorum is said of the cosigned tree size, not of
  the board;
* doubly used tokens: the token reference's short form and where (never a serial);
* turnout over the day: ballots accepted per hour of this node's acknowledgements.

It never shows selections or counts per option: results come from ``kiosk-central tally`` after
the close, never from this page. The page reloads itself every 30 seconds (a meta refresh) only
once the reader turns that on (``?refresh=1``, a link on the page; ``?refresh=0`` pauses it again).
"""

from __future__ import annotations

import html
import threading
import time
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from sync.central.dashboard_view import (FILTERS, PAGE_SIZE, SILENT_AFTER_S, SORTS, HourlyTurnout, Query, StationRow,
                                         StyleTurnout, View, build_view)
from sync.central.node import CentralNode
from sync.central.page_html import bilingual as bi
from sync.central.page_html import page, scrolling
from sync.central.witnessing import Witnessing

REFRESH_S = 30
PROBLEM_WORDS = {"double_use": ("중복 사용", "double use"), "rejected": ("거부된 묶음", "rejected batch"),
                 "held": ("대기 묶음", "batch held"), "never": ("연락 없음", "never heard from"),
                 "silent": ("응답 없음", f"silent over {SILENT_AFTER_S // 60} min"),
                 "open": ("투표 중", "open"), "closed": ("마감", "closed"), "all": ("전체", "all"),
                 "problems": ("문제 있음", "with problems")}
# A node in test mode serves the logic-and-accuracy testing before the day: the roster's kiosks are the
# ones that will vote (a kiosk keeps its key from test mode to official), each is to send test ballots
# first, so a station not heard from yet is a test still to run, not a station lost.
TEST_WORDS = {"never": ("아직 시험 안 함", "not tested yet")}
SORT_WORDS = {"problems": ("문제 순", "problems first"), "station": ("투표소 순", "by station"),
              "contact": ("연락 오래된 순", "oldest contact first"), "ballots": ("투표지 많은 순", "most ballots first")}


def e(value: object) -> str:
    return html.escape(str(value), quote=True)


def mark(css: str, ko: str, en: str) -> str:
    """A bilingual phrase in a span of a class (ok, bad, open)."""
    return f'<span class="{css}">{bi(ko, en)}</span>'


def para(css: str, ko: str, en: str) -> str:
    """A bilingual paragraph of a class."""
    return f'<p class="{css}">{bi(ko, en)}</p>'


def _clock(t: float | None, seconds: bool = False) -> str:
    if t is None:
        return "—"
    return time.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%H:%M", time.localtime(t))


def turnout_svg(per_hour: dict[int, int], width: int = 640, height: int = 200) -> str:
    """Ballots accepted per hour as an inline SVG bar chart (no script)."""
    label = 'role="img" aria-label="시간대별 접수 투표지 · ballots accepted per hour"'
    if not per_hour:
        return (f'<svg class="chart" width="{width}" height="60" {label}><text x="8" y="34">'
                '아직 접수된 투표지 없음 · <tspan lang="en">no ballots accepted yet</tspan></text></svg>')
    first, last = min(per_hour), max(per_hour)
    hours = list(range(first, last + 3600, 3600))[-24:]
    top = max(per_hour.values())
    left, bottom, plot_h = 48, height - 28, height - 48
    bar_w = min((width - left - 8) / len(hours), 48)
    parts = [f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" {label}>',
             f'<line x1="{left}" y1="{bottom}" x2="{width - 4}" y2="{bottom}" stroke="#555"/>',
             f'<text x="{left - 6}" y="{bottom - plot_h + 4}" text-anchor="end" class="axis">{top}</text>',
             f'<text x="{left - 6}" y="{bottom}" text-anchor="end" class="axis">0</text>']
    for i, hour in enumerate(hours):
        count = per_hour.get(hour, 0)
        bar_h = plot_h * count / top
        x = left + i * bar_w
        parts.append(f'<rect x="{x + 2:.1f}" y="{bottom - bar_h:.1f}" width="{max(bar_w - 4, 1):.1f}" '
                     f'height="{bar_h:.1f}" fill="#2b6cb0"><title>{e(_clock(hour))} {count}</title></rect>')
        if count:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{bottom - bar_h - 4:.1f}" text-anchor="middle" '
                         f'class="value">{count}</text>')
        if len(hours) <= 12 or i % 2 == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{bottom + 16}" text-anchor="middle" '
                         f'class="axis">{e(_clock(hour))}</text>')
    parts.append("</svg>")
    return "".join(parts)


STYLE = """
body{font-family:"NanumGothic","Noto Sans CJK KR",sans-serif;margin:16px 24px;color:#1a202c;background:#f7fafc}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:20px 0 8px;border-bottom:2px solid #cbd5e0}
.meta{color:#4a5568;font-size:13px} .mode{display:inline-block;padding:2px 8px;border-radius:4px;font-weight:bold}
.official{background:#276749;color:#fff} .test{background:#d69e2e;color:#000}
table{border-collapse:collapse;background:#fff;font-size:14px} th,td{border:1px solid #cbd5e0;padding:4px 10px;text-align:left}
th{background:#edf2f7} td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#22543d;font-weight:bold} .open{color:#744210} .bad{color:#9b2c2c;font-weight:bold}
.tiles{display:flex;gap:12px;flex-wrap:wrap} .tile{background:#fff;border:1px solid #cbd5e0;padding:8px 14px;min-width:150px}
.tile b{display:block;font-size:24px} .note{font-size:13px;color:#4a5568;max-width:900px}
.chart text{font-size:11px;fill:#2d3748} .chart .value{font-weight:bold} code{font-size:13px}
form.find{margin:8px 0} form.find label{margin-right:12px} nav.pages a,nav.pages span{margin-right:10px}
a{color:#2a4365} th[scope=row]{white-space:nowrap} td.status{min-width:10em} nav.pages{margin:6px 0}
@media (max-width:600px){.tiles{gap:8px} .tile{flex:1 1 40%;min-width:0;padding:6px 10px} .tile b{font-size:20px}}
"""


def _tile(ko: str, en: str, value: object, css: str = "") -> str:
    return f'<div class="tile"><span>{bi(ko, en)}</span><b class="{css}">{e(value)}</b></div>'


def _link(q: Query, **change) -> str:
    """The page's address with some of its query changed (always from the first page unless given)."""
    values = {"sort": q.sort, "show": q.show, "q": q.q, "page": 1, "refresh": "1" if q.refresh else "0",
              "per": q.per_page if q.per_page != PAGE_SIZE else ""} | change
    return "?" + e(urlencode({k: v for k, v in values.items() if v not in ("", None)}))


def problem_words(mode: str) -> dict[str, tuple[str, str]]:
    """The words of each problem and state on the page of a node in ``mode``."""
    return (PROBLEM_WORDS | TEST_WORDS) if mode == "test" else PROBLEM_WORDS


def _status(row: StationRow, words: dict[str, tuple[str, str]]) -> str:
    problems = [f'<span class="bad">{bi(*words[p])}</span>' for p in row.problems]
    state = (f'<span class="ok">{bi(*words["closed"])}</span>' if row.closed else
             f'<span class="open">{bi(*words["open"])}</span>')
    return "<br>".join(problems + [state])


def _station_rows(v: View) -> list[str]:
    out = ['<table><caption class="note">' + bi(f"투표소 {v.matching}곳 중 {len(v.stations)}곳",
                                                f"{len(v.stations)} of {v.matching} stations") + '</caption><tr>'
           + "".join(f'<th scope="col">{bi(ko, en, "<br>")}</th>' for ko, en in (
               ("투표소", "Station"), ("상태", "Status"), ("단말기", "Kiosk"), ("마지막 묶음", "Last batch"),
               ("투표지", "Ballots"), ("대기", "Held"), ("거부", "Rejected"), ("마지막 연락", "Last contact"),
               ("마지막 묶음 시각", "Last batch at"), ("확인한 노드", "Acknowledged by"))) + "</tr>"]
    words = problem_words(v.mode)
    if not v.stations:
        out.append(f'<tr><td colspan="10">{bi("해당하는 투표소가 없습니다", "no station matches")}</td></tr>')
    for row in v.stations:
        for i, k in enumerate(row.kiosks or [None]):
            a = k.activity if k else None
            first = i == 0
            acked = f'{e(v.node_id)} ({bi("이 노드", "this node", " ")})' if a and a.last_batch else "—"
            numbers = ", ".join(map(str, k.held_numbers)) if k else ""
            held = f'{e(numbers or a.held)} ({bi(f"{a.last_batch + 1} 기다림", f"waiting for {a.last_batch + 1}")})' \
                if a and a.held else "—"
            out.append(f'<tr><th scope="row">{e(row.station) if first else ""}</th><td class="status">{_status(row, words) if first else ""}'
                       f'</td><td><code>{e(k.fingerprint) if k else "—"}</code>'
                       f'{" (" + bi("마감", "closed", " ") + ")" if a and a.closed and len(row.kiosks) > 1 else ""}</td>'
                       f'<td class="num">{a.last_batch if a and a.last_batch else "—"}</td>'
                       f'<td class="num">{a.ballots if a else 0}</td>'
                       f'<td class="{"bad" if a and a.held else ""}">{held}</td>'
                       f'<td class="num {"bad" if a and a.rejected else ""}">{a.rejected if a and a.rejected else "—"}</td>'
                       f'<td>{e(_clock(a.last_contact if a else None))}</td>'
                       f'<td>{e(_clock(a.last_delivered if a else None))}</td><td>{acked}</td></tr>')
    out.append("</table>")
    return out


def _finder(v: View) -> str:
    q = v.query
    words = problem_words(v.mode)
    show = "".join(f'<option value="{f}"{" selected" if f == q.show else ""}>{e(" · ".join(words[f]))}'
                   f'{"" if f in ("all",) else f" ({v.counts.get(f, 0)})"}</option>' for f in FILTERS)
    sort = "".join(f'<option value="{s}"{" selected" if s == q.sort else ""}>{e(" · ".join(SORT_WORDS[s]))}</option>'
                   for s in SORTS)
    return (f'<form class="find" method="get"><label for="show">{bi("보기", "Show")}</label> '
            f'<select id="show" name="show">{show}</select> <label for="sort">{bi("순서", "Order")}</label> '
            f'<select id="sort" name="sort">{sort}</select> <label for="q">{bi("투표소 이름", "Station name")}</label> '
            f'<input id="q" name="q" value="{e(q.q)}" size="12"> <input type="hidden" name="refresh" '
            f'value="{"1" if q.refresh else "0"}"><input type="hidden" name="per" value="{q.per_page}"><button type="submit">{bi("적용", "Apply")}</button></form>')


def _pages(v: View, where: tuple[str, str]) -> str:
    """The page links, above or below the table: two navigation landmarks, so each has its own name."""
    if v.pages == 1:
        return ""
    q, parts = v.query, []
    if q.page > 1:
        parts.append(f'<a href="{_link(q, page=q.page - 1)}" rel="prev">{bi("이전", "previous")}</a>')
    parts.append(f'<span>{bi(f"{v.pages}쪽 중 {q.page}쪽", f"page {q.page} of {v.pages}")}</span>')
    if q.page < v.pages:
        parts.append(f'<a href="{_link(q, page=q.page + 1)}" rel="next">{bi("다음", "next")}</a>')
    return f'<nav class="pages" aria-label="쪽 {where[0]} · pages, {where[1]}">{"".join(parts)}</nav>'


def _quorum(v: View) -> list[str]:
    c = v.cosigned
    cosigned = c["tree_size"] if c["cosigners"] else None
    if not c["cosigners"]:
        said = f'<span class="bad">{bi("공동서명 없음", "nothing cosigned yet")}</span>'
    elif c["quorate"]:
        said = mark("ok", f"투표지 {cosigned}개까지 정족수 충족", f"quorum reached for the first {cosigned} leaves")
    else:
        said = mark("bad", f"투표지 {cosigned}개까지 정족수 미달", f"below quorum for the first {cosigned} leaves")
    if cosigned is not None and cosigned < v.board_size:
        newest = v.board_size - cosigned
        said += " — " + bi(f"최근 {newest}개는 아직 공동서명 전", f"the newest {newest} not cosigned yet")
    return ['<h2>' + bi("게시판", "Bulletin board") + '</h2><div class="tiles">',
            _tile("게시판 크기", "board size (leaves)", v.board_size),
            _tile("서명된 크기", "cosigned tree size", "—" if cosigned is None else cosigned),
            _tile("서명 노드", "signers / quorum", f'{c["signers"]} / {c["quorum"]}', "ok" if c["quorate"] else "bad"),
            "</div>", f'<p>{said} — {bi("공동서명", "cosigned by")}: {e(", ".join(c["cosigners"])) or "—"}</p>',
            '<p>' + bi("이 노드의 증인 서명", "this node witnessing the others") + ": " + (", ".join(
                f'{e(n)} ' + (bi(f"{size}개까지", f"up to {size}", " ") if size is not None else
                              mark("bad", "아직 없음", "not yet")) for n, size in v.witnessed.items()) or "—") + "</p>"]


def _by_style(v: View) -> list[str]:
    """Turnout per ballot style against its tokens on the roll; fewer than k ballots are withheld."""
    if not v.by_style:
        return []
    out = ['<table><caption>' + bi("투표 스타일별 투표율", "Turnout by ballot style") + '</caption><tr>' + "".join(
        f'<th scope="col">{bi(ko, en, "<br>")}</th>' for ko, en in (
            ("투표 스타일", "Ballot style"), ("투표지", "Ballots"), ("토큰", "Tokens"), ("투표율", "Turnout"))) + "</tr>"]
    for ko, en, ballots, tokens in v.by_style:
        if ballots is None:
            shown = share = bi(f"{v.privacy_floor}표 미만", f"under {v.privacy_floor}")
        else:
            shown, share = str(ballots), f"{100 * ballots / tokens:.1f}%" if tokens else "—"
        out.append(f'<tr><td>{bi(ko, en)}</td><td class="num">{shown}</td><td class="num">{tokens}</td>'
                   f'<td class="num">{share}</td></tr>')
    return out + ["</table>"]


def _rejected(v: View) -> list[str]:
    out = ['<h2>' + bi("거부된 묶음", "Rejected batches") + '</h2>']
    if not v.rejected:
        return out + [f'<p class="ok">{bi("없음", "none")}</p>']
    out.append("<table><tr>" + "".join(f'<th scope="col">{bi(ko, en, "<br>")}</th>' for ko, en in (
        ("투표소", "Station"), ("단말기", "Kiosk"), ("묶음", "Batch"), ("사유", "Reason"), ("설명", "Detail"),
        ("시각", "At"))) + "</tr>")
    for r in v.rejected:
        out.append(f'<tr><td>{e(r["station"])}</td><td><code>{e(r["kiosk"])}</code></td><td class="num">{r["batch"]}</td>'
                   f'<td><code>{e(r["reason"])}</code></td><td lang="en">{e(r["detail"])}</td><td>{e(_clock(r["time"]))}</td></tr>')
    return out + ["</table>"]


def render(v: View) -> str:
    """The dashboard page (every value escaped)."""
    q, n = v.query, v.counts
    refresh = f'<meta http-equiv="refresh" content="{REFRESH_S}">' if q.refresh else ""
    every = bi(f"{REFRESH_S}초마다 새로 고침", f"refreshes every {REFRESH_S} s")
    if q.refresh:
        state, pause = every, f'<a href="{_link(q, page=q.page, refresh="0")}">{bi("새로 고침 멈춤", "pause refresh")}</a>'
    else:  # off unless asked for (WCAG 2.2.1): the reader turns it on
        state = bi("자동 새로 고침 꺼짐", "auto-refresh off")
        pause = (f'<a href="{_link(q, page=q.page, refresh="1")}">'
                 f'{bi(f"{REFRESH_S}초마다 새로 고침 켜기", f"refresh every {REFRESH_S} s")}</a>')
    turnout = f"{v.ballots} / {v.tokens} ({100 * v.ballots / v.tokens:.1f}%)" if v.tokens else str(v.ballots)
    out = [f'<h1>{bi("중앙 현황판", "Central dashboard")} <span class="mode {e(v.mode)}">'
           f'{bi("공식" if v.mode == "official" else "시험", v.mode)}</span></h1>',
           f'<p class="meta">{bi(*v.election_title)} — {bi("노드", "node", " ")} <b>{e(v.node_id)}</b> — '
           f'{bi("기준 시각", "as of", " ")} {e(_clock(v.now, True))} ({state}; {pause})</p>',
           '<h2>' + bi("개표 준비", "Tally readiness") + '</h2>']
    if v.mode == "test":
        out.insert(2, para("note", "시험 모드: 이 노드는 시험 투표지만 받습니다. 명단의 모든 투표소가 시험 투표지를 보내야 합니다",
                           "Test mode: this node takes test ballots only. Every station on the roster is to send "
                           "its test ballots (logic-and-accuracy testing) before election day."))
    if n["open"]:
        waiting = n["open"]
        more = f" … (+{waiting - len(v.blocking)})" if waiting > len(v.blocking) else ""
        out.append('<p class="bad">' + bi(f"아직 마감하지 않은 투표소 {waiting}곳이 개표를 막고 있습니다",
                                          f"{waiting} stations not closed yet block the tally") +
                   f': {e(", ".join(v.blocking))}{e(more)} — <a href="{_link(q, show="open")}">{bi("목록", "list")}</a></p>')
    else:
        out.append(para("ok", "모든 투표소 마감: 개표할 수 있습니다", "every station closed: the tally can run"))
    out += ['<h2>' + bi("수신 진행", "Ingest progress") + '</h2><div class="tiles">',
            _tile("마감 투표소", "stations closed", f"{n['closed']} / {n['stations']}"),
            _tile("접수 묶음", "batches accepted", v.batches),
            _tile("접수 투표지", "ballots accepted", v.ballots),
            _tile("투표율 (토큰 대비)", "turnout of tokens issued", turnout),
            _tile("대기 묶음", "batches held", v.held, "bad" if v.held else ""),
            _tile("거부된 묶음", "stations with rejected batches", n["rejected"], "bad" if n["rejected"] else ""),
            _tile(*problem_words(v.mode)["never"], n["never"], "bad" if n["never"] else ""),
            _tile("응답 없음", "silent", n["silent"], "bad" if n["silent"] else ""),
            _tile("중복 사용", "double uses", len(v.double_uses), "bad" if v.double_uses else ""),
            "</div>", *_by_style(v),
            '<h2>' + bi("투표소", "Stations") + '</h2>', _finder(v), _pages(v, ("위", "above")), *_station_rows(v),
            _pages(v, ("아래", "below")),
            '<p class="note">' + bi(f"한 쪽에 {v.query.per_page}곳; 시각은 이 노드의 시계",
                                    f"{v.query.per_page} stations a page; times by this node's clock") + "</p>"]
    if v.other_nodes:
        names = ", ".join(v.other_nodes)
        out.append('<p class="note">' + bi(f"다른 노드({names})의 확인은 단말기에 전달되며 이 노드는 알지 못합니다",
                                           f"Other nodes' acknowledgements ({names}) go to the kiosks; "
                                           "this node does not know them.") + "</p>")
    out += _rejected(v) + _quorum(v) + ['<h2>' + bi("중복 사용된 토큰", "Doubly used tokens") + '</h2>']
    if v.double_uses:
        out.append(f'<table><tr><th scope="col">{bi("토큰 참조 (앞부분)", "Token reference (short)", "<br>")}</th>'
                   f'<th scope="col">{bi("투표소", "Stations", "<br>")}</th></tr>')
        for ref, where in v.double_uses:
            out.append(f"<tr><td><code>{e(ref)}…</code></td><td>{e(', '.join(where))}</td></tr>")
        out.append("</table>")
    else:
        out.append(f'<p class="ok">{bi("없음", "none")}</p>')
    out += ['<h2>' + bi("시간대별 투표", "Turnout over the day") + '</h2>',
            para("note", "시간당 접수된 투표지 수 (이 노드가 묶음을 확인한 시각 기준)",
                 "Ballots accepted per hour, by the time this node acknowledged each batch."),
            scrolling(turnout_svg(v.per_hour)),
            para("note", "이 화면은 선택 내용이나 개표 결과를 보여주지 않습니다. 결과는 마감 후 개표로만 나옵니다",
                 "This page never shows selections or partial results: results come only from the tally after the close.")]
    return page(f"중앙 현황 · Central dashboard — {e(v.node_id)}", STYLE, "\n".join(out), refresh)


def dashboard_routes(node: CentralNode, witnessing: Witnessing) -> list[Route]:
    """The dashboard's route (``GET /``)."""
    tokens: list[int] = []  # the roll is frozen: its count is read once
    by_style: dict[str, int] = {}
    turnout = HourlyTurnout()  # per hour, kept up to date from the new acknowledgements only
    styles = StyleTurnout()    # per ballot style, kept up to date from the new leaves only
    lock = threading.Lock()

    def gather(query: Query) -> View:
        with lock:  # one refresh at a time: the turnout figures are updated in place
            if not tokens:
                tokens.append(node.roll.count(mode=node.mode))
                by_style.update(node.roll.count_by_style(node.mode))
            return build_view(node, witnessing, query, tokens[0], turnout, styles, by_style)

    async def dashboard(request: Request) -> Response:
        found = await run_in_threadpool(gather, Query.from_params(request.query_params))
        return HTMLResponse(render(found), headers={"Cache-Control": "no-store"})

    return [Route("/", dashboard)]
