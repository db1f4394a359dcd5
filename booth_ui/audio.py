"""Audio prompts: espeak-ng speaks the screen in Korean or English through pygame's mixer.

Speech is made in memory (``espeak-ng --stdout``), never written to a file: what is read
aloud may be the voter's own choices. Volume and speed are the voter's to change, in steps
within VVSG 2.0 7.1-K's ranges: the speech rate from 75 % to 200 % of the default, the volume
over 54 dB in steps of 6 dB (at most 10 dB a step; what that is in dB SPL at the ear depends on
the headphone amplifier, so the top step is calibrated on the appliance, docs/booth.md). The
gain is applied to the samples themselves, so the step is measurable in the WAV. With no
espeak-ng or no audio device the speaker stays silent and says so once in the operator log.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import threading
import wave

import numpy as np
import pygame

from booth_ui.speech import pronounce

log = logging.getLogger(__name__)
VOICES = {"ko": "ko", "en": "en-us"}
RATES_WPM = (120, 140, 160, 200, 240, 280, 320)   # 75 % ... 200 % of the default 160 words a minute
DEFAULT_RATE = RATES_WPM.index(160)
VOLUME_DB = tuple(range(-54, 1, 6))               # ten steps of 6 dB up to the amplifier's full level
DEFAULT_VOLUME = VOLUME_DB.index(-12)


class AudioSettings:
    """A voter's volume and speed steps, clamped to their ranges (the speaker's, and a test's ears')."""

    def __init__(self, volume_percent: int = 25) -> None:
        self.default_volume = volume_step(volume_percent)   # [audio] volume
        self.volume_index, self.rate_index = self.default_volume, DEFAULT_RATE

    def louder(self, step: int) -> tuple[int, int]:
        """One volume step up (or down); the step now and how many there are (to tell the voter)."""
        self.volume_index = min(len(VOLUME_DB) - 1, max(0, self.volume_index + step))
        return self.volume_index + 1, len(VOLUME_DB)

    def faster(self, step: int) -> tuple[int, int]:
        """One speed step faster (or slower); the step now and how many there are."""
        self.rate_index = min(len(RATES_WPM) - 1, max(0, self.rate_index + step))
        return self.rate_index + 1, len(RATES_WPM)

    def reset(self) -> None:
        """The next voter starts at the default speed and the configured volume, not the last voter's."""
        self.rate_index, self.volume_index = DEFAULT_RATE, self.default_volume


def volume_step(percent: int) -> int:
    """The volume step nearest to ``[audio] volume`` (percent of full amplitude)."""
    if percent <= 0:
        return 0
    db = 20 * np.log10(percent / 100)
    return min(range(len(VOLUME_DB)), key=lambda i: abs(VOLUME_DB[i] - db))


def with_gain(wav: bytes, db: float) -> bytes:
    """A 16-bit WAV with its samples scaled by ``db`` (a step the voter hears and sox can measure)."""
    with wave.open(io.BytesIO(wav)) as source:
        params, frames = source.getparams(), source.readframes(source.getnframes())
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float64) * 10 ** (db / 20)
    out = io.BytesIO()
    with wave.open(out, "wb") as sink:
        sink.setparams(params)
        sink.writeframes(np.clip(np.round(samples), -32768, 32767).astype("<i2").tobytes())
    return out.getvalue()


class Speaker(AudioSettings):
    """Speaks one text at a time; a new text interrupts the one being spoken. Never logs the text."""

    def __init__(self, enabled: bool = True, volume_percent: int = 25) -> None:
        super().__init__(volume_percent)
        self._lock = threading.Lock()
        self._generation = 0
        self.available = enabled and shutil.which("espeak-ng") is not None
        if self.available:
            try:
                if not pygame.mixer.get_init():
                    pygame.mixer.init()
            except pygame.error as e:
                log.warning("no audio device, prompts are silent: %s", e)
                self.available = False
        elif enabled:
            log.warning("espeak-ng is not installed, audio prompts are silent (apt-get install espeak-ng)")

    def synthesize(self, text: str, language: str) -> bytes:
        """WAV bytes of ``text`` (empty when speech is unavailable)."""
        if not self.available or not text.strip():
            return b""
        result = subprocess.run(["espeak-ng", "--stdout", "-v", VOICES.get(language, "en-us"),
                                 "-s", str(RATES_WPM[self.rate_index]), pronounce(text, language)],
                                capture_output=True, timeout=20, check=False)
        return result.stdout if result.returncode == 0 else b""

    def say(self, text: str, language: str) -> None:
        """Speak in the background; returns at once."""
        if not self.available:
            return
        with self._lock:
            self._generation += 1
            generation = self._generation
        threading.Thread(target=self._speak, args=(text, language, generation), daemon=True).start()

    def _speak(self, text: str, language: str, generation: int) -> None:
        wav = self.synthesize(text, language)
        with self._lock:
            if generation != self._generation or not wav:
                return
            pygame.mixer.stop()
            sound = pygame.mixer.Sound(file=io.BytesIO(with_gain(wav, VOLUME_DB[self.volume_index])))
            sound.play()

    def follow_device(self) -> None:
        """Headphones (a USB headset) were plugged in: speak through the newest output device."""
        if not self.available:
            return
        try:
            from pygame._sdl2 import audio as sdl_audio   # pygame 2's list of output devices
            names = sdl_audio.get_audio_device_names(False)
            if names:
                with self._lock:
                    pygame.mixer.quit()
                    pygame.mixer.init(devicename=names[-1])
        except (ImportError, pygame.error) as e:   # keep the device it had: speech still goes somewhere
            log.warning("could not switch to the new audio device: %s", e)
            if not pygame.mixer.get_init():
                pygame.mixer.init()

    def stop(self) -> None:
        with self._lock:
            self._generation += 1
            if self.available:
                pygame.mixer.stop()
