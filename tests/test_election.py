"""The election package: validation that names the field, signatures, spec files, Ttabok."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceremonyhelp import format2_body
from kiosk.contract.election import bonus_points, parse_election
from kiosk.errors import FormatError, SignatureError, ValidationError
from ceremonyhelp import format2_package
from kiosk.contract.package import load_package
from kiosk.contract.spec import read_spec
from kiosk.contract.ttabok import ttabok_spec

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "apartment.toml"
KEY = "ab" * 32


def body_of(spec: dict) -> dict:
    return format2_body(spec, KEY)


def problems(body) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as e:
        parse_election(body)
    return e.value.problems


def test_full_ttabok_shape():
    e = parse_election(body_of(ttabok_spec()))
    assert len(e.styles) == 872 and len(e.contests) == 73
    assert sorted({len(c.options) for c in e.contests}) == [8, 12]
    assert sum(len(c.options) == 8 for c in e.contests) == 1
    for style in e.styles:
        (contest_id,) = style.contests
        contest = e.contest(contest_id)
        own = {o.id for o in contest.options if o.proposed_by == style.id}
        assert style.exclude == own and len(own) == 1
        assert contest.rule == "approval" and contest.max == 6
    assert [(b.min_participants, b.points) for b in e.bonus_bands] == [(8, 10), (5, 5), (0, 0)]
    assert e.title.ko.startswith("2017 경기도")


@pytest.mark.parametrize("participants, points", [(9, 10), (8, 10), (7, 5), (5, 5), (4, 0), (0, 0)])
def test_bonus_bands(participants, points):
    e = parse_election(body_of(ttabok_spec(24)))
    assert bonus_points(e.bonus_bands, participants) == points


@pytest.mark.parametrize("edit, path", [
    (lambda b: b["contests"][1]["options"][2].update(id="bad id!"), "contests[1].options[2].id"),
    (lambda b: b["contests"][0].update(max=13), "contests[0].max"),
    (lambda b: b["contests"][0].update(rule="ranked"), "contests[0].rule"),
    (lambda b: b["contests"][0].update(min=7, max=6), "contests[0].min"),
    (lambda b: b["styles"][3].update(contests=["G99"]), "styles[3].contests[0]"),
    (lambda b: b["styles"][3].update(exclude=["P999"]), "styles[3].exclude[0]"),
    (lambda b: b["styles"][4].update(id="C001"), "styles[4].id"),
    (lambda b: b["title"].pop("ko"), "title.ko"),
    (lambda b: b.update(privacy_floor=0), "privacy_floor"),
    (lambda b: b.update(paper_record="yes"), "paper_record"),
    (lambda b: b.update(colour="red"), "colour"),
    (lambda b: b.update(trustees={"count": 2, "threshold": 3}), "trustees"),   # format 1's field: not known
    (lambda b: b.pop("election_key"), "election_key"),
    (lambda b: b["tally"]["participation_bonus"]["bands"].reverse(), "tally.participation_bonus.bands"),
    (lambda b: b.update(nodes=[{"id": "n1", "url": "ftp://x", "key_hex": KEY}]), "nodes[0].url"),
    (lambda b: b.update(format="kiosk-election/9"), "format"),
])
def test_each_mistake_names_its_field(edit, path):
    body = body_of(ttabok_spec(24))
    edit(body)
    found = problems(body)
    assert path in [p for p, _ in found], found


def test_message_lists_every_problem():
    body = body_of(ttabok_spec(24))
    body["privacy_floor"] = -1
    body["contests"][0]["max"] = 99
    with pytest.raises(ValidationError) as e:
        parse_election(body)
    assert "privacy_floor" in str(e.value) and "contests[0].max" in str(e.value)


def test_spec_example_makes_a_valid_package(tmp_path):
    spec = read_spec(EXAMPLE)
    package = format2_package(tmp_path / "apt", spec)[0]
    e = package.election
    assert [c.rule for c in e.contests] == ["single", "approval"]
    assert e.style("tenant").contests == ("works",)
    assert load_package(tmp_path / "apt").election.fingerprint == e.fingerprint


def test_spec_refuses_unknown_fields_and_decimals(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('colour = "red"\n' + EXAMPLE.read_text())
    with pytest.raises(ValidationError, match="colour"):
        read_spec(bad)
    bad.write_text(EXAMPLE.read_text().replace("privacy_floor = 10", "privacy_floor = 10.5"))
    with pytest.raises(ValidationError, match="privacy_floor"):
        read_spec(bad)
    bad.write_text("id = [")
    with pytest.raises(FormatError, match="TOML"):
        read_spec(bad)


def test_package_signature_is_checked(tmp_path):
    format2_package(tmp_path / "e", ttabok_spec(4))[0]
    path = tmp_path / "e" / "election.json"
    envelope = json.loads(path.read_text())
    envelope["body"]["privacy_floor"] = 1
    path.write_text(json.dumps(envelope))
    with pytest.raises(SignatureError):
        load_package(tmp_path / "e")


def test_package_signed_by_another_key_is_refused(tmp_path):
    format2_package(tmp_path / "a", ttabok_spec(4))[0]
    format2_package(tmp_path / "b", ttabok_spec(4))[0]
    a = json.loads((tmp_path / "a" / "election.json").read_text())
    b = json.loads((tmp_path / "b" / "election.json").read_text())
    a["sig_b64"], a["signer_hex"] = b["sig_b64"], b["signer_hex"]
    (tmp_path / "a" / "election.json").write_text(json.dumps(a))
    with pytest.raises(SignatureError):
        load_package(tmp_path / "a")


def test_package_is_never_overwritten(tmp_path):
    format2_package(tmp_path / "e", ttabok_spec(4))[0]
    with pytest.raises(Exception, match="already holds"):
        format2_package(tmp_path / "e", ttabok_spec(4))[0]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 2000) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_validator_on_any_json_raises_only_validation_error(value):
    try:
        parse_election(value)
    except ValidationError as e:
        assert e.problems
    else:  # pragma: no cover - random values are never complete elections
        raise AssertionError("random value accepted")


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_validator_on_mutated_ttabok_never_crashes(data):
    body = body_of(ttabok_spec(13))
    target = copy.deepcopy(body)
    # replace one random field somewhere in the tree with a random JSON value
    node = target
    while isinstance(node, (dict, list)) and node:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = data.draw(st.sampled_from(keys))
        if not isinstance(node[key], (dict, list)) or data.draw(st.booleans()):
            node[key] = data.draw(json_values)
            break
        node = node[key]
    try:
        parse_election(target)
    except ValidationError as e:
        assert all(isinstance(p, str) and isinstance(t, str) for p, t in e.problems)


@pytest.mark.parametrize("bad", ["P001\n", "P001\r\n", "\nP001", "P 001"])
def test_an_id_with_a_newline_or_space_is_refused(bad):
    # '$' in a pattern matches before a final newline: "P001\n" passed every id check once.
    body = body_of(ttabok_spec(24))
    body["contests"][1]["options"][2]["id"] = bad
    assert "contests[1].options[2].id" in [p for p, _ in problems(body)]


def test_every_id_check_refuses_a_trailing_newline(tmp_path):
    from kiosk.contract.election import ID_PATTERN
    from kiosk.errors import KioskError
    from kiosk.station.provisioning import provision
    assert ID_PATTERN.match("S01") and not ID_PATTERN.match("S01\n")
    with pytest.raises(KioskError, match="station id"):
        provision(tmp_path / "election", "S01\n", tmp_path / "data", 0)


def test_the_other_field_patterns_refuse_a_trailing_newline():
    from kiosk.contract.ack import REASON_PATTERN
    from kiosk.contract.registration import HEX64
    from kiosk.station.eventlog import KIND_PATTERN
    from kiosk.station.verify import BATCH_NAME
    for pattern, good in ((HEX64, "ab" * 32), (REASON_PATTERN, "not_on_roll"), (KIND_PATTERN, "ballot_cast"),
                          (BATCH_NAME, "batch-000001.json")):
        assert pattern.match(good) and not pattern.match(good + "\n"), pattern.pattern
