"""Ballots whose token is not on the frozen roll for that style and mode reject the whole batch."""

from __future__ import annotations

import os

from centralhelp import make_kiosk, post, running_node, serial_of, signed_batch


def test_tokens_off_the_roll(central, tmp_path):
    kiosk = make_kiosk(central, tmp_path / "k")
    good = [(style, serial_of(p)) for style, p in central.official[:5]]
    style0, serial0 = good[0]
    other_style = next(s for s, _ in central.official if s != style0)
    test_style, test_payload = central.test[0]
    cases = {
        "a serial nobody minted": good + [(style0, os.urandom(16))],
        "a real token under another ballot style": good[1:] + [(other_style, serial0)],
        "a test token in an official batch": good + [(test_style, serial_of(test_payload))],
    }
    with running_node(central, tmp_path / "n1") as (node, server):
        for name, ballots in cases.items():
            ack = post(server, signed_batch(kiosk, central.election, ballots), central)
            assert (ack.verdict, ack.reason) == ("rejected", "not_on_roll"), name
        assert node.store.checkpoint()[0] == 0  # all or nothing: the good ballots went nowhere
        assert post(server, signed_batch(kiosk, central.election, good), central).verdict == "accepted"
        assert node.store.checkpoint()[0] == 5
