"""Every parser of the audit's outside input refuses garbage with a FormatError and nothing else:
the paper's QR, what a board member types for a paper, the box counts, the cast vote records."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.contract.cvr import CastVoteRecord, parse_cvrs, sign_cvrs
from kiosk.contract.keys import SigningKey
from kiosk.contract.paper_qr import paper_qr, parse_paper_qr
from kiosk.errors import FormatError, KioskError
from sync.central.audit.cli import parse_shows
from sync.central.audit.manifest import parse_paper_counts

KEY = SigningKey(bytes(range(32)))
ELECTION_HEX = "ab" * 32


def _refused_or_parsed(parse, value):
    try:
        return parse(value)
    except FormatError:
        return None


@given(st.text(max_size=120) | st.builds(lambda s: "KP1:" + s, st.text(max_size=60)))
def test_paper_qr_refuses_garbage(text):
    parsed = _refused_or_parsed(parse_paper_qr, text)
    if parsed is not None:
        assert paper_qr(*parsed) == text.strip()


def test_paper_qr_round_trip_and_versions():
    text = paper_qr("OLQZCJP7", "0f" * 16)
    assert parse_paper_qr(text) == ("OLQZCJP7", "0f" * 16)
    with pytest.raises(FormatError, match="version 2"):
        parse_paper_qr("KP2:OLQZCJP7:" + "0f" * 16)
    with pytest.raises(ValueError):
        paper_qr("short", "0f" * 16)


@given(st.text(max_size=80))
def test_shows_refuses_garbage(small_election_shows, text):
    election = small_election_shows
    paper = _refused_or_parsed(lambda t: parse_shows(t, election), text)
    if paper is not None:
        assert all(election.contest(c) for c in paper.shown)
        assert all(any(c.option(o) for c in election.contests) for o in paper.votes)


@pytest.fixture(scope="module")
def small_election_shows(tmp_path_factory):
    from ceremonyhelp import format2_package
    from kiosk.contract.ttabok import ttabok_spec

    return format2_package(tmp_path_factory.mktemp("e") / "e", ttabok_spec(24))[0].election


def test_shows_names_what_is_wrong(small_election_shows):
    e = small_election_shows
    assert parse_shows("G01:P001,P002;G02:", e).votes == {"P001": 1, "P002": 1}
    with pytest.raises(FormatError, match="not an option of contest G01"):
        parse_shows("G01:P013", e)
    with pytest.raises(FormatError, match="contest ids"):
        parse_shows("G99:P001", e)


@given(st.lists(st.text(max_size=30), max_size=5))
def test_paper_counts_refuse_garbage(texts):
    counts = _refused_or_parsed(parse_paper_counts, texts)
    if counts is not None:
        assert all(n >= 0 for n in counts.values()) and len(counts) == len(texts)


def _cvr_file(records=None) -> bytes:
    records = records or [CastVoteRecord("0" * 31 + str(i), "C001", {"G01": ["P002"]}) for i in range(3)]
    return sign_cvrs(KEY, ELECTION_HEX, "S-0001", "official", records)


def test_cvrs_round_trip_sorted_and_signed():
    f = parse_cvrs(_cvr_file())
    assert [r.ballot_id_hex[-1] for r in f.records] == ["0", "1", "2"] and f.kiosk_key_hex == KEY.verify_key.hex
    assert "P002" not in repr(f.records[0])  # selections never in a log line
    body = json.loads(_cvr_file())
    body["body"]["records"][0]["selections"] = {"G01": ["P003"]}
    with pytest.raises(KioskError):
        parse_cvrs(json.dumps(body).encode())


@given(st.binary(max_size=300))
def test_cvrs_refuse_random_bytes(data):
    with pytest.raises(KioskError):
        parse_cvrs(data)


@given(st.integers(0, 400), st.integers(0, 255))
def test_cvrs_refuse_any_changed_byte(position, value):
    data = bytearray(_cvr_file())
    position %= len(data)
    if data[position] == value:
        return
    data[position] = value
    try:
        parse_cvrs(bytes(data))
    except KioskError:
        return
    # a change that still parses must leave the same signed content (e.g. inside whitespace)
    assert parse_cvrs(bytes(data)).records == parse_cvrs(_cvr_file()).records
