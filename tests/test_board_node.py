"""The board on a real node on loopback: every served proof verifies against the served checkpoint."""

from __future__ import annotations

import base64
import dataclasses

import httpx

from centralhelp import batches, post, running_node
from kiosk.contract.sealed_batch import parse_batch
from kiosk.contract.tracking import tracking_code
from kiosk.contract.board_checkpoint import board_origin, parse_checkpoint
from kiosk.contract.merkle import leaf_hash, root_from_leaf_hashes
from kiosk.contract.proofs import verify_consistency, verify_inclusion
from sync.central.board import Board
from sync.central.node import CentralNode
from synchelp import kiosk_with_batches


def hashes(answer: dict) -> list[bytes]:
    return [base64.b64decode(h) for h in answer["proof"]]


def test_every_served_proof_verifies_against_the_served_checkpoint(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(7, 5, 3))
    key = central.node_keys["n1"].verify_key
    origin = board_origin(central.election.fingerprint_hex, "official", "n1")
    with running_node(central, tmp_path / "n1") as (node, server), httpx.Client(base_url=server.url) as http:
        checkpoints = []
        for body in batches(kiosk):
            post(server, body, central)
            checkpoints.append(parse_checkpoint(http.get("/v1/board/checkpoint").content, origin, key))
        assert [c.tree_size for c in checkpoints] == [7, 12, 15]
        leaves = http.get("/v1/board/leaves", params={"start": 0, "end": 15}).content.splitlines()
        sealed = [b.leaf() for body in batches(kiosk) for b in parse_batch(body).ballots]
        assert leaves == sealed  # the leaves as the kiosk sealed them, in the order accepted
        digests = [leaf_hash(x) for x in leaves]
        for cp in checkpoints:
            assert root_from_leaf_hashes(digests[:cp.tree_size]) == (cp.tree_size, cp.root)
            for index, digest in enumerate(digests[:cp.tree_size]):
                answer = http.get("/v1/board/proof/inclusion",
                                  params={"leaf_hash": digest.hex(), "tree_size": cp.tree_size}).json()
                assert answer["leaf_index"] == index
                assert verify_inclusion(digest, index, cp.tree_size, hashes(answer), cp.root)
            for old in checkpoints:
                if old.tree_size <= cp.tree_size:
                    answer = http.get("/v1/board/proof/consistency",
                                      params={"first": old.tree_size, "second": cp.tree_size}).json()
                    assert verify_consistency(old.tree_size, cp.tree_size, old.root, cp.root, hashes(answer))
        code = tracking_code(digests[3])
        assert http.get("/v1/board/lookup", params={"code": code.lower()}).json() == {"leaf_hash_hex": digests[3].hex()}


def test_refusals_are_values_not_errors(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(4,))
    with running_node(central, tmp_path / "n1") as (node, server), httpx.Client(base_url=server.url) as http:
        post(server, batches(kiosk)[0], central)
        digest = leaf_hash(http.get("/v1/board/leaves", params={"start": 0, "end": 1}).content.rstrip(b"\n"))
        cases = [("/v1/board/leaves", {"start": 0, "end": 5}, 404), ("/v1/board/leaves", {"start": "x", "end": 1}, 400),
                 ("/v1/board/leaves", {"start": 0, "end": 1001}, 404),
                 ("/v1/board/proof/inclusion", {"leaf_hash": digest.hex(), "tree_size": 5}, 404),
                 ("/v1/board/proof/inclusion", {"leaf_hash": "00" * 32, "tree_size": 4}, 404),
                 ("/v1/board/proof/inclusion", {"leaf_hash": digest.hex()[:10], "tree_size": 4}, 400),
                 ("/v1/board/proof/consistency", {"first": 3, "second": 9}, 404),
                 ("/v1/board/proof/consistency", {"first": -1, "second": 2}, 400),
                 ("/v1/board/lookup", {"code": "AAAA-AAAA-AAAA-AAAA"}, 404), ("/v1/board/lookup", {"code": "?"}, 404)]
        for path, params, status in cases:
            answer = http.get(path, params=params)
            assert answer.status_code == status, (path, params)
            assert answer.json()["error"] == ("not_found" if status == 404 else "bad_request")


def test_tiles_past_256_leaves_and_a_store_from_before_the_board_kept_hashes(central, tmp_path, node_db):
    """Synthetic leaves in the real store: proofs across tiles, and hashes backfilled at opening."""
    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(3,))
    batch = parse_batch(batches(kiosk)[0])
    with running_node(central, tmp_path / "n1"):
        pass  # leaves the node key in place
    node = CentralNode(central.directory, tmp_path / "n1")
    digests = [leaf_hash(i.to_bytes(4, "big")) for i in range(700)]
    for number, start in enumerate(range(0, 700, 350), 1):
        header = dataclasses.replace(batch.header, number=number, count=350)
        node.store.add_accepted(header, b"s" * 64, [(batch.ballots[0], batch.ballots[0].token_key)] * 350, digests[start:start + 350])
    size, root = node.store.checkpoint()
    assert root_from_leaf_hashes(digests) == (size, root) and len(node.store.board_hashes(8, 0, 99)) == 2
    for table in ("board_hash", "board_tile"):  # as if the store were older than this code
        node.store.db.execute(f"DROP TRIGGER {table}_no_delete" if node_db == "sqlite" else
                              f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_change")
        node.store.db.execute(f"DELETE FROM {table}")
    node.close()
    node = CentralNode(central.directory, tmp_path / "n1")
    try:
        board = Board(node)
        stored = [leaf_hash(batch.ballots[0].leaf())] * 700  # backfilled from the leaves themselves
        assert node.store.board_hashes(0, 0, 700) == stored
        found = board.inclusion(stored[0], 700)
        assert found is not None and found.leaf_index == 0
        expected_root = root_from_leaf_hashes(stored)[1]
        assert verify_inclusion(stored[0], 0, 700, found.proof, expected_root)
        assert verify_consistency(300, 700, root_from_leaf_hashes(stored[:300])[1], expected_root,
                                  board.consistency(300, 700))
    finally:
        node.close()
