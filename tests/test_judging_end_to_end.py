"""The whole judging on the verifiable path: representatives grade and members like on real kiosks, a real
node on loopback accepts their format-2 batches, the trustees decrypt the published aggregates
(``kiosk-central trustee decrypt``), the node combines them (``tally --partials``), the authority signs the
experts' scores, and ``kiosk-central select`` turns the node's results into the funded projects.

The small judged election of ``judginghelp`` (its hand-computed case): offline B and D within 300 won
(A loses to the community quota, C to the budget), online A (the best of the rest by likes + bonus).
"""

from __future__ import annotations

import json
import subprocess

import pytest

from centralhelp import make_central_election, running_node
from kiosk.app.cliutil import call
from sync.central.cli import main as central_main
from tests.judginghelp import EXPERTS_CSV, LOT_SEED, count_on_the_node, judged_spec, vote_day
from tests.pbhelp import recompute


def cli(*argv):
    return call(central_main, *argv)


@pytest.fixture(scope="module")
def judged_central(tmp_path_factory):
    """The small judged election as a frozen format-2 package with nodes n1..n3 (3 tokens per style)."""
    return make_central_election(tmp_path_factory.mktemp("judged") / "e", per_style=3, ceremony=(3, 2),
                                 spec=judged_spec())


def test_grades_and_likes_on_kiosks_to_the_selected_projects(judged_central, tmp_path):
    central = judged_central.copy(tmp_path / "e")
    data = vote_day(central, tmp_path).data
    results = count_on_the_node(central, data, tmp_path)
    published = json.loads(results.read_text())
    rows = {o["option"]: o["likes"] for c in published["results"] for o in c["options"]}
    # decrypted sums, never a ballot: the representatives' grades and the members' likes as cast
    assert rows["RB"] == 5 + 4 and rows["RD"] == 4 + 5 + 1 and rows["PC"] == 3 and published["ballots_counted"] == 8

    (tmp_path / "experts.csv").write_text(EXPERTS_CSV)
    code, text = cli("scores", "add", "--election", central.directory, "--electorate", "experts",
                     tmp_path / "experts.csv")
    assert code == 0, text
    code, text = cli("select", "--election", central.directory, "--results", results, "--lot-seed", LOT_SEED,
                     "--json")
    assert code == 0, text
    offline, online = json.loads(text)["stages"]
    assert offline["selected"] == ["B", "D"] and (offline["used"], offline["left"]) == (250, 50)
    assert {p["project"]: p["lost"] for p in offline["projects"]} == {"B": None, "D": None, "A": "quota", "C": "budget"}
    assert [(p["project"], p["points_exact"]) for p in offline["projects"]][:2] == [("B", "93/1"), ("D", "227/3")]
    assert online["selected"] == ["A"]
    assert {p["project"]: p["lost"] for p in online["projects"]} == \
        {"A": None, "C": "points", "B": "selected_earlier", "D": "selected_earlier"}


