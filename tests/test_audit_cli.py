"""The whole audit through ``kiosk-central audit``: two real kiosks vote and close, a real node
takes their batches, the tally publishes results.json, the kiosks export their cast vote records,
and two audit boards read the drawn papers. A right result stops; papers that disagree with
what the kiosks recorded (a kiosk that printed one thing and stored another) escalate."""

from __future__ import annotations

import contextlib
import io
import json
import random
from pathlib import Path

import pytest

from centralhelp import batches, close_station, make_kiosk, partial_files, post, running_node
from kiosk.contract.paper_qr import paper_qr
from kiosk.station.casting import Cast, cast
from kiosk.station.reports import Code
from kiosk.station.station import Station
from kiosk.station.station_reports import report_of
from storehelp import NOW, kiosk_cli
from sync.central.cli import main as central_main
from sync.central.sheets import card_qr, save_png

SEED = "20171127314159265358979"


def central_cli(*argv) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = central_main([str(a) for a in argv])
    return code, out.getvalue()


def _vote(root: Path, tokens, election, rng: random.Random) -> None:
    """Each voter likes the style's first two allowed options often, the others seldom."""
    with Station.open(root) as s:
        for style_id, payload in tokens:
            style = election.style(style_id)
            chosen = {}
            for contest_id in style.contests:
                allowed = [o.id for o in election.contest(contest_id).options if o.id not in style.exclude]
                liked = [o for i, o in enumerate(allowed) if rng.random() < (0.85 if i < 2 else 0.2)]
                chosen[contest_id] = liked[:election.contest(contest_id).max]
            assert isinstance(cast(s, payload, chosen, NOW + 60), Cast)


def _closing_statement(root: Path, target: Path) -> Path:
    with Station.open(root) as s:
        tape = report_of(s, "results_tape", NOW + 900, "en")
    # what a photo of the tape gives: its closing QR code, or each of its parts (closing_parts), one a line
    codes = [b.payload for b in tape.blocks if isinstance(b, Code) and b.payload.startswith(("KS1:", "KSP1:"))]
    target.write_text("".join(code + "\n" for code in reversed(codes)))
    return target


@pytest.fixture(scope="module")
def election_day(tmp_path_factory):
    """Two closed kiosks' day, tallied: (central, results.json, closing files, cvr files, papers)."""
    from centralhelp import make_central_election

    tmp = tmp_path_factory.mktemp("audit-day")
    central = make_central_election(tmp / "election", per_style=10)
    rng = random.Random(2017)
    kiosks = {"S-0001": tmp / "a", "S-0002": tmp / "b"}
    tokens = {"S-0001": central.official[:130], "S-0002": central.official[130:240]}
    for station, root in kiosks.items():
        make_kiosk(central, root, station=station)
        _vote(root, tokens[station], central.election, rng)
        close_station(root)
    with running_node(central, tmp / "n1") as (node, server):
        for root in kiosks.values():
            post(server, batches(root)[0], central)
    code, out = central_cli("tally", "--data", tmp / "n1", "--election", central.directory, "--aggregates")
    assert code == 0, out
    partials = partial_files(central, tmp / "n1", tmp / "partials")
    code, out = central_cli("tally", "--data", tmp / "n1", "--election", central.directory,
                            "--out", tmp / "results", "--partials", *partials)
    assert code == 0, out
    closing = [_closing_statement(root, tmp / f"closing-{station}.txt") for station, root in kiosks.items()]
    cvrs = []
    for station, root in kiosks.items():
        code, out = kiosk_cli("export-cvr", "--data", root, "--to", tmp)
        assert code == 0, out
        cvrs.append(tmp / f"cvr-{station}-official.json")
    # the papers in each box, in the order they lie (any order: here by ballot id)
    papers: dict[str, list[tuple[str, str]]] = {}
    for station, path in zip(kiosks, cvrs):
        body = json.loads(path.read_text())["body"]
        papers[station] = [(r["ballot_id_hex"], _shows(r["selections"])) for r in body["records"]]
    return central, tmp / "results" / "results.json", closing, cvrs, papers


def _shows(selections: dict) -> str:
    return ";".join(f"{contest}:{','.join(chosen)}" for contest, chosen in sorted(selections.items()))


def _plan(day, folder: Path, *extra: str) -> tuple[int, str]:
    central, results, closing, _, papers = day
    counts = [f"{station}={len(p)}" for station, p in papers.items()]
    return central_cli("audit", "plan", "--dir", folder, "--election", central.directory, "--results", results,
                       "--closing", *closing, "--papers", *counts, "--outcome", "top:2:G01", "--outcome", "top:2:G02",
                       "--seed", SEED, "--risk-limit", "0.05", *extra)


