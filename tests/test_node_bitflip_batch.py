"""A batch with any one bit flipped is never accepted: malformed, or rejected with a reason."""

from __future__ import annotations

import random

from centralhelp import batches, post, running_node
from synchelp import kiosk_with_batches


def test_bit_flips_never_accepted(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(10,))
    (whole,) = batches(kiosk)
    rng = random.Random(7)
    positions = sorted(rng.sample(range(len(whole) * 8), 120))
    outcomes = set()
    with running_node(central, tmp_path / "n1") as (node, server):
        for i, bit in enumerate(positions):
            flipped = bytearray(whole)
            flipped[bit // 8] ^= 1 << (bit % 8)
            result = post(server, bytes(flipped), central)
            if isinstance(result, tuple):
                assert result[0] == 400, result
                outcomes.add(result[1]["error"])
            else:
                assert result.verdict == "rejected", (bit, result)
                outcomes.add(result.reason)
            if i == 60:  # half before and half after the real batch is on the board
                assert post(server, whole, central).verdict == "accepted"
        assert node.store.checkpoint()[0] == 10
    assert "malformed" in outcomes and outcomes & {"bad_header_signature", "merkle_root_mismatch"}
