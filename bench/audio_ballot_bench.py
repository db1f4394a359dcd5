"""A blind voter (keys only, the screen never looked at) against a touch voter, on the same booth
and ballot (issue 16): key presses and the seconds of speech heard to cast, as ratios to the
touches, for a Ttabok ballot (2 likes among 24) and a two-contest ballot (Maple Court: a chair
and 2 projects), in Korean and English, by keypad and by dual switch. Every line spoken is
checked against the screen it was said on (a target's label, the screen's own words, or a
setting's answer); a line that belongs to no screen is counted as unmatched.

    .venv/bin/python bench/audio_ballot_bench.py

Spoken seconds are espeak-ng's real output at the default rate (160 words a minute), each line
in full: an upper bound, since a voter who knows the booth moves on before a stop ends.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from booth_ui import flow  # noqa: E402
from booth_ui.audio import Speaker  # noqa: E402
from booth_ui.booth import SWITCH_STOPS, Booth  # noqa: E402
from booth_ui.display import HeadlessScreen  # noqa: E402
from booth_ui.i18n import t  # noqa: E402
from kiosk.app.voter import Ears, vote, vote_by_keys  # noqa: E402
from ceremonyhelp import format2_election  # noqa: E402
from kiosk.contract.spec import read_spec  # noqa: E402
from kiosk.contract.ttabok import ttabok_spec  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SIZE = (1024, 768)


def elections() -> dict:
    """The two ballots: (election, style, option ids to choose)."""
    ttabok = format2_election(ttabok_spec(24))
    maple = format2_election(read_spec(ROOT / "docs" / "examples" / "first-election.toml"))
    return {"ttabok": (ttabok, "C005", ["P002", "P009"]), "two-contest": (maple, "bldg-a", ["lee", "roof", "bikes"])}


class Port:
    def __init__(self, style: str) -> None:
        self.style, self.cast_calls = style, []

    def check_token(self, payload):
        return flow.TokenAccepted(self.style)

    def print_paper_record(self, payload, style, selections, language, large=False):
        return flow.PrintDone("ab" * 16)

    def print_spoiled(self, ballot_id):
        pass

    def cast(self, payload, style, selections, ballot_id):
        self.cast_calls.append(selections)
        return flow.CastDone("TRAK-1234")


class CheckedEars(Ears):
    """Ears that check each line against the screen the booth is showing when it is said."""

    def __init__(self) -> None:
        super().__init__()
        self.booth: Booth | None = None
        self.unmatched: list[str] = []

    def say(self, text: str, language: str) -> None:
        super().say(text, language)
        frame = self.booth.last_frame
        allowed = {target.label for target in frame.targets}
        allowed |= {t(language, f"audio_stop_{stop}") for stop in SWITCH_STOPS}
        screen_words = ". ".join(frame.spoken)
        setting = text.startswith((t(language, "audio_volume", step="", steps="")[:3],
                                   t(language, "audio_rate", step="", steps="")[:3]))
        if not (text in allowed or (screen_words and screen_words in text) or setting):
            self.unmatched.append(text)


def spoken_seconds(lines: list[str], language: str, cache: dict) -> float:
    speaker = Speaker(enabled=True)
    speaker.available = True   # synthesis needs no sound card
    total = 0.0
    for line in lines:
        if (line, language) not in cache:
            wav = speaker.synthesize(line, language)   # pronounce() again is idempotent on spoken words
            cache[line, language] = max(0, len(wav) - 44) / (22050 * 2)
        total += cache[line, language]
    return total


def run(name: str, language: str, switch: bool, cache: dict) -> dict:
    election, style, likes = elections()[name]
    ears = CheckedEars()
    booth = Booth(election, "test", Port(style), SIZE, polls_open=True, speaker=ears)
    ears.booth = booth
    screen = HeadlessScreen(booth, SIZE)
    names = [election.contest(c).option(o).title.in_language(language)
             for c in election.style(style).contests for o in likes if election.contest(c).option(o)]
    try:
        outcome, presses = vote_by_keys(screen, lambda: booth.inputs.put(flow.CodeScanned("x")), ears, names,
                                        language, switch=switch)
        assert outcome.cast, outcome
        cast_by_keys = booth.port.cast_calls[-1]
    finally:
        booth.close()
    touch_booth = Booth(election, "test", Port(style), SIZE, polls_open=True)
    touch_screen = HeadlessScreen(touch_booth, SIZE)
    touches = []
    original = touch_screen.touch
    touch_screen.touch = lambda predicate: touches.append(1) or original(predicate)
    try:
        outcome = vote(touch_screen, lambda: touch_booth.inputs.put(flow.CodeScanned("x")), likes)
        assert outcome.cast and touch_booth.port.cast_calls[-1] == cast_by_keys, (outcome, cast_by_keys)
    finally:
        touch_booth.close()
    touches = len(touches) - 1   # the last touch dismisses the receipt, after the cast
    return {"presses": presses, "touches": touches, "lines": len(ears.heard), "unmatched": ears.unmatched,
            "seconds": spoken_seconds(ears.heard, language, cache)}


def main() -> int:
    cache: dict = {}
    print(f"{'ballot':<12} {'lang':<4} {'by':<7} {'presses':>7} {'touches':>7} {'ratio':>6} {'lines':>6} "
          f"{'unmatched':>9} {'speech s':>9} {'s/touch':>8}")
    for name in ("ttabok", "two-contest"):
        for language in ("ko", "en"):
            for switch in (False, True):
                row = run(name, language, switch, cache)
                print(f"{name:<12} {language:<4} {'switch' if switch else 'keypad':<7} {row['presses']:>7} "
                      f"{row['touches']:>7} {row['presses'] / row['touches']:>6.1f} {row['lines']:>6} "
                      f"{len(row['unmatched']):>9} {row['seconds']:>9.0f} {row['seconds'] / row['touches']:>8.1f}")
                for line in row["unmatched"][:3]:
                    print(f"   unmatched: {line[:90]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