def _drawn(out: str) -> list[list[str]]:
    return [line.split(",") for line in out.splitlines() if line[:1].isdigit()]


def _expected(out: str) -> int:
    line = next(line for line in out.splitlines() if line.startswith("expected sample size"))
    return int(line.split(": ")[1].split()[0])


def _record_both(folder: Path, *args: str) -> None:
    for board in ("1", "2"):
        code, out = central_cli("audit", "record", "--dir", folder, "--board", board, *args)
        assert code == 0, out


def _audit_until_done(folder: Path, first: int, most: int, read) -> tuple[int, dict, int]:
    """Draw ``first``, read each drawn paper with ``read(row)``, escalate by 20 until the audit
    stops or all ``most`` are drawn: (exit code, status JSON, papers drawn)."""
    drawn, out = first, central_cli("audit", "draw", "--dir", folder, "--n", first)[1]
    while True:
        for row in _drawn(out):
            read(row)
        code, status = central_cli("audit", "status", "--dir", folder, "--json")
        if code == 0 or drawn >= most:
            return code, json.loads(status), drawn
        drawn = min(most, drawn + 20)
        out = central_cli("audit", "draw", "--dir", folder, "--n", drawn)[1]


def test_polling_audit_of_a_right_result_stops(election_day, tmp_path):
    _, _, _, _, papers = election_day
    folder = tmp_path / "polling"
    code, out = _plan(election_day, folder)
    assert code == 0, out
    assert "PROBLEM" not in out and "not auditable" not in out
    n = _expected(out)
    assert 0 < n < 240
    code, out = central_cli("audit", "draw", "--dir", folder, "--n", n)
    assert code == 0
    rows = _drawn(out)
    assert len(rows) == n and len({tuple(r) for r in rows}) == n
    code, status = central_cli("audit", "status", "--dir", folder)
    assert code == 1 and "escalate" in status  # nothing read yet

    def read(row):
        _, station, box, position = row
        _record_both(folder, "--label", f"{station}/{box}/{position}", "--shows", papers[station][int(position) - 1][1])

    for row in rows:
        read(row)
    code, report, drawn = _audit_until_done(folder, n, 240, read)
    assert code == 0 and report["verdict"] == "stop: risk limit met", report
    assert drawn < 240 and all(a["met"] for a in report["assertions"])


def test_the_same_seed_draws_the_same_papers_for_anyone(election_day, tmp_path):
    _plan(election_day, tmp_path / "one")
    _plan(election_day, tmp_path / "two")
    one = central_cli("audit", "draw", "--dir", tmp_path / "one", "--n", 30)[1]
    two = central_cli("audit", "draw", "--dir", tmp_path / "two", "--n", 30)[1]
    assert _drawn(one) == _drawn(two)
    more = _drawn(central_cli("audit", "draw", "--dir", tmp_path / "one", "--n", 40)[1])
    assert [r[0] for r in more] == [str(i) for i in range(31, 41)]  # an escalation keeps the 30 already drawn


def test_comparison_audit_stops_on_matching_papers_and_reads_the_qr_photo(election_day, tmp_path):
    central, _, _, cvrs, papers = election_day
    by_id = {bid: shows for p in papers.values() for bid, shows in p}
    folder = tmp_path / "comparison"
    code, out = _plan(election_day, folder, "--method", "comparison", "--cvr", *cvrs)
    assert code == 0 and "PROBLEM" not in out, out
    n = _expected(out)
    assert 0 < n < 60
    tag, photographed = central.election.tag, []

    def read(row):
        ballot_id = row[1]
        if not photographed:  # the first paper's QR read from a photo by the kiosk's own decoder
            image = tmp_path / "paper.png"
            save_png(card_qr(paper_qr(tag, ballot_id)), image)
            photographed.append(ballot_id)
            _record_both(folder, "--qr-image", image, "--shows", by_id[ballot_id])
        else:
            _record_both(folder, "--qr", paper_qr(tag, ballot_id), "--shows", by_id[ballot_id])

    code, report, drawn = _audit_until_done(folder, n, 240, read)
    assert code == 0 and report["verdict"] == "stop: risk limit met", report
    assert drawn <= 120  # the records carry the margin: the audit stops within half the papers


