"""``kiosk-central witness``: cosign the other nodes' boards, and hand them their cosignatures.

For each node: fetch its checkpoint, the consistency proof from the tree this node cosigned
last for it, judge (:mod:`sync.central.witnessing`, state kept durably), and when cosigned,
POST the cosigned checkpoint back to the node (``/v1/board/cosignatures``) so it can show it.
"""

from __future__ import annotations

import argparse
import base64
import binascii
from pathlib import Path

import httpx

from kiosk.app.cliutil import EXIT_BAD, EXIT_NETWORK, EXIT_OK, print_json
from kiosk.contract.witness import Cosigned, Refused, read_checkpoint
from sync.central.board import Board
from sync.central.node import CentralNode
from sync.central.witnessing import Witnessing


def witness_node(witnessing: Witnessing, http: httpx.Client) -> Cosigned | Refused:
    """Witness the node ``http`` points at once (a node that cannot be reached raises httpx.HTTPError)."""
    answer = http.get("/v1/board/checkpoint")
    checkpoint = read_checkpoint(answer.content, witnessing.keys)
    if isinstance(checkpoint, Refused):
        return checkpoint
    last = witnessing.last(checkpoint.origin)
    old = last.size if last is not None and last.size < checkpoint.tree_size else 0
    proof: list[bytes] = []
    if 0 < old:  # from the empty tree (first time) or to the same size there is nothing to prove
        found = http.get("/v1/board/proof/consistency", params={"first": old, "second": checkpoint.tree_size})
        try:
            proof = [base64.b64decode(h, validate=True) for h in found.json()["proof"]]
        except (ValueError, KeyError, TypeError, binascii.Error):
            proof = []  # a garbled or refused answer: the judge refuses it as not consistent
    result = witnessing.cosign(answer.content, old, proof)
    if isinstance(result, Cosigned):
        http.post("/v1/board/cosignatures", content=result.checkpoint.note())
    return result


def cmd_witness(args: argparse.Namespace) -> int:
    """Exit 0 when every node was cosigned, 1 when one was refused (a fork!), else 4 when one could not be reached."""
    node = CentralNode(args.election, args.data, mode=args.mode)
    witnessing = Witnessing(Board(node))
    urls = args.node or [n.url for n in node.election.nodes if n.id != node.node_id]
    rows = []
    try:
        for url in urls:
            try:
                with httpx.Client(base_url=url, timeout=args.timeout) as http:
                    result = witness_node(witnessing, http)
            except httpx.HTTPError as e:
                rows.append({"node": url, "cosigned": False, "reason": "unreachable", "detail": str(e)})
                continue
            if isinstance(result, Cosigned):
                rows.append({"node": url, "cosigned": True, "origin": result.checkpoint.origin,
                             "tree_size": result.tree.size, "root_hex": result.tree.root.hex()})
            else:
                rows.append({"node": url, "cosigned": False, "reason": result.reason, "detail": result.detail})
    finally:
        witnessing.close()
        node.close()
    if args.json:
        print_json({"nodes": rows})
    for row in rows if not args.json else []:
        if row["cosigned"]:
            print(f"cosigned: {row['node']} at {row['tree_size']} leaves, root {row['root_hex'][:16]}…")
        else:
            print(f"REFUSED: {row['node']}: {row['reason']}: {row['detail']}")
    if any(not r["cosigned"] and r["reason"] != "unreachable" for r in rows):
        return EXIT_BAD       # a refusal outranks a network failure: it is evidence of a fork
    return EXIT_OK if all(r["cosigned"] for r in rows) else EXIT_NETWORK


def add_witness_verb(verbs) -> None:
    """The ``witness`` verb of ``kiosk-central``."""
    p = verbs.add_parser("witness", help="cosign the other nodes' boards after checking they only grew")
    p.add_argument("--data", required=True, type=Path, help="this node's data directory (node.key, witness state)")
    p.add_argument("--election", required=True, type=Path, help="the election package (lists the nodes' keys)")
    p.add_argument("--node", metavar="URL", action="append",
                   help="a node to witness (repeatable; default: every other node the package lists)")
    p.add_argument("--mode", choices=["official", "test"], default="official", help="the boards to witness")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_witness)
