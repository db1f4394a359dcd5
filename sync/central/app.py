"""The central node's HTTP API: a thin Starlette app over :class:`sync.central.node.CentralNode`.

=========================================  ===============================================
``POST /v1/batches``                       body: the exact batch file bytes (at most
                                           ``max_batch_bytes``). 200 with the signed
                                           acknowledgement (any verdict); 400 ``malformed``;
                                           413 ``too_large``; 503 ``busy`` (in-flight budget
                                           of :class:`sync.central.limits.NodeLimits` spent)
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
``GET /results``                           the published results and selected projects, HTML
                                           (:mod:`sync.central.results_page`)
=========================================  ===============================================

Errors are ``{"error": CODE, "detail": TEXT}``. Acknowledgements are canonical JSON, so a line
of the ``acks`` answer is byte for byte what the node signed.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync.central.board import Board
from sync.central.board_api import board_routes
from sync.central.dashboard import dashboard_routes
from sync.central.limits import BodyBudget, BodyTooLarge, NodeBusy, NodeLimits, ascii_int, bounded_body, busy, is_key_hex, too_large
from sync.central.receipt_page import receipt_routes
from sync.central.record_api import record_routes
from sync.central.results_page import results_routes
from sync.central.node import CentralNode, Malformed
from sync.central.witness_api import witness_routes
from sync.central.witnessing import Witnessing

DEFAULT_MAX_BATCH_BYTES = 32 * 1024 * 1024
ACK_TYPE = "application/json"


def _error(status: int, code: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status)


def create_app(node: CentralNode, max_batch_bytes: int = DEFAULT_MAX_BATCH_BYTES,
               limits: NodeLimits | None = None) -> Starlette:
    """The ASGI app of one node (``limits``: its in-flight body budget)."""
    board = Board(node)
    witnessing = Witnessing(board)
    limits = limits or NodeLimits()
    budget = BodyBudget(limits.inflight_bytes, limits.inflight_per_address)

    async def submit(request: Request) -> Response:
        try:
            async with bounded_body(request, max_batch_bytes, budget) as body:  # held until judged
                result = await run_in_threadpool(node.submit, body)
        except ClientDisconnect:  # a cut upload: nothing was judged, nothing recorded
            return Response(status_code=400)
        except BodyTooLarge:
            return too_large(max_batch_bytes, "batch")
        except NodeBusy:
            return busy()
        if isinstance(result, Malformed):
            return _error(400, result.reason, result.detail)
        return Response(result.ack_bytes, media_type=ACK_TYPE)

    def kiosk_key(request: Request) -> str | None:
        key = request.path_params["key"]
        return key if is_key_hex(key) else None

    async def holdings(request: Request) -> Response:
        key = kiosk_key(request)
        if key is None:
            return _error(400, "bad_kiosk_key", "a kiosk key is 64 lowercase hex characters")
        return JSONResponse(await run_in_threadpool(node.holdings, key))

    async def acks(request: Request) -> Response:
        key, start = kiosk_key(request), ascii_int(request.query_params.get("from", "1"), 1, 2**31)
        if key is None:
            return _error(400, "bad_kiosk_key", "a kiosk key is 64 lowercase hex characters")
        if start is None:
            return _error(400, "bad_number", "from must be a batch number")
        found = await run_in_threadpool(node.store.acks, key, start)
        return Response(b"".join(a + b"\n" for a in found), media_type="application/x-ndjson")

    async def one_ack(request: Request) -> Response:
        key, number = kiosk_key(request), ascii_int(request.path_params["number"], 1, 2**31)
        if key is None or number is None:
            return _error(400, "bad_number", "give a kiosk key and a batch number")
        found = await run_in_threadpool(node.store.ack, key, number)
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
        *record_routes(node),
        *results_routes(node),
    ])
