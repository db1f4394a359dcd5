"""The board's HTTP routes (read-only, public), mounted by :func:`sync.central.app.create_app`.

===============================================================  ==========================================
``GET /v1/board/checkpoint``                                      the signed checkpoint note (text/plain)
``GET /v1/board/leaves?start=A&end=B``                            leaves A..B-1 as sealed, one per line
                                                                  (at most 1000; ``application/x-ndjson``)
``GET /v1/board/lookup?code=CODE``                                ``{"leaf_hash_hex"}`` of a tracking code
``GET /v1/board/proof/inclusion?leaf_hash=HEX&tree_size=N``       ``{"leaf_index", "proof", "tree_size"}``
``GET /v1/board/proof/consistency?first=M&second=N``              ``{"first", "proof", "second"}``
===============================================================  ==========================================

Proof hashes are standard base64, leaf side first (RFC 9162). Errors are ``{"error", "detail"}``:
400 ``bad_request``, 404 ``not_found`` (an unknown leaf or code, a size the board has not reached).
"""

from __future__ import annotations

import base64
import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync.central.board import Board
from sync.central.limits import ascii_int

NOTE_TYPE = "text/plain; charset=utf-8"
_HEX32 = re.compile(r"[0-9a-f]{64}")
MAX_SIZE = 2**62


def _error(status: int, code: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status)


def _sizes(request: Request, *names: str) -> list[int] | None:
    values = [ascii_int(request.query_params.get(n, ""), 0, MAX_SIZE) for n in names]
    return None if None in values else values


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode("ascii") for h in hashes]


def board_routes(board: Board) -> list[Route]:
    """The routes of one node's board."""

    async def checkpoint(request: Request) -> Response:
        return Response(await run_in_threadpool(board.checkpoint), media_type=NOTE_TYPE)

    async def leaves(request: Request) -> Response:
        sizes = _sizes(request, "start", "end")
        if sizes is None:
            return _error(400, "bad_request", "give start and end as whole numbers")
        found = await run_in_threadpool(board.leaves, *sizes)
        if found is None:
            return _error(404, "not_found", "give 0 <= start < end <= the board's size, at most 1000 leaves")
        return Response(b"".join(leaf + b"\n" for leaf in found), media_type="application/x-ndjson")

    async def lookup(request: Request) -> Response:
        found = await run_in_threadpool(board.find_code, request.query_params.get("code", "")[:64])
        if found is None:
            return _error(404, "not_found", "no ballot with that tracking code on this board")
        return JSONResponse({"leaf_hash_hex": found.hex()})

    async def inclusion(request: Request) -> Response:
        leaf, sizes = request.query_params.get("leaf_hash", ""), _sizes(request, "tree_size")
        if not _HEX32.fullmatch(leaf) or sizes is None:
            return _error(400, "bad_request", "give leaf_hash (64 lowercase hex) and tree_size")
        found = await run_in_threadpool(board.inclusion, bytes.fromhex(leaf), sizes[0])
        if found is None:
            return _error(404, "not_found", "no such leaf in a tree of that size on this board")
        return JSONResponse({"leaf_index": found.leaf_index, "proof": _b64(found.proof), "tree_size": found.tree_size})

    async def consistency(request: Request) -> Response:
        sizes = _sizes(request, "first", "second")
        if sizes is None:
            return _error(400, "bad_request", "give first and second as whole numbers")
        found = await run_in_threadpool(board.consistency, *sizes)
        if found is None:
            return _error(404, "not_found", "give 0 <= first <= second <= the board's size")
        return JSONResponse({"first": sizes[0], "proof": _b64(found), "second": sizes[1]})

    return [Route("/v1/board/checkpoint", checkpoint), Route("/v1/board/leaves", leaves),
            Route("/v1/board/lookup", lookup), Route("/v1/board/proof/inclusion", inclusion),
            Route("/v1/board/proof/consistency", consistency)]
