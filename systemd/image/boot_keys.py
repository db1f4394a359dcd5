"""``make image-boot``, the key plan: the keys that cast one ballot, found by the real booth on the host."""

from __future__ import annotations

import os
import time
from pathlib import Path


def key_plan(station_dir: Path, style: str) -> list[str]:
    """The keys a voter presses to cast one ballot with one like (the first option the voter may
    like), planned by the real booth.

    The booth runs here headless on the same election (the demo's) with a port that accepts,
    prints and casts; on each screen the target wanted is reached with Tab and pressed with
    Enter, and the keys are recorded. The guest runs the same code, so the same keys cast there.
    """
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    from booth_ui import flow
    from booth_ui.booth import KEY_SELECT, KEY_TAB, Booth
    from booth_ui.display import HeadlessScreen
    from kiosk.app.booth import SCREEN_SIZE
    from kiosk.station.station import Station

    class Port:
        def check_token(self, payload):
            return flow.TokenAccepted(style)

        def prepare_encryption(self, payload, style, selections):
            return None   # the plan needs only the screens; the guest's booth encrypts for real

        def print_paper_record(self, payload, style, selections, language, large=False):
            return flow.PrintDone("0" * 32)

        def cast(self, payload, style, selections, ballot_id):
            return flow.CastDone("ABCD-1234")

    with Station.open(station_dir) as station:
        booth = Booth(station.election, station.mode, Port(), SCREEN_SIZE, polls_open=True)
        excluded = station.election.style(style).exclude
    screen = HeadlessScreen(booth, SCREEN_SIZE)
    booth.inputs.put(flow.CodeScanned("x"))
    keys: list[str] = []

    def settle(predicate) -> list:
        for _ in range(300):
            screen.frame()
            if booth.idle() and any(predicate(t.event) or isinstance(t.event, flow.NextPage)
                                    for t in booth.last_frame.targets):
                break
            time.sleep(0.01)
        return booth.last_frame.targets

    def press(predicate, busy: bool = False) -> None:
        targets = settle(predicate)
        index = next(i for i, t in enumerate(targets) if predicate(t.event))
        tabs = index + 1 if booth.focus is None else (index - booth.focus) % len(targets)
        for _ in range(tabs):
            booth.key(KEY_TAB)
            keys.append("tab")
        booth.key(KEY_SELECT)
        # printing and casting show a busy screen first: the host waits for the one after it too
        keys.extend(["enter", "wait-busy" if busy else "wait"])

    # the first option this voter may like: the style's excluded ones (the voter's own community's
    # proposal) are targets too, but the booth only says why they cannot be chosen
    def likeable(e) -> bool:
        return isinstance(e, flow.Choose) and e.option not in excluded

    for predicate, busy in ((likeable, False), (lambda e: isinstance(e, flow.ToReview), False),
                            (lambda e: isinstance(e, flow.Confirm), True), (lambda e: isinstance(e, flow.CastOnPaper), True)):
        while not any(predicate(t.event) for t in settle(predicate)):
            press(lambda e: isinstance(e, flow.NextPage))     # the review button is on the last page
        press(predicate, busy)
        if predicate is likeable and not any(chosen for _, chosen in booth.state.vote.selections):
            raise RuntimeError("the planned like was not taken: the plan would cast a blank ballot")
    for _ in range(300):
        screen.frame()
        if booth.state.screen is flow.Screen.CAST_DONE:
            break
        time.sleep(0.01)
    if booth.state.screen is not flow.Screen.CAST_DONE:
        raise RuntimeError(f"the planned keys end on {booth.state.screen.value}, not the cast receipt")
    booth.close()
    return keys
