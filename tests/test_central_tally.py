"""The tally: refused before the close, counts exactly the ballots cast, a double use counted only
as central staff decide."""

from __future__ import annotations

import contextlib
import functools
import io
import json
from collections import Counter

import pytest

from centralhelp import batches, close_station, make_kiosk, partial_files, post, running_node, tally_node, vote
from kiosk.contract.election import bonus_points
from kiosk.errors import KioskError
from storehelp import choices
from sync.central.cli import main as central_main


def decide(central, ref_hex: str, ballot_id_hex: str | None, reason: str = "paper record found at S-0001") -> int:
    """``kiosk-central double-use decide`` on the authority's copy of the package."""
    which = ["--count", ballot_id_hex] if ballot_id_hex else ["--neither"]
    with contextlib.redirect_stdout(io.StringIO()):
        return central_main(["double-use", "decide", "--election", str(central.directory), "--token", ref_hex,
                             *which, "--reason", reason])


def expected(central, plan):
    """Ground truth from the plan: likes per option and ballots per style (each token once)."""
    likes, ballots = Counter(), Counter()
    for style, _ in plan:
        ballots[style] += 1
        for options in choices(central.election, style).values():
            likes.update(options)
    return likes, ballots


def test_tally_end_to_end(central, tmp_path):
    tally = functools.partial(tally_node, central, folder=tmp_path / "partials")
    a = make_kiosk(central, tmp_path / "a", station="S-0001")
    b = make_kiosk(central, tmp_path / "b", station="S-0002")
    plan_a, plan_b = central.official[:40], central.official[40:70] + [central.official[0]]  # token 0 twice
    vote(a, plan_a, central.election)
    vote(b, plan_b, central.election)
    close_station(a)
    with running_node(central, tmp_path / "n1") as (node, server):
        post(server, batches(a)[0], central)
        with pytest.raises(KioskError, match="not closed"):
            tally(node)
        early = tally(node, override_open=True)
        assert early.open_stations_overridden == ["S-0002"] and not early.ok
        close_station(b)
        assert post(server, batches(b)[0], central).double_use == 1
        undecided = tally(node)
        assert not undecided.ok and "none of its ballots counted" in undecided.findings[0]
        assert undecided.to_json()["ballots_counted"] == 69  # token 0's two ballots set aside
        (ref, leaves), = node.store.double_uses().items()
        first = next(leaf for leaf in leaves if leaf.kiosk_key_hex != leaves[-1].kiosk_key_hex)
        assert decide(central, ref.hex(), first.ballot.ballot_id.hex()) == 0
        report = tally(node)
    assert report.ok, report.findings
    assert report.double_uses[0]["decided"] and report.double_uses[0]["counted"] == first.ballot.ballot_id.hex()
    likes, ballots = expected(central, central.official[:70])  # the doubly used token: once
    j = report.to_json()
    assert j["ballots_counted"] == 70 and j["ballots_opened"] == 70
    assert [(s.station, s.closing_count, s.on_board) for s in report.stations] == [("S-0001", 40, 40),
                                                                                   ("S-0002", 31, 31)]
    assert sum(s.on_board - s.counted for s in report.stations) == 1  # one of the two ballots of token 0
    assert len(report.double_uses) == 1
    bands = central.election.bonus_bands
    for contest in report.results:
        assert not contest.suppressed
        for o in contest.options:
            assert (o.likes, o.participation) == (likes[o.option], ballots[o.proposed_by])
            assert o.score == likes[o.option] + bonus_points(bands, ballots[o.proposed_by])


def test_tally_command_writes_csv_and_json(central, tmp_path):
    kiosk = make_kiosk(central, tmp_path / "k")
    vote(kiosk, central.official[:12], central.election)
    close_station(kiosk)
    with running_node(central, tmp_path / "n1") as (node, server):
        post(server, batches(kiosk)[0], central)
    node_args = ["--data", str(tmp_path / "n1"), "--election", str(central.directory)]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert central_main(["tally", *node_args, "--aggregates", "--json"]) == 0
    files = partial_files(central, tmp_path / "n1", tmp_path / "partials", (1, 2, 3))
    tally = ["tally", *node_args, "--out", str(tmp_path / "results"), "--partials"]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = central_main([*tally, str(files[0])])
    assert code != 0 and "trustee" in out.getvalue()  # one trustee of a 2-of-3 ceremony cannot decrypt anything
    with contextlib.redirect_stdout(out):
        code = central_main([*tally, *map(str, files[1:])])
    assert code == 0, out.getvalue()
    rows = (tmp_path / "results" / "results.csv").read_text().splitlines()
    report = json.loads((tmp_path / "results" / "results.json").read_text())
    assert rows[0].startswith("contest,contest_ballots,option")
    # 12 ballots over two groups: each group's contest is below the floor of 10, so likes are withheld
    per_contest = {c["contest"]: c for c in report["results"]}
    for c in per_contest.values():
        assert c["suppressed"] == (c["ballots"] < 10)
        assert all((o["likes"] is None) == c["suppressed"] for o in c["options"])
    assert sum(c["ballots"] for c in per_contest.values()) == 12
