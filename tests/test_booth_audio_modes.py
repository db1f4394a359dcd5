"""Speech starts with headphones or the audio key, the screen can go blank (audio only), a dual
switch votes with two keys, and the speed and volume steps are within VVSG 2.0 7.1-K, measured
on espeak-ng's real output with sox."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402
import pytest  # noqa: E402

from booth_ui import flow  # noqa: E402
from booth_ui.audio import DEFAULT_RATE, RATES_WPM, VOLUME_DB, Speaker, volume_step, with_gain  # noqa: E402
from booth_ui.booth import HOTPLUG_GRACE_S, KEY_AUDIO, Booth  # noqa: E402
from booth_ui.display import HeadlessScreen  # noqa: E402
from booth_ui.i18n import t  # noqa: E402
from booth_ui.speech import pronounce  # noqa: E402
from kiosk.app.voter import Ears, vote_by_keys, wait_for  # noqa: E402
from tests.test_booth_loop import E, PAYLOAD, RecordingPort  # noqa: E402

SOX = shutil.which("sox")
ESPEAK = shutil.which("espeak-ng")
SIZE = (1024, 768)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def booth():
    made = []

    def make(clock=None):
        ears = Ears()
        b = Booth(E, "test", RecordingPort(), SIZE, polls_open=True, speaker=ears, clock=clock or Clock())
        made.append(b)
        return b, ears, HeadlessScreen(b, SIZE)
    yield make
    for b in made:
        b.close()


def to_ballot(b, screen):
    b.inputs.put(flow.CodeScanned(PAYLOAD))
    wait_for(screen, {flow.Screen.BALLOT})
    screen.frame()


def test_silent_until_the_audio_key_then_the_whole_screen(booth):
    b, ears, screen = booth()
    to_ballot(b, screen)
    b.key(pygame.K_RIGHT)
    screen.frame()
    assert ears.heard == []          # no headphones, no audio key: nothing is said aloud
    b.key(KEY_AUDIO)
    screen.frame()
    assert len(ears.heard) == 1
    assert pronounce(b.last_frame.spoken[0], "ko") in ears.heard[0]
    assert pronounce(t("ko", "audio_keys"), "ko") in ears.heard[0]


def test_headphones_plugged_in_start_speech_and_taken_out_stop_it(booth):
    clock = Clock()
    b, ears, screen = booth(clock)
    to_ballot(b, screen)
    added = pygame.event.Event(pygame.AUDIODEVICEADDED, which=1, iscapture=0)
    screen.frame([added])             # SDL lists the devices it has at start-up: not a plug-in
    assert ears.heard == [] and not b.state.prefs.audio
    clock.now += HOTPLUG_GRACE_S + 1
    screen.frame([pygame.event.Event(pygame.AUDIODEVICEADDED, which=0, iscapture=1)])   # a microphone
    assert not b.state.prefs.audio
    screen.frame([added])
    screen.frame()
    assert b.state.prefs.audio and len(ears.heard) == 1
    screen.frame([pygame.event.Event(pygame.AUDIODEVICEREMOVED, which=1, iscapture=0)])
    b.key(pygame.K_RIGHT)
    screen.frame()
    assert not b.state.prefs.audio and len(ears.heard) == 1


def test_a_blank_screen_for_privacy_keys_still_vote(booth):
    b, ears, screen = booth()
    to_ballot(b, screen)
    b.key(pygame.K_b)                 # no audio: a blank screen would leave the voter with nothing
    screen.frame()
    assert not b.state.prefs.screen_off
    b.key(KEY_AUDIO)
    b.key(pygame.K_b)
    screen.frame()
    assert b.state.prefs.screen_off
    assert ears.heard[-1].startswith(pronounce(t("ko", "audio_screen_off"), "ko"))
    pixels = pygame.surfarray.array3d(screen.surface)
    assert pixels.max() == 0           # nothing at all on the glass
    target = next(x for x in b.last_frame.targets if isinstance(x.event, flow.Choose))
    b.touch(target.rect.center)        # a touch on a blank screen does nothing
    assert b.state.vote.chosen("G01") == ()
    b.key(pygame.K_RIGHT)
    b.key(pygame.K_RETURN)             # the keys still choose
    screen.frame()
    assert b.state.vote.chosen("G01") == (target.event.option,)
    b.key(pygame.K_b)
    screen.frame()
    assert not b.state.prefs.screen_off and pygame.surfarray.array3d(screen.surface).max() > 0


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_dual_switch_voter_votes_with_two_keys(booth, language):
    b, ears, screen = booth()
    contest = E.contest(E.style("C005").contests[0])
    names = [contest.option(o).title.in_language(language) for o in ("P002", "P009")]
    outcome, presses = vote_by_keys(screen, lambda: b.inputs.put(flow.CodeScanned(PAYLOAD)), ears, names, language,
                                    switch=True)
    assert outcome.cast, outcome
    assert b.port.cast_calls == [("C005", {"G01": ["P002", "P009"]}, "ab" * 16)]
    switches = pronounce(t(language, "audio_switches"), language)
    assert any(switches in line for line in ears.heard)   # the two switches are explained, not the arrows
    assert presses < 200, presses


def test_every_setting_is_a_stop_for_a_switch_user(booth):
    b, ears, screen = booth()
    to_ballot(b, screen)
    b.key(pygame.K_1)                  # the first press of a switch: speech and two-key mode
    screen.frame()
    assert b.state.prefs.two_key and b.state.prefs.audio
    louder = pronounce(t("ko", "audio_stop_louder"), "ko")
    for _ in range(len(b.stops())):
        b.key(pygame.K_1)
        screen.frame()
        if ears.heard[-1] == louder:
            break
    before = ears.volume_index
    b.key(pygame.K_2)
    screen.frame()
    assert ears.volume_index == before + 1
    assert ears.heard[-1] == pronounce(t("ko", "audio_volume", step=before + 2, steps=len(VOLUME_DB)), "ko")


def test_the_next_voter_starts_silent_at_the_default_speed(booth):
    b, ears, screen = booth()
    to_ballot(b, screen)
    b.key(KEY_AUDIO)
    b.key(pygame.K_RIGHTBRACKET)
    assert ears.rate_index == DEFAULT_RATE + 1
    b.handle(flow.StillHere())
    b.handle(flow.DeviceProblem("disk_full"))     # the booth starts afresh: this voter is gone
    screen.frame()
    assert not b.state.prefs.audio and ears.rate_index == DEFAULT_RATE


def test_volume_percent_maps_to_a_step():
    assert VOLUME_DB[volume_step(100)] == 0 and VOLUME_DB[volume_step(25)] == -12 and VOLUME_DB[volume_step(0)] == -54
    assert all(b - a <= 10 for a, b in zip(VOLUME_DB, VOLUME_DB[1:]))   # VVSG: at most 10 dB a step
    assert VOLUME_DB[-1] - VOLUME_DB[0] >= 50


def sox_stat(path) -> dict[str, float]:
    out = subprocess.run([SOX, str(path), "-n", "stat"], capture_output=True, text=True, check=True).stderr
    return {m.group(1).strip(): float(m.group(2)) for m in re.finditer(r"^([A-Za-z ()]+):\s+(-?[\d.]+)", out, re.M)}


@pytest.mark.skipif(SOX is None or ESPEAK is None, reason="sox and espeak-ng are installed by make")
def test_speed_steps_span_75_to_200_percent_measured_with_sox(tmp_path):
    speaker = Speaker(enabled=True)
    speaker.available = True   # synthesis needs no sound card
    text = "Please check your choices. Your tracking code is A B C D, 1 2 3 4."
    seconds = {}
    for index in (0, DEFAULT_RATE, len(RATES_WPM) - 1):
        speaker.rate_index = index
        path = tmp_path / f"{index}.wav"
        path.write_bytes(speaker.synthesize(text, "en"))
        seconds[index] = sox_stat(path)["Length (seconds)"]
    assert RATES_WPM[0] / RATES_WPM[DEFAULT_RATE] == 0.75 and RATES_WPM[-1] / RATES_WPM[DEFAULT_RATE] == 2.0
    # the spoken length follows the rate (pauses do not scale exactly: within 20 %)
    assert seconds[0] / seconds[DEFAULT_RATE] == pytest.approx(1 / 0.75, rel=0.2)
    assert seconds[len(RATES_WPM) - 1] / seconds[DEFAULT_RATE] == pytest.approx(1 / 2.0, rel=0.2)


@pytest.mark.skipif(SOX is None or ESPEAK is None, reason="sox and espeak-ng are installed by make")
def test_each_volume_step_is_6_db_measured_with_sox(tmp_path):
    speaker = Speaker(enabled=True)
    speaker.available = True
    wav = speaker.synthesize("투표권을 카메라에 보여 주세요", "ko")
    rms = {}
    for db in (0, -6, -12, -54):
        path = tmp_path / f"{-db}.wav"
        path.write_bytes(with_gain(wav, db))
        rms[db] = sox_stat(path)["RMS     amplitude"]
    for db in (-6, -12, -54):
        assert 20 * math.log10(rms[db] / rms[0]) == pytest.approx(db, abs=0.3 if db > -40 else 1.5)
