"""The count's part of the public election record over HTTP (read-only), and the check-spoiled page.

==============================  ===================================================================
``GET /v1/record/aggregates``   ``kiosk-aggregates/1`` once ``tally --aggregates`` published it (404 before)
``GET /v1/record/partials``     ``{"partials": [{"name": "partials/trustee-N.json", "body"}, ...]}``
``GET /v1/record/results``      the tally's ``results.json`` once ``tally --partials`` ran (404 before)
``GET /v1/record/selection``    ``kiosk-selection/1`` once ``kiosk-central select --data`` published it (404 before)
``GET /v1/record/spoiled``      every spoiled (checked) ballot with its seed, one a line (``application/x-ndjson``)
``GET /check-spoiled?code=QR``  a page: what the checked ballot of a paper record's QR contains
==============================  ===================================================================

The files are served byte for byte as the node keeps them (:mod:`sync.central.record_files`).
"""

from __future__ import annotations

import html

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from kiosk.contract.election import Election
from kiosk.errors import KioskError
from sync.central.count import ElectionKey
from sync.central.node import CentralNode
from sync.central.page_html import bilingual, page
from sync.central.record_files import AGGREGATES_FILE, RESULTS_FILE, SELECTION_FILE, node_record_dir, read_count_files
from sync.central.spoiled_check import OpenedSpoiled, describe, open_spoiled_code

JSON_TYPE = "application/json"
MAX_CODE_CHARS = 120
SPOILED_STYLE = """body{font-family:'NanumGothic',sans-serif;margin:2em;max-width:44em}
input{font-size:1.1em;padding:.3em;width:30em} button{font-size:1.2em;padding:.3em 1em}
.ok{border:3px solid #185;padding:.6em} .no{border:3px solid #a33;padding:.6em}"""


def spoiled_lines(node: CentralNode) -> list[bytes]:
    """Every spoiled ballot the node holds, as the record publishes it (the store's, format 2 only)."""
    spoiled = getattr(node.store, "spoiled_ballots", None)   # format 2's store (issue 14)
    return [entry.leaf() for _, _, entry in spoiled()] if spoiled is not None else []


def _not_yet(what: str) -> JSONResponse:
    return JSONResponse({"error": "not_found", "detail": f"no {what} published yet"}, status_code=404)


def render_spoiled(code: str, opened: OpenedSpoiled | None, error: KioskError | None, election: Election) -> str:
    """The page: a form, and what the ballot held (in Korean and English) or why it cannot be opened."""
    answer = ""
    if opened is not None:
        lines = zip(describe(election, opened, "ko", ids=False), describe(election, opened, "en", ids=False))
        rows = "".join(f"<li>{bilingual(ko, en, '<br>')}</li>" for ko, en in lines)
        ballot = f"<code>{opened.ballot_id_hex}</code>"
        answer = (f"<div class='ok'><p>확인한 투표지 {ballot} (투표지 유형 {html.escape(opened.style)})에 "
                  f"암호화된 선택 · <span lang='en'>What checked ballot {ballot} (style "
                  f"{html.escape(opened.style)}) encrypted:</span></p><ul>{rows}</ul>"
                  "<p>선택한 것과 같은지 확인하세요. 이 투표지는 집계되지 않습니다 · <span lang='en'>Compare it with "
                  "what you chose. This ballot is never counted.</span></p></div>")
    elif error is not None:
        answer = _refusal(error)
    body = f"""<h1>확인한 투표지 열기 · <span lang="en">Check a checked ballot</span></h1>
<p>투표 확인지의 'KC1:'로 시작하는 QR 코드를 읽거나 입력하세요 · <span lang="en">Scan or type the QR code
starting with KC1: from the paper record.</span></p>
<form method="get" action="/check-spoiled"><label for="code">QR 코드 · <span lang="en">QR code</span></label>
<input id="code" name="code" value="{html.escape(code)}" maxlength="{MAX_CODE_CHARS}" autocomplete="off"
 placeholder="KC1:…"> <button>열기 · <span lang="en">Open</span></button></form>
{answer}<p><a href="/">← 현황 · <span lang="en">Dashboard</span></a></p>"""
    return page("확인한 투표지 열기 · Check a checked ballot", SPOILED_STYLE, body)


def _refusal(error: KioskError) -> str:
    """A refusal in Korean first (``korean``, else the part after " / "), then the English, marked."""
    en, _, ko = error.message.rpartition(" / ")
    en, ko = (en, ko) if en else (error.message, "")
    ko = " ".join(error.korean) if error.korean else ko
    said = f"{html.escape(ko)}<br>" if ko else ""
    hint = error.hint[:1].upper() + error.hint[1:]
    return f"<p class='no'>{said}<span lang='en'>{html.escape(en)}. {html.escape(hint)}.</span></p>"


def record_routes(node: CentralNode) -> list[Route]:
    """The routes of one node's election record."""
    folder = node_record_dir(node.data_dir, node.mode)

    def _file(name: str) -> bytes | None:
        path = folder / name
        return path.read_bytes() if path.is_file() else None

    async def aggregates(request: Request) -> Response:
        data = await run_in_threadpool(_file, AGGREGATES_FILE)
        return Response(data, media_type=JSON_TYPE) if data is not None else _not_yet("aggregates")

    async def results(request: Request) -> Response:
        data = await run_in_threadpool(_file, RESULTS_FILE)
        return Response(data, media_type=JSON_TYPE) if data is not None else _not_yet("results")

    async def selection(request: Request) -> Response:
        data = await run_in_threadpool(_file, SELECTION_FILE)
        return Response(data, media_type=JSON_TYPE) if data is not None else _not_yet("selection")

    async def partials(request: Request) -> Response:
        files = await run_in_threadpool(read_count_files, folder)
        return JSONResponse({"partials": [{"name": name, "body": body} for name, body in files.partials]})

    async def spoiled(request: Request) -> Response:
        lines = await run_in_threadpool(spoiled_lines, node)
        return Response(b"".join(line + b"\n" for line in lines), media_type="application/x-ndjson")

    async def check_page(request: Request) -> Response:
        code = request.query_params.get("code", "")[:MAX_CODE_CHARS].strip()
        opened = error = None
        if code:
            try:
                opened = open_spoiled_code(node.election, ElectionKey.of(node.election), code,
                                           await run_in_threadpool(spoiled_lines, node))
            except KioskError as e:
                error = e
        return HTMLResponse(render_spoiled(code, opened, error, node.election), headers={"Cache-Control": "no-store"})

    return [Route("/v1/record/aggregates", aggregates), Route("/v1/record/partials", partials),
            Route("/v1/record/results", results), Route("/v1/record/selection", selection),
            Route("/v1/record/spoiled", spoiled),
            Route("/check-spoiled", check_page)]
