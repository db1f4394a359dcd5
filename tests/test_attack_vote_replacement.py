"""The critical attack of issue 21, replayed as the attacker ran it: a kiosk on the roster (its key
read off its SD card) takes spent tokens off the public board, casts them again with the
attacker's choice, and sends one closing batch. Before the fix the tally kept the smallest leaf
hash of a doubly used token (the attacker re-drew ballot ids to win), exited 0 and moved an
option from 5th to 1st. Now every such token is set aside, the tally reports a finding for each
(exit 1 until staff decide from the paper records), and the attacker's ballots count for nothing.
Once ballot format 2 lands the board carries token keys, not serials, and the first step fails:
the test then checks that the board holds nothing a token can be rebuilt from.
"""

from __future__ import annotations

import json

import httpx

from centralhelp import batches, close_station, make_kiosk, post, running_node, vote
from storehelp import NOW
from kiosk.contract.tokens import token_payload
from kiosk.station.casting import Cast, cast
from kiosk.station.station import Station
from sync.central.tally import tally


def attacker_choices(election, style_id):
    """The attacker's choice: the last options each contest of the style allows (not the victims')."""
    style = election.style(style_id)
    out = {}
    for contest_id in style.contests:
        contest = election.contest(contest_id)
        allowed = [o.id for o in contest.options if o.id not in style.exclude]
        out[contest_id] = allowed[-max(1, min(2, contest.max)):]
    return out


def test_spent_tokens_taken_off_the_board_replace_no_vote(central, tmp_path):
    victim = make_kiosk(central, tmp_path / "victim", station="S-0001")
    vote(victim, central.official[:12], central.election)
    close_station(victim)
    attacker = make_kiosk(central, tmp_path / "attacker", station="S-0002")
    vote(attacker, central.official[20:30], central.election)   # an ordinary day, first
    with running_node(central, tmp_path / "n1") as (node, server):
        assert post(server, batches(victim)[0], central).verdict == "accepted"
        board = httpx.get(f"{server.url}/v1/board/leaves", params={"start": 0, "end": 12}).text.splitlines()
        leaves = [json.loads(line) for line in board]
        serials = [leaf.get("serial_hex") for leaf in leaves]
        if not all(serials):  # ballot format 2: nothing on the board rebuilds a token
            assert not any("serial" in key for leaf in leaves for key in leaf)
            return
        rebuilt = [(leaf["style"], token_payload(central.election.tag, "official", bytes.fromhex(leaf["serial_hex"])))
                   for leaf in leaves]
        with Station.open(attacker) as station:
            for n, (style, payload) in enumerate(rebuilt):
                assert isinstance(cast(station, payload, attacker_choices(central.election, style), NOW + 90 + n), Cast)
        close_station(attacker)
        ack = post(server, batches(attacker)[0], central)
        assert ack.verdict == "accepted" and ack.double_use == 12   # seen, recorded, signed
        shares = sorted((central.directory / "trustees").glob("*.share"))[:2]
        report = tally(node, shares)
    assert not report.ok
    assert sum("until central staff decide" in f for f in report.findings) == 12
    counted = report.to_json()["ballots_counted"]
    assert counted == 10   # the attacker's ordinary ten; neither ballot of any stolen token
