"""The experts' scores: a CSV the authority signs into scores.json, checked against the package; refusals named."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from kiosk.contract.expert_scores import SCORES_FILE, add_scores, load_scores, parse_scores_csv
from kiosk.contract.judging_rules import judging_rules
from kiosk.contract.keys import SigningKey
from ceremonyhelp import format2_package
from kiosk.errors import FormatError, KioskError, SignatureError
from tests.judginghelp import EXPERTS_CSV, judged_spec


@pytest.fixture
def package(tmp_path):
    return format2_package(tmp_path / "e", judged_spec())[0]


def test_a_csv_is_signed_and_read_back(package):
    rules = judging_rules(package.election)
    scores = parse_scores_csv(("\ufeff" + EXPERTS_CSV.replace("\n", "\r\n")).encode())
    path = add_scores(package.directory, package.election.fingerprint_hex, package.authority_key(), rules,
                      "experts", scores)
    assert path.name == SCORES_FILE
    assert load_scores(package.directory, package.election.fingerprint_hex, package.authority, rules) == \
        {"experts": {"A": 20, "B": 30, "C": 10, "D": 29}}
    with pytest.raises(KioskError, match="already signed"):
        add_scores(package.directory, package.election.fingerprint_hex, package.authority_key(), rules, "experts", scores)


def test_scores_signed_by_another_key_or_edited_are_refused(package):
    rules = judging_rules(package.election)
    scores = parse_scores_csv(EXPERTS_CSV.encode())
    add_scores(package.directory, package.election.fingerprint_hex, SigningKey.generate(), rules, "experts", scores)
    with pytest.raises(SignatureError):
        load_scores(package.directory, package.election.fingerprint_hex, package.authority, rules)
    (package.directory / SCORES_FILE).unlink()
    add_scores(package.directory, package.election.fingerprint_hex, package.authority_key(), rules, "experts", scores)
    envelope = json.loads((package.directory / SCORES_FILE).read_text())
    envelope["body"]["scores"]["experts"]["C"] = 30
    (package.directory / SCORES_FILE).write_text(json.dumps(envelope))
    with pytest.raises(SignatureError):
        load_scores(package.directory, package.election.fingerprint_hex, package.authority, rules)


@pytest.mark.parametrize("electorate, scores, words", [
    ("members", {"A": 1}, "not an electorate that gives signed scores"),
    ("judges", {"A": 1}, "not an electorate that gives signed scores"),
    ("experts", {"A": 20, "B": 30, "C": 10, "D": 31}, "not a whole number in 0..30"),
    ("experts", {"A": 20, "B": 30, "C": 10, "Z": 1}, "'Z' is not in the election's selection.projects"),
    ("experts", {"A": 20, "B": 30}, "no score for 2 projects: C, D"),
])
def test_bad_scores_are_refused_naming_the_problem(package, electorate, scores, words):
    with pytest.raises(KioskError, match=words):
        add_scores(package.directory, package.election.fingerprint_hex, package.authority_key(),
                   judging_rules(package.election), electorate, scores)
    assert not (package.directory / SCORES_FILE).exists()


@pytest.mark.parametrize("text, words", [
    ("proj,score\nA,1\n", "header row"),
    ("project,score\nA,1.5\n", "row 2"),
    ("project,score\nA,-1\n", "row 2"),
    ("project,score\nA,1\nA,2\n", "row 3: project 'A' is given twice"),
    ("project,score\nA\n", "row 2"),
])
def test_a_bad_csv_is_refused_naming_the_row(text, words):
    with pytest.raises(FormatError, match=words):
        parse_scores_csv(text.encode())


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=200) | st.text(alphabet="project,scoreAB0129\n\r\"; -.", max_size=80).map(str.encode))
def test_any_bytes_are_read_or_refused_never_crash(data):
    try:
        out = parse_scores_csv(data)
    except FormatError:
        return
    assert all(isinstance(v, int) and v >= 0 for v in out.values())


json_values = st.recursive(st.none() | st.booleans() | st.integers(-3, 40) | st.text(max_size=5),
                           lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=4), kids, max_size=4),
                           max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(electorate=st.sampled_from(["experts", "members", "x"]) | st.text(max_size=4),
       scores=json_values | st.dictionaries(st.sampled_from("ABCDZ"), st.integers(-2, 33) | json_values, max_size=5))
def test_any_signed_scores_body_is_accepted_only_when_it_fits_the_package(electorate, scores):
    from kiosk.contract.election import parse_election
    from kiosk.contract.expert_scores import check_scores
    from tests.judginghelp import body_of
    rules = judging_rules(parse_election(body_of(judged_spec())))
    try:
        out = check_scores(rules, electorate, scores)
    except KioskError:
        return
    assert electorate == "experts" and set(out) == set("ABCD") and all(0 <= v <= 30 for v in out.values())
