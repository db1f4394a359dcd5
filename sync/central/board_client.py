"""Checking a receipt against a node's board over HTTP (the client side of board_api).

Trust comes from the election package, never from the node: the checkpoint must carry the
signature of the key the package lists for the node, and the inclusion proof must lead to that
checkpoint's root. Whatever goes wrong with the answer (an unknown code, a bad proof, a bad
signature, another node's checkpoint) the outcome is the same :class:`ReceiptNotFound`; only a
node that cannot be reached at all is an error (it says nothing about the code).
"""

from __future__ import annotations

import base64
import binascii

import httpx

from kiosk.contract.board_checkpoint import BoardCheckpoint, board_origin, parse_checkpoint
from kiosk.contract.election import Election
from kiosk.errors import FormatError, NetworkError, SignatureError
from kiosk.contract.keys import VerifyKey
from kiosk.contract.receipts import ReceiptFound, ReceiptNotFound, check_receipt
from kiosk.contract.tracking import normalise_code


class NodeUnreachable(NetworkError):
    """The node did not answer at all."""


def _get(http: httpx.Client, path: str, params: dict | None = None) -> httpx.Response | None:
    try:
        answer = http.get(path, params=params)
    except httpx.HTTPError as e:
        raise NodeUnreachable(f"cannot reach the node at {http.base_url}: {e}",
                              hint="check the URL, or try another node with --node") from e
    return answer if answer.status_code == 200 else None


def _checkpoint(http: httpx.Client, election: Election, mode: str) -> tuple[str, BoardCheckpoint | None]:
    answer = _get(http, "/v1/node")
    try:
        node_id = answer.json()["node_id"] if answer is not None else None
    except (ValueError, KeyError, TypeError):
        node_id = None
    entry = next((n for n in election.nodes if n.id == node_id), None)
    if entry is None:  # not a node of this election: nothing it says can be trusted
        return str(node_id), None
    note = _get(http, "/v1/board/checkpoint")
    try:
        return entry.id, parse_checkpoint(note.content, board_origin(election.fingerprint_hex, mode, entry.id),
                                          VerifyKey.from_hex(entry.key_hex)) if note is not None else None
    except (FormatError, SignatureError):
        return entry.id, None


def check_code_on_node(url: str, code: str, election: Election, mode: str = "official",
                       transport: httpx.BaseTransport | None = None,
                       timeout_s: float = 10.0) -> tuple[str, ReceiptFound | ReceiptNotFound]:
    """(node id, outcome) of checking a tracking code on the node at ``url``."""
    canonical = normalise_code(code)
    with httpx.Client(base_url=url, transport=transport, timeout=timeout_s) as http:
        node_id, checkpoint = _checkpoint(http, election, mode)
        if canonical is None or checkpoint is None:
            return node_id, ReceiptNotFound(canonical or code)
        leaf_hash = index = proof = None
        try:
            found = _get(http, "/v1/board/lookup", {"code": canonical})
            if found is not None:
                leaf_hash = bytes.fromhex(found.json()["leaf_hash_hex"])
                answer = _get(http, "/v1/board/proof/inclusion",
                              {"leaf_hash": leaf_hash.hex(), "tree_size": checkpoint.tree_size})
                if answer is not None:
                    body = answer.json()
                    index, proof = body["leaf_index"], [base64.b64decode(h, validate=True) for h in body["proof"]]
        except (ValueError, KeyError, TypeError, binascii.Error):
            leaf_hash = None  # a garbled answer is a refusal like any other
        if not isinstance(index, int) or isinstance(index, bool):
            index = None
        return node_id, check_receipt(canonical, checkpoint, leaf_hash, index, proof)
