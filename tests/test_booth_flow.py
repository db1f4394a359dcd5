"""The voter's flow: every (screen, event) pair, and the rules a voter relies on."""

from __future__ import annotations

from dataclasses import replace

import pytest

from booth_ui import flow as f
from ceremonyhelp import format2_election
from kiosk.contract.ttabok import ttabok_spec

KEY = "ab" * 32


def election(paper=True):
    return format2_election(dict(ttabok_spec(24), paper_record=paper), KEY)


E = election()
E_NO_PAPER = election(paper=False)
PAYLOAD = "KT1OAAAAAAAAABCDEFGHIJKLMNOPQRSTUVWXYZ"

SAMPLE_EVENTS = [
    f.CodeScanned(PAYLOAD), f.TokenAccepted("C001"), f.TokenRefused("already_used"), f.Choose("G01", "P002"),
    f.NextPage(), f.PrevPage(), f.ToReview(), f.BackToBallot(), f.Confirm(), f.PrintDone("b" * 32),
    f.PrintFailed("printer_out_of_paper"), f.CastOnPaper(), f.Spoil(), f.CastDone("ABCD-EFGH"),
    f.CastFailed("disk_full"), f.Dismiss(), f.StillHere(), f.Tick(), f.DeviceProblem("camera_lost"),
    f.DeviceOk("camera_lost"), f.PollsChanged(True), f.PollsChanged(False), f.SetLanguage("en"),
    f.TextSize(1), f.ToggleContrast(), f.TwoCodes(), f.CardScanned("KC1:{}"), f.PinDigit("7"), f.PinErase(),
    f.PinSubmit(), f.Unlocked("poll-worker", ("pause", "close")), f.UnlockRefused("wrong_pin", 0, 4),
    f.UnlockRefused("expired"), f.MenuAction("pause"), f.MenuAction("open"),
    f.StepResult("step_done", ("resume",), False), f.Lock(), f.MenuAction("close"), f.ConfirmAction(),
    f.CancelAction(),
]


def state_in(screen: f.Screen) -> f.BoothState:
    vote = f.Vote(payload=PAYLOAD, style="C001", selections=(("G01", ("P002",)),), ballot_id="b" * 32)
    base = f.BoothState(screen=screen, polls_open=True, last_activity=100.0)
    if screen in f.VOTING | {f.Screen.PRINTING, f.Screen.CASTING}:
        base = replace(base, vote=vote)
    if screen == f.Screen.CHECKING:
        base = replace(base, pending_payload=PAYLOAD)
    if screen == f.Screen.POLLS_CLOSED:
        base = replace(base, polls_open=False)
    if screen == f.Screen.OUT_OF_SERVICE:
        base = replace(base, problems=frozenset({"camera_lost"}), message="camera_lost")
    if screen in f.WORKER:
        base = replace(base, pending_payload="KC1:{}", pin="12", role="poll-worker", actions=("pause", "close"))
    if screen == f.Screen.WORKER_CONFIRM:
        base = replace(base, pending_action="close")
    return base


PAIRS = [(s, e) for s in f.Screen for e in SAMPLE_EVENTS]


@pytest.mark.parametrize("screen, event", PAIRS, ids=[f"{s.value}-{type(e).__name__}-{i}" for i, (s, e) in enumerate(PAIRS)])
def test_every_screen_event_pair(screen, event):
    state = state_in(screen)
    new, effects = f.step(state, event, 101.0, E)
    assert isinstance(new, f.BoothState) and isinstance(effects, list)
    handled = (screen, type(event)) in f.TRANSITIONS or type(event) in f.EVERYWHERE
    if not handled:
        assert (new, effects) == (state, [])
    if new.screen not in f.VOTING | {f.Screen.PRINTING, f.Screen.CASTING}:
        assert new.vote is None, "a ballot in progress outside the voting screens"
    if new.screen not in f.WORKER:
        assert new.role is None and new.pin == "" and new.actions == (), "a poll worker's session outlived the menu"
    for effect in effects:
        if isinstance(effect, f.TakeStep):
            assert effect.action in state.actions, "a step the menu did not offer"
    if not new.polls_open:
        assert new.screen not in {f.Screen.ATTRACT, f.Screen.BALLOT} or screen in f.VOTING


