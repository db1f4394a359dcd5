"""The audio ballot: what the booth says is espeak-ng's WAV of the expected words, a blind voter
votes with the keypad alone in Korean and English, and the spoken text is never logged."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402
import pytest  # noqa: E402

from booth_ui import flow  # noqa: E402
from booth_ui.audio import RATES_WPM, Speaker  # noqa: E402
from booth_ui.booth import Booth  # noqa: E402
from booth_ui.display import HeadlessScreen  # noqa: E402
from booth_ui.speech import pronounce  # noqa: E402
from kiosk.app.voter import Ears, vote_by_keys, vote  # noqa: E402
from tests.test_booth_loop import E, PAYLOAD, RecordingPort  # noqa: E402

ESPEAK = shutil.which("espeak-ng")


@pytest.mark.parametrize("language, text, said", [
    ("ko", "2개 선택 / 최대 6개", "2개 선택, 최대 6개"),
    ("ko", "1 / 3 쪽", "3쪽 중 1쪽"),
    ("en", "page 1 of 3. Right arrow", "page 1 of 3. Right arrow"),
    ("en", "Thank you.. Tracking", "Thank you. Tracking"),
    ("en", "Next ▶", "Next"),
    ("en", "A+", "larger text"),
    ("ko", "가-", "글자 작게"),
    ("en", "Your tracking code: ABCD-1234", "Your tracking code: A B C D, 1 2 3 4"),
    ("ko", "추적 코드 ABCD-1234", "추적 코드 A B C D, 일 이 삼 사"),
])
def test_symbols_grades_and_codes_become_words(language, text, said):
    assert pronounce(text, language) == said


@pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed (make installs it)")
@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_spoken_ballot_is_espeaks_wav_of_the_expected_words(language, tmp_path):
    """The booth's first words on the ballot, made into WAV, equal espeak-ng's WAV of those words."""
    ears = Ears()
    booth = Booth(E, "test", RecordingPort(), (1024, 768), polls_open=True, speaker=ears)
    screen = HeadlessScreen(booth, (1024, 768))
    try:
        booth.state = flow.replace(booth.state, prefs=flow.Prefs(language))
        booth.inputs.put(flow.StartAudio())   # headphones plugged in
        booth.inputs.put(flow.CodeScanned(PAYLOAD))
        for _ in range(100):
            screen.frame()
            if booth.state.screen is flow.Screen.BALLOT and booth.idle():
                break
        screen.frame()
        text = ears.heard[-1]
        contest = E.contest(E.style("C005").contests[0]).title.in_language(language)
        assert contest in text and pronounce(booth.renderer.draw(pygame.Surface((1024, 768)), booth.state, 0).spoken[0],
                                             language) in text
        assert ("Enter" in text) if language == "en" else ("확인 키" in text)  # the keys are explained
        speaker = Speaker(enabled=True)
        speaker.available = True   # synthesis needs no sound card
        wav = speaker.synthesize(text, language)
        expected = subprocess.run([ESPEAK, "--stdout", "-v", {"ko": "ko", "en": "en-us"}[language],
                                   "-s", str(RATES_WPM[speaker.rate_index]), pronounce(text, language)],
                                  capture_output=True, check=True).stdout
        assert wav[:4] == b"RIFF" and wav == expected
        seconds = (len(wav) - 44) / (22050 * 2)   # espeak-ng: 22.05 kHz, 16-bit mono
        assert seconds > 3.0
        assert list(tmp_path.iterdir()) == []
    finally:
        booth.close()


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_blind_voter_votes_with_the_keypad_alone(language, caplog):
    caplog.set_level(logging.DEBUG)
    port = RecordingPort()
    ears = Ears()
    booth = Booth(E, "test", port, (1024, 768), polls_open=True, speaker=ears)
    screen = HeadlessScreen(booth, (1024, 768))
    contest = E.contest(E.style("C005").contests[0])
    names = [contest.option(o).title.in_language(language) for o in ("P002", "P009")]
    try:
        outcome, presses = vote_by_keys(screen, lambda: booth.inputs.put(flow.CodeScanned(PAYLOAD)), ears, names,
                                        language)
        assert outcome.cast, outcome
        assert port.cast_calls == [("C005", {"G01": ["P002", "P009"]}, "ab" * 16)]
        assert any(h.startswith(pronounce(names[0], language) + ".") and h.endswith(
            "Selected" if language == "en" else "선택됨") for h in ears.heard)   # told it was selected
        assert presses < 120, presses
        spoken = " ".join(ears.heard)
        for name in names:
            assert name not in caplog.text
        assert spoken and not any(line in caplog.text for line in ears.heard if len(line) > 8)
    finally:
        booth.close()


def test_touch_voter_still_votes_on_the_same_booth():
    port = RecordingPort()
    booth = Booth(E, "test", port, (1024, 768), polls_open=True, speaker=Ears())
    screen = HeadlessScreen(booth, (1024, 768))
    try:
        outcome = vote(screen, lambda: booth.inputs.put(flow.CodeScanned(PAYLOAD)), ["P002", "P009"])
        assert outcome.cast and port.cast_calls == [("C005", {"G01": ["P002", "P009"]}, "ab" * 16)]
    finally:
        booth.close()
