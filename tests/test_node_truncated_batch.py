"""A truncated batch (any length short of whole) is refused as malformed; nothing is recorded."""

from __future__ import annotations

from centralhelp import batches, post, running_node
from synchelp import kiosk_with_batches


def test_truncated_batches_are_malformed(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(10,))
    (whole,) = batches(kiosk)
    with running_node(central, tmp_path / "n1") as (node, server):
        for cut in sorted({0, 1, 10, len(whole) // 3, len(whole) // 2, len(whole) - 2, len(whole) - 1}):
            status, error = post(server, whole[:cut], central)
            assert status == 400 and error["error"] == "malformed", cut
        assert node.store.checkpoint()[0] == 0
        assert post(server, whole, central).verdict == "accepted"


def test_oversized_body_is_refused_before_it_is_read(central, tmp_path):
    from sync.central.app import create_app
    from sync.central.serve import NodeServer

    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(10,))
    (whole,) = batches(kiosk)
    with running_node(central, tmp_path / "n1") as (node, _):
        with NodeServer(create_app(node, max_batch_bytes=len(whole) - 1)) as small:
            status, error = post(small, whole, central)
            assert status == 413 and error["error"] == "too_large"
        assert node.store.checkpoint()[0] == 0
