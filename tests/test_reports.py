"""Report models: zero report, slips, results tape; privacy floor and the per-contest check."""

from __future__ import annotations

import pytest

from ceremonyhelp import format2_election
from kiosk.station.reports import (Code, Heading, Line, Pair, StationFacts, count_contests, results_tape, slip,
                           zero_report, _words)
from kiosk.contract.ttabok import ttabok_spec

KEY = "ab" * 32
E = format2_election(ttabok_spec(24), KEY)


def facts(**kw):
    base = dict(election=E, station="S01", mode="official", kiosk_fingerprint="abcd-ef01-2345-6789",
                software_hash="5" * 64, roll_root_hex="7" * 64, log_head_seq=3, log_head_hex="9" * 64,
                state_changed_at=1495850000, printed_at=1495850005)
    base.update(kw)
    return StationFacts(**base)


def pairs(report):
    return {b.label: b.value for b in report.blocks if isinstance(b, Pair)}


def lines(report):
    return [b.text for b in report.blocks if isinstance(b, (Line, Heading))]


def test_catalogue_languages_match():
    assert set(_words()["ko"]) == set(_words()["en"])


@pytest.mark.parametrize("language", ["ko", "en"])
def test_zero_report(language):
    report = zero_report(facts(), 0, language)
    p = pairs(report)
    assert p["Station" if language == "en" else "투표소"] == "S01"
    assert ("The ballot box is empty" if language == "en" else "투표함이 비어 있음을 확인합니다") in lines(report)
    reprint = zero_report(facts(reprint=True, mode="test"), 0, language)
    assert any("REPRINT" in t for t in lines(reprint)) and any("TEST" in t for t in lines(reprint))


def test_slips_carry_counts_only():
    report = slip("pause_slip", facts(), 42, "en")
    assert pairs(report)["Ballots cast"] == "42"
    with pytest.raises(ValueError):
        slip("party", facts(), 1, "en")


def ballots(n, style="C002", chosen=("P001", "P003")):
    return [(style, {"G01": list(chosen)})] * n


def test_results_tape_counts_and_check():
    box = ballots(10) + ballots(10, "C001", ("P002",)) + ballots(4, "C003", ("P001",))
    counts = count_contests(E, box)
    assert [(c.contest, c.ballots, c.selections, c.unused) for c in counts] == [("G01", 24, 34, 24 * 6 - 34)]
    assert all(c.balanced and c.shown for c in counts)
    report = results_tape(facts(), counts, 24, {"C001": 10, "C002": 10, "C003": 4}, {"already_used": 2}, "#3 abcd",
                          ["node-1", "node-2"], "KR1:{}.sig", "en")
    p = pairs(report)
    assert p["Proposal of community 001"] == "14" and p["Proposal of community 002"] == "10"
    assert p["Check: selections + unused = ballots x allowed"] == "34 + 110 = 24 x 6 ok"
    assert p["already used"] == "2" and p["Acknowledged by"] == "node-1, node-2"
    assert p["Ttabok community 001"] == "10"
    assert "Ttabok community 003" not in p  # 4 participants: under k=10, withheld
    assert any(isinstance(b, Code) and b.payload == "KR1:{}.sig" for b in report.blocks)


def test_an_option_left_off_most_ballots_withholds_the_contest_even_above_the_floor():
    # 12 ballots in all, but community 001's own proposal is only on the 8 others' ballots and
    # 002's only on the 4 of 001: printing them would tell how those few voted
    counts = count_contests(E, ballots(8) + ballots(4, "C001", ("P002",)))
    assert [(c.ballots, c.shown) for c in counts] == [(12, False)]
    report = results_tape(facts(), counts, 12, {"C001": 4, "C002": 8}, {}, None, [], "KR1", "en")
    p = pairs(report)
    assert "Proposal of community 001" not in p and "Proposal of community 002" not in p
    assert any("an option was on fewer than 10 ballots" in t for t in lines(report))


def test_contest_under_the_privacy_floor_is_withheld_not_printed():
    counts = count_contests(E, ballots(9))
    report = results_tape(facts(), counts, 9, {"C002": 9}, {}, None, [], "KR1", "ko")
    p = pairs(report)
    assert "따복공동체 001의 제안" not in p and "따복공동체 003의 제안" not in p
    assert any("10표 미만" in t for t in lines(report))
