"""The election record's count files (sync/central/record_files.py), the checked ballot's QR
(kiosk/contract/spoiled_qr.py), opening a checked ballot with its printed seed, and the node's
/v1/record routes and /check-spoiled page."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import given, settings, strategies as st

from centralhelp import running_node
from counthelp import cast, count_election, every_style, spoil
from kiosk.contract.spoiled_qr import parse_spoiled_qr, spoiled_qr
from kiosk.errors import FormatError, KioskError
from sync.central.count import aggregates_of, ballots_of
from sync.central.observer import Published
from sync.central.observer_export import read_board, write_board
from sync.central.record_check import CountFiles
from sync.central.record_files import node_record_dir, read_count_files, write_count_files
from sync.central.spoiled_check import describe, open_spoiled_code

CE = count_election()
SEED = bytes(range(32))


@pytest.fixture(scope="module")
def files():
    _, board, _ = cast(CE, every_style(CE, 1))
    aggregates = aggregates_of(CE.election, ballots_of(CE.election, board))
    partials = tuple((f"partials/trustee-{i}.json", p) for i, p in zip((1, 2), CE.partials(aggregates, (1, 2))))
    spoiled = (spoil(CE, "C003", {"G01": ["P001", "P007"]}, seed=SEED), spoil(CE, "C004", {"G01": []}))
    return board, CountFiles(aggregates.to_json(), partials, {"ballots_counted": 12, "results": []}, spoiled)


def test_the_count_files_round_trip_through_an_exported_folder(files, tmp_path):
    board, count = files
    published = Published(b"checkpoint\n", None, [b.ballot.leaf() for b in board], count)
    written = write_board(published, tmp_path / "record")
    assert {p.name for p in written} >= {"aggregates.json", "trustee-1.json", "trustee-2.json", "results.json",
                                         "spoiled.ndjson", "leaves.ndjson"}
    assert read_board(tmp_path / "record") == published
    # a folder before the tally holds none of them: empty, and the checks say what is missing
    assert read_count_files(tmp_path / "none") == CountFiles()
    # partials are read in trustee order, and nothing but trustee-N.json files
    (tmp_path / "record" / "partials" / "notes.txt").write_text("x")
    write_count_files(tmp_path / "more", CountFiles(partials=(("partials/trustee-10.json", {}),
                                                              ("partials/trustee-2.json", {}))))
    assert [n for n, _ in read_count_files(tmp_path / "more").partials] == ["partials/trustee-2.json",
                                                                           "partials/trustee-10.json"]


def test_a_checked_ballot_opens_with_its_printed_seed_alone(files):
    _, count = files
    ballot_id = bytes.fromhex(json.loads(count.spoiled[0])["ballot"]["ballot_id_hex"])
    code = spoiled_qr(CE.election.tag, ballot_id, SEED)
    opened = open_spoiled_code(CE.election, CE.key, code.lower(), count.spoiled)
    assert (opened.style, opened.contents) == ("C003", {"G01": ["P001", "P007"]})
    lines = describe(CE.election, opened, "en")
    assert lines[0].startswith("G01 ") and "P001" in lines[0] and "P007" in lines[0]
    empty = json.loads(count.spoiled[1])["ballot"]["ballot_id_hex"]
    seed_2 = __import__("base64").urlsafe_b64decode(json.loads(count.spoiled[1])["nonce_seed_b64"] + "=")
    nothing = open_spoiled_code(CE.election, CE.key, spoiled_qr(CE.election.tag, bytes.fromhex(empty), seed_2),
                                count.spoiled)
    assert "nothing chosen" in describe(CE.election, nothing, "en")[0]
    assert "선택 없음" in describe(CE.election, nothing, "ko")[0]


def test_a_wrong_seed_an_unknown_ballot_or_another_election_is_refused(files):
    _, count = files
    ballot_id = bytes.fromhex(json.loads(count.spoiled[0])["ballot"]["ballot_id_hex"])
    with pytest.raises(KioskError, match="does not open the published ballot") as e:
        open_spoiled_code(CE.election, CE.key, spoiled_qr(CE.election.tag, ballot_id, bytes(32)), count.spoiled)
    assert "report it" in e.value.hint
    with pytest.raises(KioskError, match="no spoiled ballot .* is published"):
        open_spoiled_code(CE.election, CE.key, spoiled_qr(CE.election.tag, bytes(16), SEED), count.spoiled)
    with pytest.raises(FormatError, match="another election"):
        open_spoiled_code(CE.election, CE.key, spoiled_qr("AAAAAAAA", ballot_id, SEED), count.spoiled)
    with pytest.raises(FormatError, match="version 2 is not known"):
        parse_spoiled_qr("KC2:AAAAAAAA:00:00")
    with pytest.raises(FormatError, match="damaged seed"):
        good = spoiled_qr(CE.election.tag, ballot_id, SEED)
        parse_spoiled_qr(good[:-1] + ("B" if good[-1] == "A" else "R"))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=120), st.binary(max_size=60).map(lambda b: "KC1:" + b.hex().upper()),
                 st.builds(lambda t, i, s: spoiled_qr(t, i, s), st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=8,
                                                                         max_size=8),
                           st.binary(min_size=16, max_size=16), st.binary(min_size=32, max_size=32))))
def test_the_checked_ballot_qr_parser_refuses_anything_else_by_name(text):
    try:
        tag, ballot_id, seed = parse_spoiled_qr(text)
    except FormatError:
        return
    assert spoiled_qr(tag, ballot_id, seed) == text.strip().upper()


def test_the_node_serves_its_record_files_byte_for_byte(central, files, tmp_path):
    _, count = files
    with running_node(central, tmp_path / "n1") as (node, server):
        with httpx.Client(base_url=server.url, timeout=30) as http:
            assert http.get("/v1/record/aggregates").status_code == 404
            assert http.get("/v1/record/partials").json() == {"partials": []}
            write_count_files(node_record_dir(node.data_dir, node.mode), count)
            on_disk = node_record_dir(node.data_dir, node.mode) / "aggregates.json"
            assert http.get("/v1/record/aggregates").content == on_disk.read_bytes()
            assert http.get("/v1/record/results").json() == count.results
            assert http.get("/v1/record/partials").json() == {"partials": [{"name": n, "body": b}
                                                                           for n, b in count.partials]}
            assert http.get("/v1/record/spoiled").content == b""     # an empty board has none
            page = http.get("/check-spoiled", params={"code": "KC1:junk"})
            assert page.status_code == 200 and "not a checked ballot" in page.text
            assert "no-store" in page.headers["cache-control"]
