"""``kiosk demo``: the whole election end to end, kiosks to the verified result, nodes on loopback."""

from __future__ import annotations

import csv
import random
import socket
from pathlib import Path

import pytest

from kiosk.app.election_demo import choices_for
from kiosk.contract.spec import read_spec
from kiosk.contract.ttabok import ttabok_spec
from kiosk.cli import main as kiosk_main
from kiosk.contract.election import Election
from ceremonyhelp import format2_package

APARTMENT = Path(__file__).resolve().parents[1] / "docs" / "examples" / "apartment.toml"


def answers(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_kiosk_demo_runs_the_whole_election_and_stops_its_nodes(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    root = tmp_path / "demo"
    assert kiosk_main(["demo", "--data", str(root)]) == 0
    out = capsys.readouterr().out
    for said in ("node keys made for n1, n2, n3", "27 voters cast at the booth", "results tapes printed",
                 "node n1 (official): 2/2 batches held", "node n3 (official): 2/2 batches held",
                 "ingested by each node", "every node witnessed", "DEMO key ceremony of 3 trustees",
                 "(kiosk-central tally --aggregates): the same on every node", "trustees 1 and 3 each decrypted",
                 "no single ballot was ever decrypted", "27 ballots, reconciled",
                 "3 of 3 nodes verify their stores", "re-derived the same results: passes",
                 "the result is verified", "/receipt (tracking codes)", "a voter checked the tracking code",
                 "on node n1's board; the proof leads to its signed root", "it is caught before any node is asked"):
        assert said in out, said
    assert "PIN" in out and "201724" in out          # the demo's own PIN, said so the newcomer can type it
    results = out.split("results (")[1]
    assert "proposed by" in results and "bonus" in results and "score" in results   # Ttabok's tally rules
    assert len(list((root / "tapes").glob("S0*.png"))) == 2
    assert sorted(p.name for p in (root / "authority" / "trustees" / "trustee-1").iterdir()) == [
        "partial-1.json", "trustee-1.announcement.json", "trustee-1.secret.json"]   # its own folder, decrypt's output
    assert not (root / "authority" / "trustees" / "trustee-2" / "partial-2.json").exists()   # two of three decrypt
    rows = list(csv.DictReader(open(root / "results" / "n1" / "results.csv", encoding="utf-8")))
    g01 = [r for r in rows if r["contest"] == "G01"]
    assert g01 and all(r["contest_ballots"] == "27" and r["likes"] != "" for r in g01)
    ports = [int(line.rsplit(":", 1)[1]) for line in out.split("nodes serving on loopback: ")[1].split("\n")[0].split(", ")]
    assert len(ports) == 3 and not any(answers(p) for p in ports)   # every node stopped on the way out


@pytest.mark.parametrize("spec", [ttabok_spec(24), read_spec(APARTMENT)], ids=["ttabok", "apartment"])
def test_a_scripted_voter_keeps_to_every_contests_rule(spec, tmp_path):
    election: Election = format2_package(tmp_path / "e", spec)[0].election
    rng = random.Random(7)
    for style in election.styles:
        for _ in range(20):
            picked = choices_for(election, style.id, rng)
            assert len(set(picked)) == len(picked) and not set(picked) & set(style.exclude)
            for cid in style.contests:
                contest = election.contest(cid)
                n = len([o for o in contest.options if o.id in picked])
                assert contest.min <= n <= contest.max
