"""The dashboard as it was on main at 1e1c15a, before issue 17 moved its figures into the store
queries; kept verbatim so that bench/dashboard_bench.py measures the old way beside the new one.
Not used by the node. Only its turnout chart is taken from the new module (it is the same chart)."""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from kiosk.contract.ack import parse_ack
from kiosk.contract.double_use import distinct_ballots
from kiosk.errors import KioskError
from kiosk.contract.keys import VerifyKey
from sync.central.dashboard import turnout_svg  # the same chart in both: not what differs
from sync.central.node import CentralNode
from sync.central.witnessing import Witnessing

REFRESH_S = 30
REF_SHORT = 12  # hex characters of a token reference shown


@dataclass
class KioskRow:
    station: str
    fingerprint: str
    last_batch: int = 0
    ballots: int = 0
    closed: bool = False
    held: list[int] = field(default_factory=list)
    acked_last: bool = False


@dataclass
class Snapshot:
    """Everything the page shows, gathered in one pass over the store."""

    node_id: str
    mode: str
    election_title: str
    now: float
    stations: dict[str, list[KioskRow]]
    batches: int
    ballots: int
    held: int
    per_hour: dict[int, int]  # hour start (epoch seconds, local) -> ballots accepted
    double_uses: list[tuple[str, list[str]]]  # (reference short form, stations)
    board_size: int
    cosigned: dict
    other_nodes: list[str]


def _fingerprint(key_hex: str) -> str:
    try:
        return VerifyKey.from_hex(key_hex).fingerprint
    except KioskError:
        return key_hex[:16]


def _hour(t: float) -> int:
    local = time.localtime(t)
    return int(t) - local.tm_min * 60 - local.tm_sec


def snapshot(node: CentralNode, witnessing: Witnessing) -> Snapshot:
    """Read what the dashboard shows from the node's store, roster and witnessing state."""
    store, roster = node.store, node.roster
    rows: dict[str, KioskRow] = {k.kiosk_key_hex: KioskRow(k.station, _fingerprint(k.kiosk_key_hex))
                                 for k in roster.kiosks}
    batch_count, per_hour, counts = 0, {}, {}
    for stored in store.batches():
        h = stored.header
        counts[(h.kiosk_key_hex, h.number)] = h.count
        row = rows.setdefault(h.kiosk_key_hex, KioskRow("?", _fingerprint(h.kiosk_key_hex)))
        batch_count += 1
        if h.number > row.last_batch:
            row.last_batch, row.ballots = h.number, h.cumulative
        row.closed = row.closed or h.polls_closed
    held = 0
    for key in store.kiosks():
        row = rows.setdefault(key, KioskRow("?", _fingerprint(key)))
        row.held = store.held_numbers(key)
        held += len(row.held)
        for data in store.acks(key):
            ack = parse_ack(data, None)
            if not ack.delivered:
                continue
            if ack.batch.number == row.last_batch:
                row.acked_last = True
            count = counts.get((key, ack.batch.number), 0)
            if count:
                hour = _hour(ack.time)
                per_hour[hour] = per_hour.get(hour, 0) + count
    stations: dict[str, list[KioskRow]] = {s: [] for s in roster.stations}
    for row in rows.values():
        stations.setdefault(row.station, []).append(row)
    doubles = []
    for ref, leaves in sorted(store.double_uses().items()):
        if len(distinct_ballots(leaves)) < 2:
            continue  # one ballot delivered twice
        where = sorted({rows[leaf.kiosk_key_hex].station if leaf.kiosk_key_hex in rows else "?" for leaf in leaves})
        doubles.append((ref.hex()[:REF_SHORT], where))
    size, _ = store.checkpoint()
    title = node.election.title
    return Snapshot(node.node_id, node.mode, f"{title.ko} · {title.en}", node.clock(), stations, batch_count,
                    size, held, per_hour, doubles, size, witnessing.cosigned(),
                    [n.id for n in node.election.nodes if n.id != node.node_id])


# -- rendering --------------------------------------------------------------------------------
def e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _clock(t: float, seconds: bool = False) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%H:%M", time.localtime(t))


STYLE = """
body{font-family:"NanumGothic","Noto Sans CJK KR",sans-serif;margin:16px 24px;color:#1a202c;background:#f7fafc}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:20px 0 8px;border-bottom:2px solid #cbd5e0}
.meta{color:#4a5568;font-size:13px} .mode{display:inline-block;padding:2px 8px;border-radius:4px;font-weight:bold}
.official{background:#2f855a;color:#fff} .test{background:#d69e2e;color:#000}
table{border-collapse:collapse;background:#fff;font-size:14px} th,td{border:1px solid #cbd5e0;padding:4px 10px;text-align:left}
th{background:#edf2f7} td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#22543d;font-weight:bold} .open{color:#744210} .bad{color:#9b2c2c;font-weight:bold}
.tiles{display:flex;gap:12px;flex-wrap:wrap} .tile{background:#fff;border:1px solid #cbd5e0;padding:8px 14px;min-width:150px}
.tile b{display:block;font-size:24px} .note{font-size:13px;color:#4a5568;max-width:900px}
.chart text{font-size:11px;fill:#2d3748} .chart .value{font-weight:bold} code{font-size:13px}
"""


def _tile(ko: str, en: str, value: object, css: str = "") -> str:
    return f'<div class="tile"><span>{e(ko)} · {e(en)}</span><b class="{css}">{e(value)}</b></div>'


def _held(r: KioskRow) -> str:
    if not r.held:
        return "—"
    return f"{e(', '.join(map(str, r.held)))} ({r.last_batch + 1} 기다림 · waiting for {r.last_batch + 1})"