def go(state, *events, election=E, now=101.0):
    effects = []
    for event in events:
        state, fx = f.step(state, event, now, election)
        effects += fx
    return state, effects


def ballot_state():
    state, fx = go(state_in(f.Screen.ATTRACT), f.CodeScanned(PAYLOAD))
    assert fx == [f.CheckToken(PAYLOAD)] and state.screen == f.Screen.CHECKING
    state, _ = go(state, f.TokenAccepted("C001"))
    assert state.screen == f.Screen.BALLOT and state.vote.style == "C001"
    return state


def test_seventh_like_is_refused_with_a_notice():
    state = ballot_state()
    for option in ("P002", "P003", "P004", "P005", "P006", "P007"):
        state, _ = go(state, f.Choose("G01", option))
    assert len(state.vote.chosen("G01")) == 6
    state, _ = go(state, f.Choose("G01", "P008"))
    assert state.notice == "max_reached" and len(state.vote.chosen("G01")) == 6
    state, _ = go(state, f.Choose("G01", "P002"))  # untick one, then another fits
    state, _ = go(state, f.Choose("G01", "P008"))
    assert "P008" in state.vote.chosen("G01") and state.notice is None


def test_own_community_cannot_be_liked():
    state, _ = go(ballot_state(), f.Choose("G01", "P001"))
    assert state.notice == "excluded" and state.vote.chosen("G01") == ()


def test_single_choice_tap_replaces():
    import tomllib
    from pathlib import Path

    spec = tomllib.loads((Path(__file__).resolve().parent.parent / "docs/examples/apartment.toml").read_text())
    apt = format2_election(dict(spec, nodes=[]), KEY)
    state = f.BoothState(screen=f.Screen.CHECKING, polls_open=True, pending_payload=PAYLOAD)
    state, _ = go(state, f.TokenAccepted("owner"), f.Choose("chair", "kim"), f.Choose("chair", "park"), election=apt)
    assert state.vote.chosen("chair") == ("park",)


def test_paging():
    state = ballot_state()
    assert len(f.pages(E, "C001")) == 2
    state, _ = go(state, f.NextPage())
    assert state.vote.page == 1
    state, _ = go(state, f.NextPage())
    assert state.vote.page == 1
    state, _ = go(state, f.PrevPage(), f.PrevPage())
    assert state.vote.page == 0


def test_paper_record_path_cast_and_spoil():
    state, _ = go(ballot_state(), f.Choose("G01", "P003"), f.ToReview())
    assert state.screen == f.Screen.REVIEW
    state, fx = go(state, f.Confirm())
    assert state.screen == f.Screen.PRINTING and fx == [f.PrintPaperRecord(PAYLOAD, "C001", {"G01": ["P003"]}, "ko")]
    state, _ = go(state, f.PrintDone("1" * 32))
    assert state.screen == f.Screen.PAPER_CHECK
    state, fx = go(state, f.Spoil())
    assert state.screen == f.Screen.BALLOT and f.PrintSpoiled("1" * 32) in fx and state.notice == "spoiled"
    assert state.vote.chosen("G01") == ("P003",)  # the voter corrects rather than starts blind
    state, _ = go(state, f.ToReview(), f.Confirm(), f.PrintDone("2" * 32))
    state, fx = go(state, f.CastOnPaper())
    assert fx == [f.CastBallot(PAYLOAD, "C001", {"G01": ["P003"]}, "2" * 32)]
    state, _ = go(state, f.CastDone("WXYZ-1234"))
    assert state.screen == f.Screen.CAST_DONE and state.vote is None and state.tracking_code == "WXYZ-1234"