def test_the_selection_is_published_with_the_results_and_re_derived_by_the_verifier(judged_central, tmp_path):
    """``select --data`` puts it in the node's record: served, on ``/results``, exported, and re-checked by
    ``verify --from`` (a tampered selection fails naming the stage and project)."""
    import shutil

    import httpx

    central = judged_central.copy(tmp_path / "e")
    data = vote_day(central, tmp_path).data
    count_on_the_node(central, data, tmp_path)
    (tmp_path / "experts.csv").write_text(EXPERTS_CSV)
    assert cli("scores", "add", "--election", central.directory, "--electorate", "experts",
               tmp_path / "experts.csv")[0] == 0
    code, text = cli("select", "--election", central.directory, "--data", data, "--lot-seed", "a wrong seed")
    assert code == 2 and not (data / "record-official" / "selection.json").exists()   # a wrong seed publishes nothing
    code, text = cli("select", "--election", central.directory, "--data", data, "--lot-seed", LOT_SEED)
    assert code == 0 and "stage offline: 2 selected; budget 300 won, used 250, left 50" in text, text
    assert {p.name for p in (data / "record-official").iterdir()} >= {"selection.json", "offline.pb", "online.pb"}

    # the results report: the record's results by name and the selection, as text and as a PDF
    code, text = cli("results", "--election", central.directory, "--data", data, "--pdf", tmp_path / "results.pdf")
    assert code == 0 and "stage offline: 2 selected, budget used 250 of 300 won" in text, text
    pdf = subprocess.run(["pdftotext", "-layout", str(tmp_path / "results.pdf"), "-"], check=True,
                         capture_output=True, text=True).stdout
    for words in ["개표 결과 보고서", "Results report", central.election.fingerprint_hex, "selection stage / 선정 단계 offline",
                  "2 selected / 선정", "budget / 예산 300 원, used / 사용 250 원, left / 남음 50 원",
                  "its category's quota was full", "not enough budget left", "selected in an earlier stage"]:
        assert words in " ".join(pdf.split()), (words, pdf)

    with running_node(central, data) as (node, server):
        page = httpx.get(server.url + "/results").text
        served = httpx.get(server.url + "/v1/record/selection").json()
        code, text = cli("verify", "--from", server.url, "--election", central.directory, "--workers", 1)
    assert code == 0 and "selection.json: equal to the selection re-derived" in text, text
    assert "selection re-derived, stage offline: 2 selected (B, D)" in text
    assert served["stages"][0]["selected"] == ["B", "D"]
    offline = page[page.index("Selected projects"):page.index("Not selected")]
    assert "PB" in offline and "PD" in offline and "PA" not in offline and "250" in offline
    assert "its category&#x27;s quota was full" in page and "not enough budget left" in page
    assert "selected in an earlier stage" in page

    record = tmp_path / "record"
    assert cli("board", "export", "--data", data, "--election", central.directory, "--out", record)[0] == 0
    # the export carries the .pb files as the node wrote them; pabutools (its own environment) recomputes
    # every stage from them alone
    for name in ("offline.pb", "online.pb", "selection.csv"):
        assert (record / name).read_bytes() == (data / "record-official" / name).read_bytes()
    code, recomputed, err = recompute(record)
    published = json.loads((record / "selection.json").read_text())
    assert code == 0, err
    assert [(s["stage"], s["selected"]) for s in recomputed["stages"]] == \
        [(s["stage"], s["selected"]) for s in published["stages"]] == [("offline", ["B", "D"]), ("online", ["A"])]
    assert (record / "election" / "scores.json").is_file()
    code, text = cli("verify", "--from", record, "--election", record / "election", "--json", "--workers", 1)
    assert code == 0 and json.loads(text)["selection"]["stages"][1]["selected"] == ["A"], text

    def tampered(name, change):
        copy = tmp_path / f"bad-{name}"
        shutil.copytree(record, copy)
        body = json.loads((copy / "selection.json").read_text())
        change(body)
        (copy / "selection.json").write_text(json.dumps(body))
        code, text = cli("verify", "--from", copy, "--election", copy / "election", "--json", "--workers", 1)
        problems = [x for x in json.loads(text)["checks"] if x["level"] == "problem"]
        assert code == 1 and problems[0]["place"] == "selection.json", text
        return problems[0]["detail"]

    def swap(body):   # A funded offline instead of D
        stage = body["stages"][0]
        stage["selected"] = ["B", "A"]
        for p in stage["projects"]:
            if p["project"] in "AD":
                p["selected"], p["lost"] = p["project"] == "A", None if p["project"] == "A" else "quota"
    assert tampered("swap", swap).startswith("stage offline: selected ['B', 'A'], the record gives ['B', 'D']")

    def points(body):
        body["stages"][1]["projects"][1]["points"] = "99.00"
    assert tampered("points", points).startswith("stage online project C: points '99.00'")
    assert "not the one the package committed to" in tampered("seed", lambda body: body.update(lot_seed="another"))
