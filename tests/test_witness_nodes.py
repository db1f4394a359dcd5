"""Witnessing between real nodes on loopback: a node showing two histories is caught."""

from __future__ import annotations

import shutil

import httpx

from centralhelp import batches, post, running_node
from kiosk.contract.witness import Cosigned, Refused
from sync.central.board import Board
from sync.central.witness_cli import witness_node
from sync.central.witnessing import Witnessing
from synchelp import kiosk_with_batches


def test_a_node_showing_two_histories_is_caught_by_its_witness(central, tmp_path):
    honest = batches(kiosk_with_batches(central, tmp_path / "k1", sizes=(5, 2)))
    other = batches(kiosk_with_batches(central, tmp_path / "k2", station="S-0002", first_token=10, sizes=(5,)))
    with running_node(central, tmp_path / "a"):
        pass  # n1's data dir with its key and an empty store
    shutil.copytree(tmp_path / "a", tmp_path / "b")  # the copy n1's operator will rewrite
    with running_node(central, tmp_path / "a") as (_, a), running_node(central, tmp_path / "b") as (_, b), \
            running_node(central, tmp_path / "w", "n2") as (witness_node_, w), \
            httpx.Client(base_url=a.url) as to_a, httpx.Client(base_url=b.url) as to_b, \
            httpx.Client(base_url=w.url) as to_w:
        witnessing = Witnessing(Board(witness_node_))
        post(a, honest[0], central)
        post(b, other[0], central)  # the same node key, the same origin, a second history of 5 leaves
        first = witness_node(witnessing, to_a)
        assert isinstance(first, Cosigned) and first.tree.size == 5
        shown_a = to_a.get("/v1/board/cosigned").json()
        assert (shown_a["cosigners"], shown_a["signers"], shown_a["quorum"], shown_a["quorate"]) == (["n2"], 2, 2, True)
        caught = witness_node(witnessing, to_b)
        assert isinstance(caught, Refused) and caught.reason == "fork" and "two histories" in caught.detail
        shown_b = to_b.get("/v1/board/cosigned").json()  # the forked copy has no cosignature to show
        assert (shown_b["cosigners"], shown_b["quorate"]) == ([], False)
        # over HTTP, as another client of the witness would see it
        refused = to_w.post("/v1/witness/cosign", json={"checkpoint": to_b.get("/v1/board/checkpoint").text,
                                                        "old_size": 5, "proof": []})
        assert refused.status_code == 409 and refused.json()["error"] == "fork"
        post(a, honest[1], central)
        post(b, honest[0], central)  # the fork grows: no proof can lead back to the cosigned tree
        assert witness_node(witnessing, to_b).reason == "not_consistent"
        later = witness_node(witnessing, to_a)
        assert isinstance(later, Cosigned) and later.tree.size == 7
        assert to_a.get("/v1/board/cosigned").json()["tree_size"] == 7
        witnessing.close()
