"""The receipt check on the dashboard: a voter types the tracking code from their receipt.

The node looks the code up on its own board, builds the inclusion proof and checks it
against its own signed checkpoint with the same decision the ``kiosk-central board check``
command uses (kiosk.contract.receipts.check_receipt). Every way of not finding the ballot (an unknown
code, a proof that fails) gives the same page, so a refusal leaks nothing. A text that is no code
at all (wrong length, a character codes never use, a check character that does not match: a typing
slip) is said as such before the board is asked: that needs nothing but the text.
"""

from __future__ import annotations

import html

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from kiosk.contract.board_checkpoint import parse_checkpoint
from kiosk.contract.receipts import ReceiptFound, check_receipt
from kiosk.contract.tracking import CodeError, parse_code
from sync.central.board import Board
from sync.central.page_html import page

MAX_CODE_CHARS = 40
STYLE = """body{font-family:'NanumGothic',sans-serif;margin:2em;max-width:40em}
input{font-size:1.4em;padding:.3em;width:14em} button{font-size:1.2em;padding:.3em 1em}
.ok{border:3px solid #185;padding:.6em} .no{border:3px solid #a33;padding:.6em}"""


def receipt_result(board: Board, code: str) -> ReceiptFound | None:
    """The verified finding for a typed code, or None (not on the board, whatever the reason)."""
    note = board.checkpoint()
    checkpoint = parse_checkpoint(note, board.origin, board.node.key.verify_key)
    leaf = board.find_code(code)
    inclusion = board.inclusion(leaf, checkpoint.tree_size) if leaf is not None else None
    result = check_receipt(code, checkpoint, leaf, inclusion.leaf_index if inclusion else None,
                           inclusion.proof if inclusion else None)
    return result if isinstance(result, ReceiptFound) else None


def render(code: str, found: ReceiptFound | CodeError | None) -> str:
    """The page: a form, and the answer when a code was given."""
    answer = ""
    if code:
        if isinstance(found, CodeError):
            answer = (f"<p class='no'>{html.escape(found.say('ko'))} · "
                      f"<span lang='en'>{html.escape(found.say('en'))}</span></p>")
        elif found is not None:
            answer = (f"<p class='ok'>이 투표는 게시판에 있습니다 · <span lang='en'>This ballot is on the board "
                      f"(checkpoint of {found.tree_size} ballots, root {found.root.hex()[:16]}…).</span></p>")
        else:
            answer = ("<p class='no'>이 확인 번호는 게시판에서 찾을 수 없습니다 · <span lang='en'>This code is not "
                      "on the board.</span> 번호를 다시 확인하세요 · <span lang='en'>Check the code and try again."
                      "</span></p>")
    body = f"""<h1>확인 번호 조회 · <span lang="en">Receipt check</span></h1>
<p>영수증의 확인 번호를 입력하세요 · <span lang="en">Type the tracking code from your receipt.</span></p>
<form method="get" action="/receipt"><label for="code">확인 번호 · <span lang="en">Tracking code</span></label>
<input id="code" name="code" value="{html.escape(code)}" maxlength="{MAX_CODE_CHARS}"
 autocomplete="off" placeholder="XXXXX-XXXXX"> <button>조회 · <span lang="en">Check</span></button></form>
{answer}<p><a href="/">← 현황 · <span lang="en">Dashboard</span></a></p>"""
    return page("확인 번호 조회 · Receipt check", STYLE, body)


def receipt_routes(board: Board) -> list[Route]:
    """``GET /receipt?code=…``."""

    async def receipt_page(request: Request) -> Response:
        code = request.query_params.get("code", "")[:MAX_CODE_CHARS].strip()
        found: ReceiptFound | CodeError | None = None
        if code:
            try:
                found = await run_in_threadpool(receipt_result, board, parse_code(code))
            except CodeError as e:
                found = e
        return HTMLResponse(render(code, found), headers={"Cache-Control": "no-store"})

    return [Route("/receipt", receipt_page)]