def test_no_paper_record_casts_directly():
    state = f.BoothState(screen=f.Screen.CHECKING, polls_open=True, pending_payload=PAYLOAD)
    state, _ = go(state, f.TokenAccepted("C001"), f.ToReview(), election=E_NO_PAPER)
    state, fx = go(state, f.Confirm(), election=E_NO_PAPER)
    assert state.screen == f.Screen.CASTING and fx == [f.CastBallot(PAYLOAD, "C001", {"G01": []}, None)]


def test_printer_failure_keeps_the_voter_on_review_and_records_nothing():
    state, _ = go(ballot_state(), f.ToReview(), f.Confirm())
    state, fx = go(state, f.PrintFailed("printer_out_of_paper"))
    assert state.screen == f.Screen.REVIEW and state.notice == "printer_out_of_paper"
    assert not any(isinstance(x, f.CastBallot) for x in fx)


def test_inactivity_warning_then_reset_with_nothing_kept():
    state, _ = go(ballot_state(), f.Choose("G01", "P004"))
    state, _ = go(state, f.Tick(), now=101.0 + f.INACTIVITY_S)
    assert state.warning_since is not None and state.screen == f.Screen.BALLOT
    state, _ = go(state, f.StillHere(), now=110.0 + f.INACTIVITY_S)
    assert state.warning_since is None and state.vote.chosen("G01") == ("P004",)
    state, _ = go(state, f.Tick(), now=200.0 + 2 * f.INACTIVITY_S)
    state, _ = go(state, f.Tick(), now=200.0 + 2 * f.INACTIVITY_S + f.WARNING_S)
    assert state.screen == f.Screen.ATTRACT and state.vote is None and PAYLOAD not in repr(state)


def test_camera_lost_lets_the_voter_finish_then_out_of_service():
    state, _ = go(ballot_state(), f.DeviceProblem("camera_lost"))
    assert state.screen == f.Screen.BALLOT
    state, _ = go(state, f.ToReview(), f.Confirm(), f.PrintDone("3" * 32), f.CastOnPaper(), f.CastDone("X"))
    state, _ = go(state, f.Tick(), now=500.0)
    assert state.screen == f.Screen.OUT_OF_SERVICE and state.message == "camera_lost"
    state, _ = go(state, f.DeviceOk("camera_lost"))
    assert state.screen == f.Screen.ATTRACT


def test_a_refusal_stays_until_touched_not_timed_away():
    state, _ = go(state_in(f.Screen.ATTRACT), f.CodeScanned(PAYLOAD), f.TokenRefused("already_used"))
    assert state.screen == f.Screen.REFUSED and state.message == "already_used"
    state, _ = go(state, f.Tick(), now=101.0 + 3600)   # an hour later a poll worker still reads why
    assert state.screen == f.Screen.REFUSED and state.message == "already_used"
    state, _ = go(state, f.Dismiss(), now=3702.0)
    assert state.screen == f.Screen.ATTRACT and state.message is None


def test_a_refusal_is_acknowledged_by_a_poll_workers_card_or_a_next_token():
    state, _ = go(state_in(f.Screen.ATTRACT), f.CodeScanned(PAYLOAD), f.TokenRefused("already_used"))
    after_card, _ = go(state, f.CardScanned("KC1:x"))
    assert after_card.screen == f.Screen.WORKER_PIN
    after_token, effects = go(state, f.CodeScanned(PAYLOAD))
    assert after_token.screen == f.Screen.CHECKING and effects == [f.CheckToken(PAYLOAD)]


