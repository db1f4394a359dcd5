"""The package's electorates and selection rules: parsed strictly, every bad plan refused at init with its place."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from kiosk.contract.election import parse_election
from kiosk.contract.judging_rules import Term, judging_rules
from kiosk.errors import ValidationError
from tests.judginghelp import body_of, judged_spec


def problems(spec) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as e:
        parse_election(body_of(spec))
    return e.value.problems


def test_the_small_judged_election_parses_into_rules():
    rules = judging_rules(parse_election(body_of(judged_spec())))
    assert [e.id for e in rules.electorates] == ["members", "representatives", "experts"]
    assert rules.electorate("experts").signed_scores and rules.electorate("experts").scores_max == 30
    assert rules.electorate("members").styles == {"mA", "mB", "mC", "mD"}
    assert [(p.id, p.cost, p.category) for p in rules.projects][:2] == [("A", 100, "community"), ("B", 200, "community")]
    offline, online = rules.stages
    assert offline.points == (Term("representatives", scale=70), Term("experts", scale=30))
    assert offline.quotas == {"community": 1, "space": 2} and offline.budget == 300 and offline.count is None
    assert online.count == 1 and online.exclude_earlier and online.tie_break == "lot"


def test_the_categories_keep_their_titles():
    """Each category with its id and Korean and English title (the results name it; no page reads the body)."""
    spec = judged_spec()
    spec["selection"]["categories"][0]["title"] = {"ko": "공동체", "en": "community life"}
    rules = judging_rules(parse_election(body_of(spec)))
    assert rules.category_ids == ("community", "space")
    community = rules.category("community")
    assert (community.id, community.title.ko, community.title.en) == ("community", "공동체", "community life")
    assert rules.category("parks") is None and rules.category(None) is None


def test_an_election_without_judging_has_no_rules():
    spec = judged_spec()
    del spec["electorates"], spec["selection"]
    assert judging_rules(parse_election(body_of(spec))) is None


def edit(path_fn):
    spec = judged_spec()
    path_fn(spec)
    return spec


sel = lambda s: s["selection"]  # noqa: E731
stage = lambda s, i=0: s["selection"]["stages"][i]  # noqa: E731


@pytest.mark.parametrize("change, where, words", [
    (lambda s: sel(s)["projects"][0].update(category="parks"), "selection.projects[0].category", "one of the categories"),
    (lambda s: stage(s)["quotas"].update(parks=1), "selection.stages[0].quotas.parks", "not in selection.categories"),
    (lambda s: stage(s)["quotas"].update(space=3), "selection.stages[0].quotas.space", "more than the 2"),
    (lambda s: stage(s).update(budget=40), "selection.stages[0].budget", "less than the cheapest"),
    (lambda s: sel(s).update(budget=10), "selection.budget", "less than the cheapest"),
    (lambda s: stage(s).update(categories=["parks"]), "selection.stages[0].categories[0]", "not in selection.categories"),
    (lambda s: (sel(s)["categories"].append({"id": "parks", "title": {"ko": "p", "en": "p"}}),
                stage(s).update(categories=["parks"])), "selection.stages[0]", "pool is empty"),
    (lambda s: stage(s, 1).update(count=5), "selection.stages[1].count", "more than the 4"),
    (lambda s: stage(s, 1).pop("count"), "selection.stages[1]", "needs a 'budget', a 'count'"),
    (lambda s: stage(s).update(tie_break="coin"), "selection.stages[0].tie_break", "must be one of"),
    (lambda s: sel(s).pop("lot_seed_sha256"), "selection.stages[0].tie_break", "lot_seed_sha256 must commit"),
    (lambda s: sel(s).update(lot_seed_sha256="seed"), "selection.lot_seed_sha256", "SHA-256"),
    (lambda s: stage(s)["points"].append({"electorate": "judges", "scale": 5}), "selection.stages[0].points[2].electorate",
     "not in 'electorates'"),
    (lambda s: stage(s)["points"][0].update(weight=1), "selection.stages[0].points[0]", "exactly one of 'scale'"),
    (lambda s: stage(s)["points"][0].update(scale=0), "selection.stages[0].points[0].scale", "between 1"),
    (lambda s: sel(s)["projects"][1].update(options=["PA"]), "selection.projects[1].options[0]", "already stands for"),
    (lambda s: sel(s)["projects"][1].update(options=["PZ"]), "selection.projects[1].options[0]", "in no contest"),
    (lambda s: sel(s)["projects"][1].update(cost=-1), "selection.projects[1].cost", "between 0"),
    (lambda s: sel(s)["projects"].append(dict(sel(s)["projects"][0])), "selection.projects[4].id", "used twice"),
    (lambda s: s["electorates"][1]["styles"].append("mA"), "electorates[1].styles[4]", "already in electorate 'members'"),
    (lambda s: s["electorates"][1]["styles"].append("zz"), "electorates[1].styles[4]", "does not exist"),
    (lambda s: s["electorates"][2].update(styles=["mA"]), "electorates[2]", "exactly one of 'styles'"),
    (lambda s: s["electorates"][0].update(weight=3), "electorates[0].weight", "not a known field"),
    (lambda s: stage(s).update(pool="all"), "selection.stages[0].pool", "not a known field"),
    (lambda s: stage(s).update(exclude_earlier="yes"), "selection.stages[0].exclude_earlier", "true or false"),
    (lambda s: s["electorates"].append({"id": "nobody", "title": {"ko": "n", "en": "n"}, "styles": ["mA"]}),
     "electorates[3].styles[0]", "already in electorate"),
])
def test_a_bad_plan_is_refused_with_its_place_named(change, where, words):
    found = problems(edit(change))
    assert any(path == where and words in text for path, text in found), found


def test_an_electorate_shown_no_project_cannot_score_a_stage():
    spec = judged_spec()
    spec["contests"].append({"id": "chair", "title": {"ko": "c", "en": "c"}, "rule": "single", "max": 1,
                             "options": [{"id": "kim", "title": {"ko": "k", "en": "k"}}]})
    spec["styles"].append({"id": "owner", "title": {"ko": "o", "en": "o"}, "contests": ["chair"]})
    spec["electorates"].append({"id": "owners", "title": {"ko": "o", "en": "o"}, "styles": ["owner"]})
    stage(spec)["points"].append({"electorate": "owners", "weight": 1})
    assert ("selection.stages[0].points[2].electorate", "electorate 'owners' is shown no option of any project") \
        in problems(spec)


json_values = st.recursive(st.none() | st.booleans() | st.integers(-3, 400) | st.text(max_size=6),
                           lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=3),
                           max_leaves=12)
PLACES = [("electorates",), ("selection",), ("selection", "projects"), ("selection", "stages"),
          ("selection", "categories"), ("selection", "budget"), ("selection", "lot_seed_sha256")]


@settings(max_examples=300, deadline=None)
@given(place=st.sampled_from(PLACES), value=json_values)
def test_any_value_anywhere_in_the_sections_is_parsed_or_refused_never_crashes(place, value):
    spec = judged_spec()
    target = spec
    for key in place[:-1]:
        target = target[key]
    target[place[-1]] = value
    try:
        parse_election(body_of(spec))
    except ValidationError as e:
        assert e.problems
