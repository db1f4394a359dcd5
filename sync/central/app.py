"""The central node's HTTP API: a thin Starlette app over :class:`sync.central.node.CentralNode`.

=========================================  ===============================================
``POST /v1/batches``                       body: the exact batch file bytes (at most
                                           ``max_batch_bytes``). 200 with the signed
                                           acknowledgement (any verdict); 400 ``malformed``;
                                           413 ``too_large``
``GET /v1/kiosks/{key}``                   what the node holds from that kiosk (resume)
``GET /v1/kiosks/{key}/acks?from=N``       the latest acknowledgement of each batch from N on,
                                           one per line (``application/x-ndjson``)
``GET /v1/kiosks/{key}/batches/{n}/ack``   one acknowledgement; 404 ``not_found``
``GET /v1/checkpoint``                     ``{"root_hex", "tree_size"}`` of the board
``GET /v1/node``                           node id, key, election, mode, checkpoint
``GET /v1/board/...``                      the public bulletin board (:mod:`sync.central.board_api`)
``/v1/witness/cosign``, ``/v1/board/cos...``  witnessing (:mod:`sync.central.witness_api`)
``GET /``                                  the central staff's dashboard, HTML
                                           (:mod:`sync.central.dashboard`)
=========================================  ===============================================

Errors are ``{"error": CODE, "detail": TEXT}``. Acknowledgements are canonical JSON, so a line
of the ``acks`` answer is byte for byte what the node signed.
"""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync.central.board import Board
from sync.central.board_api import board_routes
from sync.central.dashboard import dashboard_routes
from sync.central.receipt_page import receipt_routes
from sync.central.node import CentralNode, Malformed
from sync.central.witness_api import witness_routes
from sync.central.witnessing import Witnessing

DEFAULT_MAX_BATCH_BYTES = 32 * 1024 * 1024
KEY_HEX = re.compile(r"^[0-9a-f]{64}$")
ACK_TYPE = "application/json"


def _error(status: int, code: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status)


async def _bounded_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None as soon as it is longer than ``limit`` (never read further)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(node: CentralNode, max_batch_bytes: int = DEFAULT_MAX_BATCH_BYTES) -> Starlette:
    """The ASGI app of one node."""
    board = Board(node)
    witnessing = Witnessing(board)

    async def submit(request: Request) -> Response:
        try:
            body = await _bounded_body(request, max_batch_bytes)
        except ClientDisconnect:  # a cut upload: nothing was judged, nothing recorded
            return Response(status_code=400)
        if body is None:
            return _error(413, "too_large", f"a batch is at most {max_batch_bytes} bytes")
        result = await run_in_threadpool(node.submit, body)
        if isinstance(result, Malformed):
            return _error(400, result.reason, result.detail)
        return Response(result.ack_bytes, media_type=ACK_TYPE)

    def kiosk_key(request: Request) -> str | None:
        key = request.path_params["key"]
        return key if KEY_HEX.match(key) else None

    async def holdings(request: Request) -> Response:
        key = kiosk_key(request)
        if key is None:
            return _error(400, "bad_kiosk_key", "a kiosk key is 64 lowercase hex characters")
        return JSONResponse(await run_in_threadpool(node.holdings, key))

    async def acks(request: Request) -> Response:
        key, start = kiosk_key(request), request.query_params.get("from", "1")
        if key is None:
            return _error(400, "bad_kiosk_key", "a kiosk key is 64 lowercase hex characters")
        if not start.isdigit() or not 1 <= int(start) <= 2**31:
            return _error(400, "bad_number", "from must be a batch number")
        found = await run_in_threadpool(node.store.acks, key, int(start))
        return Response(b"".join(a + b"\n" for a in found), media_type="application/x-ndjson")

    async def one_ack(request: Request) -> Response:
        key, number = kiosk_key(request), request.path_params["number"]
        if key is None or not number.isdigit() or not 1 <= int(number) <= 2**31:
            return _error(400, "bad_number", "give a kiosk key and a batch number")
        found = await run_in_threadpool(node.store.ack, key, int(number))
        if found is None:
            return _error(404, "not_found", "the node has no acknowledgement of that batch")
        return Response(found, media_type=ACK_TYPE)

    async def checkpoint(request: Request) -> Response:
        return JSONResponse(node.info()["checkpoint"])

    async def info(request: Request) -> Response:
        return JSONResponse(node.info())

    return Starlette(routes=[
        Route("/v1/batches", submit, methods=["POST"]),
        Route("/v1/kiosks/{key}", holdings),
        Route("/v1/kiosks/{key}/acks", acks),
        Route("/v1/kiosks/{key}/batches/{number}/ack", one_ack),
        Route("/v1/checkpoint", checkpoint),
        Route("/v1/node", info),
        *board_routes(board),
        *witness_routes(witnessing),
        *dashboard_routes(node, witnessing),
        *receipt_routes(board),
    ])
