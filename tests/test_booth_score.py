"""The booth's score screen: large grade buttons per proposal, the review names the grades."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pygame
import pytest

from booth_ui import flow
from booth_ui.render import Renderer
from booth_ui.theme import min_target_px
from kiosk.contract.rules import check_selections
from test_score_rule import E

VOTE = flow.Vote(payload="KT1O", style="C1", selections=(("judges", ()), ("members", ())))


def ballot(vote=VOTE, size=0, lang="ko", hc=False, screen=flow.Screen.BALLOT, per_page=None):
    state = flow.BoothState(screen=screen, polls_open=True, vote=vote, prefs=flow.Prefs(lang, size, hc))
    return replace(state, per_page=per_page) if per_page else state


def choose(state, option, grade, contest="judges"):
    state, _ = flow.on_choose(state, flow.Choose(contest, option, grade), 1.0, E)
    return state


def test_grades_are_set_changed_and_taken_back_then_reviewed_and_cast_as_a_mapping():
    state = ballot()
    for option, grade in (("P4", 3), ("P2", 5), ("P3", 1), ("P2", 4)):
        state = choose(state, option, grade)
    assert state.vote.grade("judges", "P2") == 4
    assert state.vote.as_dict(E) == {"judges": {"P2": 4, "P3": 1, "P4": 3}, "members": {}}
    assert check_selections(E, "C1", state.vote.as_dict(E)) == []
    state = choose(state, "P3", 1)                       # touched again: no grade
    assert state.vote.grade("judges", "P3") == 0
    state, _ = flow.on_review(state, flow.ToReview(), 2.0, E)
    assert state.notice == "too_few"                     # every judge grade is needed (min 1)
    state = choose(choose(state, "P3", 2), "P1", 5)      # the own proposal is never graded
    assert state.vote.grade("judges", "P1") == 0
    assert choose(state, "P2", 9).vote == state.vote     # not a grade of this contest
    state, _ = flow.on_review(state, flow.ToReview(), 2.0, E)
    assert state.screen is flow.Screen.REVIEW


@pytest.fixture(scope="module")
def surface():
    pygame.init()
    return pygame.Surface((800, 480))


@pytest.mark.parametrize("lang, size, hc", list(itertools.product(("ko", "en"), range(4), (False, True))))
def test_every_grade_button_is_large_named_and_apart(surface, lang, size, hc):
    renderer = Renderer(E, "test", surface.get_size())
    if renderer.per_page()[size] == 0:
        return
    state = choose(ballot(size=size, lang=lang, hc=hc, per_page=renderer.per_page()), "P2", 5)
    page = next(i for i, (_, shown) in enumerate(flow.pages(E, "C1", size, renderer.per_page())) if "P2" in shown)
    state = replace(state, vote=replace(state.vote, page=page))
    frame = renderer.draw(surface, state, now=5.0)
    smallest = min_target_px(800)
    grades = [t for t in frame.targets if isinstance(t.event, flow.Choose) and t.event.grade is not None]
    assert grades and all(t.event.grade in E.contest("judges").grades for t in grades)
    for target in frame.targets:
        assert target.rect.width >= smallest and target.rect.height >= smallest, (target.label, target.rect)
        assert surface.get_rect().contains(target.rect), target.label
    for a, b in itertools.combinations(frame.targets, 2):
        assert not a.rect.colliderect(b.rect), (a.label, b.label)
    marked = [t.label for t in grades if t.event.option == "P2" and t.event.grade == 5]
    assert marked and ("선택됨" in marked[0] or "Selected" in marked[0])


def test_the_review_names_each_grade(surface):
    renderer = Renderer(E, "test", surface.get_size())
    state = choose(choose(choose(ballot(lang="en"), "P2", 5), "P3", 1), "P4", 3)
    frame = renderer.draw(surface, replace(state, screen=flow.Screen.REVIEW), now=5.0)
    assert any("Proposal 2 grade 5" in s for s in frame.spoken), frame.spoken