def test_comparison_audit_escalates_when_papers_disagree_with_the_records(election_day, tmp_path):
    """A kiosk that stored P002 where its paper showed P003: the audit must not stop."""
    central, _, _, cvrs, papers = election_day
    by_id = {bid: shows for p in papers.values() for bid, shows in p}
    folder = tmp_path / "flipped"
    _plan(election_day, folder, "--method", "comparison", "--cvr", *cvrs)
    rows = _drawn(central_cli("audit", "draw", "--dir", folder, "--n", 60)[1])
    tag = central.election.tag
    flipped = 0
    for _, ballot_id in rows:
        shows = by_id[ballot_id]
        if "P002" in shows and "P003" not in shows:
            shows, flipped = shows.replace("P002", "P003"), flipped + 1
        _record_both(folder, "--qr", paper_qr(tag, ballot_id), "--shows", shows)
    assert flipped >= 3
    code, status = central_cli("audit", "status", "--dir", folder)
    assert code == 1 and "escalate" in status, status


def test_the_boards_must_agree_and_the_drawn_paper_must_be_the_one_found(election_day, tmp_path):
    central, _, _, cvrs, papers = election_day
    folder = tmp_path / "boards"
    _plan(election_day, folder, "--method", "comparison", "--cvr", *cvrs)
    rows = _drawn(central_cli("audit", "draw", "--dir", folder, "--n", 5)[1])
    tag = central.election.tag
    first, second = rows[0][1], rows[1][1]
    assert central_cli("audit", "record", "--dir", folder, "--board", "1", "--qr", paper_qr(tag, first),
                       "--shows", "G01:P001")[0] == 0
    code, out = central_cli("audit", "record", "--dir", folder, "--board", "2", "--qr", paper_qr(tag, first),
                            "--shows", "G01:P004")
    assert code == 1 and "disagree" in out
    code, out = central_cli("audit", "record", "--dir", folder, "--board", "1", "--qr", paper_qr(tag, second),
                            "--label", first, "--shows", "G01:")
    assert code == 2  # the paper in hand is not the drawn one
    code, out = central_cli("audit", "record", "--dir", folder, "--board", "1", "--qr", "KP1:AAAAAAAA:" + "0" * 32,
                            "--label", first, "--shows", "G01:")
    assert code == 2
    code, out = central_cli("audit", "status", "--dir", folder)
    assert code == 1 and "boards disagree" in out


def test_bad_inputs_are_refused_with_what_to_do(election_day, tmp_path):
    assert _plan(election_day, tmp_path / "a", "--seed", "12345")[0] == 2
    code, out = _plan(election_day, tmp_path / "b", "--method", "comparison")
    assert code == 2
    assert _plan(election_day, tmp_path / "c")[0] == 0
    assert _plan(election_day, tmp_path / "c")[0] == 2  # an audit is planned once
    assert central_cli("audit", "status", "--dir", tmp_path / "none")[0] == 2


def test_a_missing_count_of_papers_is_a_problem_named(election_day, tmp_path):
    central, results, closing, _, papers = election_day
    code, out = central_cli("audit", "plan", "--dir", tmp_path / "p", "--election", central.directory,
                            "--results", results, "--closing", *closing, "--papers", "S-0001=131",
                            "--outcome", "top:2:G01", "--seed", SEED)
    assert code == 0
    assert "PROBLEM: station S-0001: 131 papers in the boxes, 130 ballots" in out
    assert "PROBLEM: station S-0002: no count of papers" in out


def test_the_report_is_a_pdf_in_both_languages(election_day, tmp_path):
    import subprocess

    central, _, _, cvrs, papers = election_day
    by_id = {bid: shows for p in papers.values() for bid, shows in p}
    folder = tmp_path / "r"
    _plan(election_day, folder, "--method", "comparison", "--cvr", *cvrs)
    rows = _drawn(central_cli("audit", "draw", "--dir", folder, "--n", 6)[1])
    for _, ballot_id in rows[:5]:
        _record_both(folder, "--qr", paper_qr(central.election.tag, ballot_id), "--shows", by_id[ballot_id])
    central_cli("audit", "record", "--dir", folder, "--board", "1", "--label", rows[5][1], "--missing")
    central_cli("audit", "record", "--dir", folder, "--board", "2", "--label", rows[5][1], "--missing")
    code, out = central_cli("audit", "report", "--dir", folder, "--out", tmp_path / "audit.pdf")
    assert code == 0 and "escalate" in out
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "audit.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    for words in ["위험 제한 감사 보고서", "Risk-limiting audit report", "표본 확대", SEED, "P001>P003",
                  "paper not found / 용지 없음", "top:2:G01", central.election.fingerprint_hex]:
        assert words in text, words
    assert all(bid not in text for _, bid in rows)  # no ballot id on the public report