def render(s: Snapshot) -> str:
    """The dashboard page (every value escaped)."""
    all_rows = [r for rows in s.stations.values() for r in rows]
    closed = [st for st, rows in s.stations.items() if any(r.closed for r in rows)]
    out = ['<!doctype html><html lang="ko"><head><meta charset="utf-8">',
           f'<meta http-equiv="refresh" content="{REFRESH_S}">',
           f"<title>중앙 현황 · Central dashboard — {e(s.node_id)}</title><style>{STYLE}</style></head><body>",
           f'<h1>중앙 현황판 · Central dashboard <span class="mode {e(s.mode)}">'
           f'{"공식" if s.mode == "official" else "시험"} · {e(s.mode)}</span></h1>',
           f'<p class="meta">{e(s.election_title)} — 노드 node <b>{e(s.node_id)}</b> — '
           f'기준 시각 as of {e(_clock(s.now, True))} ({REFRESH_S}초마다 새로 고침 · refreshes every {REFRESH_S} s)</p>',
           '<h2>수신 진행 · Ingest progress</h2><div class="tiles">',
           _tile("마감 투표소", "stations closed", f"{len(closed)} / {len(s.stations)}"),
           _tile("접수 묶음", "batches accepted", s.batches),
           _tile("접수 투표지", "ballots accepted", s.ballots),
           _tile("대기 묶음", "batches held", s.held, "bad" if s.held else ""),
           _tile("중복 사용", "double uses", len(s.double_uses), "bad" if s.double_uses else ""),
           "</div>",
           '<h2>투표소 · Stations</h2>',
           '<table><tr><th>투표소<br>Station</th><th>상태<br>Status</th><th>단말기<br>Kiosk</th>'
           '<th>마지막 묶음<br>Last batch</th><th>투표지<br>Ballots</th><th>대기<br>Held</th>'
           '<th>확인한 노드<br>Acknowledged by</th></tr>']
    if not all_rows:
        out.append('<tr><td colspan="7">명부에 단말기가 없습니다 · no kiosk on the roster yet</td></tr>')
    for station, rows in s.stations.items():
        is_closed = station in closed
        status = ('<span class="ok">마감 · closed</span>' if is_closed else
                  '<span class="open">투표 중 · open</span>')
        for i, r in enumerate(rows or [KioskRow(station, "—")]):
            acked = (f"{e(s.node_id)} (이 노드 · this node)" if r.acked_last else "—") if r.last_batch else "—"
            kiosk_state = " (마감 · closed)" if r.closed and len(rows) > 1 else ""
            out.append(f"<tr><td>{e(station) if i == 0 else ''}</td><td>{status if i == 0 else ''}</td>"
                       f"<td><code>{e(r.fingerprint)}</code>{kiosk_state}</td>"
                       f'<td class="num">{r.last_batch or "—"}</td><td class="num">{r.ballots}</td>'
                       f'<td class="{"bad" if r.held else ""}">{_held(r)}</td>'
                       f"<td>{acked}</td></tr>")
    out.append("</table>")
    if s.other_nodes:
        out.append(f'<p class="note">다른 노드({e(", ".join(s.other_nodes))})의 확인은 단말기에 전달되며 이 노드는 알지 '
                   f'못합니다 · Other nodes\' acknowledgements ({e(", ".join(s.other_nodes))}) go to the kiosks; '
                   "this node does not know them.</p>")
    c = s.cosigned
    quorum = ('<span class="ok">정족수 충족 · quorum reached</span>' if c["quorate"] else
              '<span class="bad">정족수 미달 · below quorum</span>')
    out += ['<h2>게시판 · Bulletin board</h2><div class="tiles">',
            _tile("게시판 크기", "board size (leaves)", s.board_size),
            _tile("서명된 크기", "cosigned tree size", c["tree_size"] if c["cosigners"] else "—"),
            _tile("서명 노드", "signers / quorum", f'{c["signers"]} / {c["quorum"]}', "ok" if c["quorate"] else "bad"),
            "</div>",
            f'<p>{quorum} — 공동서명 cosigned by: {e(", ".join(c["cosigners"])) or "—"}</p>',
            '<h2>중복 사용된 토큰 · Doubly used tokens</h2>']
    if s.double_uses:
        out.append("<table><tr><th>토큰 참조 (앞부분)<br>Token reference (short)</th><th>투표소<br>Stations</th></tr>")
        for ref, where in s.double_uses:
            out.append(f"<tr><td><code>{e(ref)}…</code></td><td>{e(', '.join(where))}</td></tr>")
        out.append("</table>")
    else:
        out.append('<p class="ok">없음 · none</p>')
    out += ['<h2>시간대별 투표 · Turnout over the day</h2>',
            '<p class="note">시간당 접수된 투표지 수 (이 노드가 묶음을 확인한 시각 기준) · '
            "Ballots accepted per hour, by the time this node acknowledged each batch.</p>",
            turnout_svg(s.per_hour),
            '<p class="note">이 화면은 선택 내용이나 개표 결과를 보여주지 않습니다. 결과는 마감 후 개표로만 나옵니다 · '
            "This page never shows selections or partial results: results come only from the tally after the close."
            "</p></body></html>"]
    return "\n".join(out)


def dashboard_routes(node: CentralNode, witnessing: Witnessing) -> list[Route]:
    """The dashboard's route (``GET /``)."""

    async def page(request: Request) -> Response:
        found = await run_in_threadpool(snapshot, node, witnessing)
        return HTMLResponse(render(found), headers={"Cache-Control": "no-store"})

    return [Route("/", page)]
