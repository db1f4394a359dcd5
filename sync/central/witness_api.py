"""The witnessing routes of a node, mounted by :func:`sync.central.app.create_app`.

=================================  ====================================================================
``POST /v1/witness/cosign``        body ``{"checkpoint": NOTE, "old_size": M, "proof": [BASE64...]}``
                                   (another node's checkpoint, and the consistency proof from the tree
                                   this node cosigned last, size M). 200 ``{"cosignature": LINE,
                                   "checkpoint": NOTE}``; 409 ``{"error": REASON, "detail",
                                   "cosigned_size"}`` with a reason of :data:`kiosk.contract.witness.REASONS`
``POST /v1/board/cosignatures``    body: a checkpoint of this node's board carrying witnesses' lines;
                                   200 ``{"kept": N}`` (the lines that verify with the package's keys)
(both POSTs)                       413 ``too_large`` past 16 KiB / the largest note, refused before
                                   the rest of the body is read
``GET /v1/board/cosigned``         ``{"note", "tree_size", "cosigners", "signers", "quorum",
                                   "quorate"}``: the latest checkpoint with the cosignatures collected
=================================  ====================================================================
"""

from __future__ import annotations

import base64
import binascii
import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kiosk.contract.board_checkpoint import MAX_NOTE_BYTES
from kiosk.contract.witness import Refused
from sync.central.limits import BodyTooLarge, bounded_body, too_large
from sync.central.witnessing import Witnessing

MAX_BODY = 16 * 1024


def _error(status: int, code: str, detail: str, **more) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail, **more}, status_code=status)


def _cosign_request(body: object) -> tuple[bytes, int, list[bytes]] | None:
    try:
        note, old, proof = body["checkpoint"], body["old_size"], body["proof"]
        if not isinstance(note, str) or not isinstance(old, int) or isinstance(old, bool) or old < 0:
            return None
        if not isinstance(proof, list) or len(proof) > 64:
            return None
        return note.encode("utf-8"), old, [base64.b64decode(h, validate=True) for h in proof]
    except (KeyError, TypeError, ValueError, binascii.Error):
        return None


def witness_routes(witnessing: Witnessing) -> list[Route]:
    """The routes of one node's witnessing."""

    async def cosign(request: Request) -> Response:
        try:
            async with bounded_body(request, MAX_BODY) as raw:
                found = _cosign_request(json.loads(raw))
        except BodyTooLarge:
            return too_large(MAX_BODY, "cosigning request")
        except (ValueError, ClientDisconnect):
            found = None
        if found is None:
            return _error(400, "bad_request", "give {checkpoint, old_size, proof} as JSON")
        result = await run_in_threadpool(witnessing.cosign, *found)
        if isinstance(result, Refused):
            return _error(409, result.reason, result.detail, cosigned_size=result.cosigned_size)
        return JSONResponse({"cosignature": result.signature.line().rstrip("\n"),
                             "checkpoint": result.checkpoint.note().decode("utf-8")})

    async def collect(request: Request) -> Response:
        try:
            async with bounded_body(request, MAX_NOTE_BYTES) as raw:
                return JSONResponse({"kept": await run_in_threadpool(witnessing.collect, raw)})
        except BodyTooLarge:
            return too_large(MAX_NOTE_BYTES, "checkpoint")
        except ClientDisconnect:
            return _error(400, "bad_request", "the checkpoint was cut off: send it whole")

    async def cosigned(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(witnessing.cosigned))

    return [Route("/v1/witness/cosign", cosign, methods=["POST"]),
            Route("/v1/board/cosignatures", collect, methods=["POST"]),
            Route("/v1/board/cosigned", cosigned)]
