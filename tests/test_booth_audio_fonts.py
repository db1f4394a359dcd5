"""Audio prompts through espeak-ng (in memory, never on disk) and the Hangul font check."""

from __future__ import annotations

import shutil

import pytest

from booth_ui.audio import RATES_WPM, VOLUME_DB, Speaker
from kiosk import fonts
from kiosk.fonts import FontMissing, hangul_font


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (make installs it)")
@pytest.mark.parametrize("language, text", [("ko", "투표권을 카메라에 보여 주세요"), ("en", "Show your token")])
def test_prompts_are_spoken_into_memory(language, text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    speaker = Speaker(enabled=True)
    speaker.available = True  # synthesis needs no audio device
    wav = speaker.synthesize(text, language)
    assert wav[:4] == b"RIFF" and len(wav) > 1000
    assert list(tmp_path.iterdir()) == []  # nothing written to disk


def test_speed_and_volume_stay_in_range():
    speaker = Speaker(enabled=False)
    for _ in range(12):
        speaker.faster(1)
        speaker.louder(1)
    assert speaker.rate_index == len(RATES_WPM) - 1 and speaker.volume_index == len(VOLUME_DB) - 1
    for _ in range(12):
        speaker.faster(-1)
        speaker.louder(-1)
    assert speaker.rate_index == 0 and speaker.volume_index == 0
    speaker.reset()   # the next voter starts at the defaults, not at the last voter's settings
    assert RATES_WPM[speaker.rate_index] == 160 and VOLUME_DB[speaker.volume_index] == -12


def test_missing_hangul_font_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "FONT_DIRS", (str(tmp_path),))
    monkeypatch.delenv("KIOSK_FONT_DIR", raising=False)
    with pytest.raises(FontMissing) as e:
        hangul_font()
    assert "fonts-nanum" in e.value.hint


def test_installed_font_has_hangul():
    import pygame

    pygame.font.init()
    font = pygame.font.Font(str(hangul_font()), 24)
    # a font without Hangul draws every syllable as the same box: distinct glyphs prove real shapes
    shapes = {pygame.image.tobytes(font.render(ch, True, (0, 0, 0), (255, 255, 255)), "RGB") for ch in "가나다투표"}
    assert len(shapes) == 5