def test_a_refused_card_is_refused_as_a_card_and_a_token_after_it_as_a_token():
    state, _ = go(state_in(f.Screen.ATTRACT), f.CardScanned("KC1:x"), f.PinDigit("1"), f.PinSubmit(),
                  f.UnlockRefused("expired"))
    assert state.screen == f.Screen.REFUSED and state.refused_card and state.message == "expired"
    state, _ = go(state, f.CodeScanned(PAYLOAD), f.TokenRefused("already_used"))
    assert state.screen == f.Screen.REFUSED and not state.refused_card


def test_polls_closing_sends_attract_to_closed_but_not_a_voter_mid_ballot():
    state, _ = go(state_in(f.Screen.ATTRACT), f.PollsChanged(False))
    assert state.screen == f.Screen.POLLS_CLOSED
    state, _ = go(state, f.PollsChanged(True))
    assert state.screen == f.Screen.ATTRACT


def test_prefs_and_reset():
    state, _ = go(ballot_state(), f.SetLanguage("en"), f.TextSize(5), f.ToggleContrast())
    assert state.prefs == f.Prefs("en", f.TEXT_SIZES - 1, True)
    state, _ = go(state, f.TextSize(-9))
    assert state.prefs.text_size == 0
    state, _ = go(state, f.ToReview(), f.Confirm(), f.PrintDone("4" * 32), f.CastOnPaper(), f.CastDone("X"))
    state, _ = go(state, f.Dismiss())
    assert state.prefs == f.Prefs()  # the next voter starts from the defaults


def test_pin_pad_to_menu_and_lock():
    state, fx = go(state_in(f.Screen.ATTRACT), f.CardScanned("KC1:card"))
    assert state.screen == f.Screen.WORKER_PIN
    state, _ = go(state, f.PinDigit("2"), f.PinDigit("0"), f.PinDigit("1"), f.PinDigit("8"), f.PinErase(), f.PinDigit("7"))
    state, fx = go(state, f.PinSubmit())
    assert fx == [f.Unlock("KC1:card", "2017")] and state.pin == "" and state.screen == f.Screen.WORKER_BUSY
    state, _ = go(state, f.Unlocked("poll-worker", ("pause", "close")))
    state, fx = go(state, f.MenuAction("close"))
    assert fx == [f.Announce()] and state.screen == f.Screen.WORKER_CONFIRM  # a final step asks first
    state, fx = go(state, f.CancelAction())
    assert state.screen == f.Screen.WORKER_MENU and fx == [f.Announce()] and state.pending_action is None
    state, fx = go(state, f.MenuAction("close"), f.ConfirmAction())
    assert fx == [f.Announce(), f.TakeStep("close", "ko")]
    state, _ = go(state, f.StepResult("step_done", (), False))
    assert state.screen == f.Screen.WORKER_MENU and not state.polls_open and state.polls_final
    state, _ = go(state, f.Tick(), now=101.0 + f.MENU_IDLE_S)
    assert state.screen == f.Screen.POLLS_CLOSED and state.role is None and state.polls_final


def test_pause_takes_one_touch_and_is_not_final():
    state = replace(state_in(f.Screen.WORKER_MENU), pending_payload=None)
    state, fx = go(state, f.MenuAction("pause"))
    assert fx == [f.TakeStep("pause", "ko")]
    state, _ = go(state, f.StepResult("step_done", ("resume", "close"), False))
    assert not state.polls_final


def test_the_confirmation_screen_locks_like_the_menu():
    state = state_in(f.Screen.WORKER_CONFIRM)
    state, _ = go(state, f.Tick(), now=101.0 + f.MENU_IDLE_S)
    assert state.screen == f.Screen.ATTRACT and state.pending_action is None and state.role is None


def test_a_store_failure_at_cast_puts_the_booth_out_of_service():
    state, _ = go(ballot_state(), f.ToReview(), f.Confirm(), f.PrintDone("5" * 32), f.CastOnPaper())
    state, _ = go(state, f.CastFailed("disk_full"))
    assert state.screen == f.Screen.OUT_OF_SERVICE and state.message == "disk_full"
