"""Ballot styles bound to the stations allowed to accept them (issue 21: "any kiosk may cast any
community's token"): the package's optional ``stations`` per style, ``Election.style_allowed`` for
kiosks and nodes, and the kiosk's refusal in Korean and English."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booth_ui.i18n import reason_text
from storehelp import NOW, choices

from ceremonyhelp import format2_body
from kiosk.contract.election import parse_election
from kiosk.contract.minting import mint_tokens
from ceremonyhelp import format2_package
from kiosk.contract.tokens import REFUSAL_TEXT, RefusalReason, Refused
from kiosk.contract.ttabok import ttabok_spec
from kiosk.errors import ValidationError
from kiosk.station.casting import Cast, cast
from kiosk.station.polls import open_polls
from kiosk.station.provisioning import provision
from kiosk.station.station import Station

KEY = "ab" * 32


def body_with(stations_by_style: dict) -> dict:
    body = copy.deepcopy(ttabok_spec(12))
    for style in body["styles"]:
        if style["id"] in stations_by_style:
            style["stations"] = stations_by_style[style["id"]]
    return format2_body(body, KEY)


def test_a_style_without_stations_is_taken_anywhere_and_a_bound_one_only_where_listed():
    election = parse_election(body_with({"C001": ["S-0001", "S-0003"]}))
    assert election.style("C001").stations == frozenset({"S-0001", "S-0003"})
    assert election.style_allowed("C001", "S-0001") and election.style_allowed("C001", "S-0003")
    assert not election.style_allowed("C001", "S-0002")
    assert election.style("C002").stations is None and election.style_allowed("C002", "S-0002")
    assert not election.style_allowed("NOPE", "S-0001")   # an unknown style is allowed nowhere


@pytest.mark.parametrize("stations, text", [
    ([], "styles[0].stations"),
    ("S-0001", "must be a list"),
    (["S-0001", "S-0001"], "names a station twice"),
    (["S-0001\n"], "must be a station id"),
    (["-bad"], "must be a station id"),
    ([7], "must be a station id"),
])
def test_a_bad_station_list_is_refused_naming_its_place(stations, text):
    with pytest.raises(ValidationError) as refused:
        parse_election(body_with({"C001": stations}))
    assert any(text in f"{path}: {problem}" for path, problem in refused.value.problems), refused.value.problems


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=10))
def test_any_stations_value_gives_an_election_or_a_validation_error(value):
    try:
        election = parse_election(body_with({"C001": value}))
    except ValidationError:
        return
    assert isinstance(value, list) and election.style("C001").stations == frozenset(value)
    assert all(election.style_allowed("C001", s) for s in value)


@pytest.fixture(scope="module")
def bound(tmp_path_factory):
    """A package whose style C001 only S-0001 takes and C002 only S-0002; C003 is unbound."""
    directory = tmp_path_factory.mktemp("bound") / "e"
    spec = ttabok_spec(12)
    for style in spec["styles"]:
        style.update({"C001": {"stations": ["S-0001"]}, "C002": {"stations": ["S-0002"]}}.get(style["id"], {}))
    package = format2_package(directory, spec)[0]
    tokens = mint_tokens(package, [("C001", 2), ("C002", 2), ("C003", 2)], "test")
    roll = package.roll()
    roll.freeze(package.authority_key())
    roll.close()
    return directory, package.election, {s: [t.payload for t in tokens if t.style == s] for s in ("C001", "C002", "C003")}


def test_the_kiosk_refuses_a_token_whose_style_is_bound_elsewhere(bound, tmp_path):
    directory, election, tokens = bound
    provision(directory, "S-0001", tmp_path / "s", NOW)
    with Station.open(tmp_path / "s") as station:
        open_polls(station, NOW)
        refused = cast(station, tokens["C002"][0], choices(election, "C002"), NOW + 1)
        assert refused == Refused(RefusalReason.STYLE_NOT_HERE)
        assert isinstance(cast(station, tokens["C001"][0], choices(election, "C001"), NOW + 2), Cast)
        assert isinstance(cast(station, tokens["C003"][0], choices(election, "C003"), NOW + 3), Cast)
        logged = [e.fields() for e in station.store.events(("token_refused",))]
        assert logged == [{"reason": "style_not_here", "time": NOW + 1}]
        assert station.store.ballot_count() == 2
    # the same token is good at its own station: it was refused, not spent
    provision(directory, "S-0002", tmp_path / "s2", NOW)
    with Station.open(tmp_path / "s2") as station:
        open_polls(station, NOW)
        assert isinstance(cast(station, tokens["C002"][0], choices(election, "C002"), NOW + 4), Cast)
        assert cast(station, tokens["C001"][1], choices(election, "C001"), NOW + 5) == Refused(RefusalReason.STYLE_NOT_HERE)


def test_the_voter_reads_why_in_both_languages():
    assert "your own station" in REFUSAL_TEXT[RefusalReason.STYLE_NOT_HERE]
    assert "본인의 투표소" in reason_text("ko", "style_not_here")
    assert "your own station" in reason_text("en", "style_not_here")
