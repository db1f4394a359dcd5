"""The critical attack of issue 21, replayed as the attacker ran it: a kiosk on the roster (its key
read off its SD card) takes spent tokens off the public board, to cast them again with the
attacker's choice. With ballot format 1 the board listed every spent serial and the attack moved an
option from 5th to 1st. The board now carries token keys, never serials: the first step fails, and
nothing on the board (any field, any byte) rebuilds a token. The attacker's next try, ballots under
the board's token keys signed with keys it has, is refused at ingest
(tests/test_node.py::test_issue_21_a_roster_kiosk_reading_the_board_cannot_replace_another_stations_vote).
"""

from __future__ import annotations

import json

import httpx

from centralhelp import batches, close_station, make_kiosk, post, running_node, serial_of, vote
from kiosk.contract.tokens import parse_token


def test_spent_tokens_taken_off_the_board_replace_no_vote(central, tmp_path):
    victim = make_kiosk(central, tmp_path / "victim", station="S-0001")
    vote(victim, central.official[:12], central.election)
    close_station(victim)
    attacker = make_kiosk(central, tmp_path / "attacker", station="S-0002")
    vote(attacker, central.official[20:30], central.election)   # an ordinary day, first
    close_station(attacker)
    with running_node(central, tmp_path / "n1") as (node, server):
        assert post(server, batches(victim)[0], central).verdict == "accepted"
        board = httpx.get(f"{server.url}/v1/board/leaves", params={"start": 0, "end": 12}).text
        leaves = [json.loads(line) for line in board.splitlines()]
        assert len(leaves) == 12 and not any("serial" in key for leaf in leaves for key in leaf)
        for _, payload in central.official[:12]:  # neither the serial nor the payload's text is anywhere
            assert serial_of(payload).hex() not in board and parse_token(payload).serial not in board.encode()
        ack = post(server, batches(attacker)[0], central)
        assert (ack.verdict, ack.double_use) == ("accepted", 0)   # its own ten: no vote of the victim touched
        assert node.store.double_uses() == {}
