"""The score vote rule: each shown option gets a grade in min..max; the tally sums the grades."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings, strategies as st

from ceremonyhelp import format2_election
from kiosk.contract.crypto import group
from kiosk.contract.crypto.encrypted_ballot import (EncryptedBallot, aggregate_ballots, encrypt_ballot, open_with_seed,
                                                    verify_ballot)
from kiosk.contract.crypto.elgamal import DiscreteLog, decrypt_point
from kiosk.contract.rules import Problem, check_selections, normalise_selections
from kiosk.contract.tally_rules import Count, contest_results
from kiosk.errors import ValidationError
from kiosk.station.testdeck import deck_selections, tally

KEY = "ab" * 32


def title(en: str) -> dict:
    return {"ko": en, "en": en}


def score_spec() -> dict:
    """Judges grade four proposals 가..마 (5..1, every one graded); members may skip (0..3)."""
    options = [{"id": f"P{i}", "title": title(f"Proposal {i}"), "proposed_by": f"C{i}"} for i in range(1, 5)]
    return {
        "id": "grading", "title": title("Grading"), "privacy_floor": 1, "paper_record": True,
        "contests": [
            {"id": "judges", "title": title("Judges' grades"), "rule": "score", "min": 1, "max": 5,
             "options": options},
            {"id": "members", "title": title("Members' grades"), "rule": "score", "min": 0, "max": 3,
             "options": [dict(o, id="M" + o["id"]) for o in options]},
        ],
        "styles": [{"id": f"C{i}", "title": title(f"Community {i}"), "contests": ["judges", "members"],
                    "exclude": [f"P{i}", f"MP{i}"]} for i in range(1, 5)],
        "nodes": [],
    }


def election_of(spec: dict):
    return format2_election(spec, KEY)


E = election_of(score_spec())


def codes(selections, style="C1"):
    return [(p.problem, p.contest, p.option) for p in check_selections(E, style, selections)]


def test_the_score_contest_parses_with_its_grade_range():
    judges, members = E.contest("judges"), E.contest("members")
    assert (judges.rule, judges.min, judges.max, judges.grades) == ("score", 1, 5, (5, 4, 3, 2, 1))
    assert members.grades == (3, 2, 1, 0)


@pytest.mark.parametrize("change, path", [
    ({"min": 5, "max": 5}, "contests[0].min"),
    ({"max": 101}, "contests[0].max"),
    ({"min": -1}, "contests[0].min"),
])
def test_a_bad_grade_range_is_refused_at_the_field(change, path):
    spec = score_spec()
    spec["contests"][0].update(change)
    with pytest.raises(ValidationError) as e:
        election_of(spec)
    assert path in str(e.value)


def test_every_shown_option_graded_is_valid_and_the_own_proposal_is_not_graded():
    good = {"judges": {"P2": 5, "P3": 1, "P4": 3}, "members": {"MP2": 3}}
    assert codes(good) == []
    assert codes({"judges": {"P2": 5, "P3": 1, "P4": 3, "P1": 2}})[0] == (Problem.EXCLUDED_OPTION, "judges", "P1")


def test_a_missing_bad_or_unknown_grade_is_named():
    assert (Problem.UNGRADED, "judges", "P4") in codes({"judges": {"P2": 5, "P3": 1}})
    assert codes({"judges": {"P2": 6, "P3": 1, "P4": 3}}) == [(Problem.BAD_GRADE, "judges", "P2")]
    assert codes({"judges": {"P2": 0, "P3": 1, "P4": 3}}) == [(Problem.BAD_GRADE, "judges", "P2")]  # min 1
    assert codes({"judges": {"P2": True, "P3": 1, "P4": 3}}) == [(Problem.BAD_GRADE, "judges", "P2")]
    assert (Problem.UNKNOWN_OPTION, "judges", "MP2") in codes({"judges": {"P2": 5, "P3": 1, "P4": 3, "MP2": 1}})
    assert codes({"judges": ["P2"]})[0] == (Problem.NOT_GRADES, "judges", None)
    assert "at most 5" in str(check_selections(E, "C1", {"judges": {"P2": 9, "P3": 1, "P4": 3}})[0])


def test_normalising_keeps_ballot_order_and_drops_no_grade():
    chosen = {"judges": {"P4": 3, "P2": 5, "P3": 1}, "members": {"MP3": 0, "MP4": 2}}
    out = normalise_selections(E, "C1", chosen)
    assert out == {"judges": {"P2": 5, "P3": 1, "P4": 3}, "members": {"MP4": 2}}
    assert list(out["judges"]) == ["P2", "P3", "P4"]


def test_the_tally_sums_the_grades_and_adds_the_bonus_row_by_row():
    count = Count()
    count.add(E, "C1", {"judges": {"P2": 5, "P3": 1, "P4": 3}, "members": {"MP2": 3}})
    count.add(E, "C2", {"judges": {"P1": 4, "P3": 2, "P4": 3}, "members": {}})
    rows = {r.option: r.likes for c in contest_results(E, count) for r in c.options}
    assert (rows["P1"], rows["P2"], rows["P3"], rows["P4"]) == (4, 5, 3, 6)
    assert (rows["MP2"], rows["MP3"]) == (3, 0)
    assert tally([normalise_selections(E, "C1", {"judges": {"P2": 5, "P3": 1, "P4": 3}})], E)["judges"]["P2"] == 5


def test_the_test_deck_draws_valid_grades_for_every_style():
    rng = random.Random(7)
    for _ in range(50):
        for style in E.styles:
            chosen = deck_selections(E, style.id, rng)
            assert check_selections(E, style.id, chosen) == []
            assert set(chosen["judges"]) == {o.id for o in E.contest("judges").options} - style.exclude


X = group.SeededScalars(b"score key")()
Y = group.mul_base(X)


def test_a_score_ballot_encrypts_each_grade_with_a_0_to_max_proof_and_opens_with_its_seed():
    chosen = {"judges": {"P2": 5, "P3": 1, "P4": 3}, "members": {"MP3": 2}}
    ballot = encrypt_ballot(Y, E, "C1", "b-1", chosen, bytes(32))
    parsed = EncryptedBallot.from_json(json.loads(json.dumps(ballot.to_json())), E, "C1", "b-1")
    verify_ballot(Y, E, parsed)
    assert open_with_seed(Y, E, parsed, bytes(32)) == chosen
    other = encrypt_ballot(Y, E, "C1", "b-2", {"judges": {"P2": 4, "P3": 4, "P4": 4}, "members": {}}, bytes(range(32)))
    sums = aggregate_ballots(E, [ballot, other])
    log = DiscreteLog(20)
    assert log.find(decrypt_point(X, sums[("judges", "P2")][0])) == 9


grades = st.dictionaries(st.sampled_from(["P1", "P2", "P3", "P4", "MP1", "x", ""]),
                         st.one_of(st.integers(-2, 8), st.booleans(), st.none(), st.text(max_size=2)), max_size=6)
junk = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=4)),
                    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=4), inner, max_size=4)),
                    max_leaves=12)


@settings(max_examples=300)
@given(style=st.sampled_from(["C1", "C2", "C3", "C4"]), judges=grades, members=grades)
def test_any_grades_are_either_refused_by_name_or_count_as_given(style, judges, members):
    chosen = {"judges": judges, "members": members}
    problems = check_selections(E, style, chosen)
    assert all(str(p) for p in problems)
    if not problems:
        canon = normalise_selections(E, style, chosen)
        assert check_selections(E, style, canon) == [] and normalise_selections(E, style, canon) == canon
        count = Count()
        count.add(E, style, canon)
        assert sum(count.selections["judges"].values()) == sum(judges.values())


@settings(max_examples=300)
@given(value=junk)
def test_junk_in_a_score_contest_is_refused_not_raised(value):
    assert check_selections(E, "C1", {"judges": value, "members": value})


def test_the_test_deck_casts_grades_on_a_real_station_and_the_tally_matches(tmp_path):
    from kiosk.contract.minting import mint_tokens
    from ceremonyhelp import format2_package
    from kiosk.station.provisioning import provision
    from kiosk.station.testdeck import run_test_deck
    from storehelp import NOW

    package = format2_package(tmp_path / "e", score_spec())[0]
    tokens = mint_tokens(package, [(s.id, 3) for s in package.election.styles], "test")
    roll = package.roll()
    roll.freeze(package.authority_key())
    roll.close()
    tsv = tmp_path / "payloads.tsv"
    tsv.write_text("".join(f"{t.style}\ttest\tx.png\t{t.payload}\n" for t in tokens))
    provision(tmp_path / "e", "S-1", tmp_path / "d", NOW, mode="test")
    report = run_test_deck(tmp_path / "d", tsv, NOW)
    assert report["match"] and report["cast"] == 12, report
    assert sum(report["actual"]["judges"].values()) >= 12 * 3  # every judge grade is at least 1


def test_the_paper_record_prints_one_fixed_slot_per_graded_option():
    from kiosk.station.reports import as_text, paper_record

    a = as_text(paper_record(E, "C1", {"judges": {"P2": 5, "P3": 1, "P4": 3}, "members": {}}, "ab" * 16, "test", "en"))
    b = as_text(paper_record(E, "C1", {"judges": {"P2": 1, "P3": 1, "P4": 1}, "members": {"MP2": 3}}, "ab" * 16,
                             "test", "en"))
    assert "[5] Proposal 2" in a and "[-] Proposal 2" in a and "[3] Proposal 2" in b
    assert len(a.splitlines()) == len(b.splitlines())
