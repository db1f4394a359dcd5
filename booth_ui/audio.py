"""Audio prompts: espeak-ng speaks the screen in Korean or English through pygame's mixer.

Speech is made in memory (``espeak-ng --stdout``), never written to a file: what is read
aloud may be the voter's own choices. Volume and speed are the voter's to change. With no
espeak-ng or no audio device the speaker stays silent and says so once in the operator log.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import threading

import pygame

from booth_ui.speech import pronounce

log = logging.getLogger(__name__)
VOICES = {"ko": "ko", "en": "en-us"}
RATES_WPM = (120, 150, 180, 220)


class Speaker:
    """Speaks one text at a time; a new text interrupts the one being spoken. Never logs the text."""

    def __init__(self, enabled: bool = True) -> None:
        self.volume = 0.8
        self.rate_index = 1
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

    def louder(self, step: float) -> None:
        self.volume = min(1.0, max(0.1, self.volume + step))

    def faster(self, step: int) -> None:
        self.rate_index = min(len(RATES_WPM) - 1, max(0, self.rate_index + step))

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
            sound = pygame.mixer.Sound(file=io.BytesIO(wav))
            sound.set_volume(self.volume)
            sound.play()

    def stop(self) -> None:
        with self._lock:
            self._generation += 1
            if self.available:
                pygame.mixer.stop()
