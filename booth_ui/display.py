"""The booth's window: pygame's display, a steady frame rate, and the first-frame signal.

``run_window`` owns the display for the booth's life; ``first_frame`` fires after the first
frame reaches the screen, so the appliance can tell systemd it is ready. ``HeadlessScreen``
is the same loop on an off-screen surface, for scripted demos and tests; ``WindowScreen`` shows
that surface in a window, so a person can watch a scripted voter (``kiosk demo`` with a display).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Callable

import pygame

from booth_ui.booth import Booth

log = logging.getLogger(__name__)
FRAME_RATE = 30


def has_display() -> bool:
    """True when a window can be shown (X11, Wayland, or a framebuffer/KMS driver is chosen)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("SDL_VIDEODRIVER") in ("kmsdrm", "fbcon", "directfb"))


def run_window(booth: Booth, size: tuple[int, int], fullscreen: bool, stop: threading.Event,
               first_frame: Callable[[], None] = lambda: None, frame_rate: int = FRAME_RATE,
               on_key: Callable[[str], None] = lambda name: None) -> None:
    """Show the booth until ``stop`` is set or the window is closed (``on_key`` hears every key by name).

    Full screen takes the panel's native resolution and lays the booth out for it; a window is ``size``.
    """
    pygame.display.init()
    flags = pygame.FULLSCREEN if fullscreen else 0
    screen = pygame.display.set_mode((0, 0) if fullscreen else size, flags)   # full screen: the panel's own mode
    if screen.get_size() != (booth.renderer.width, booth.renderer.height):
        booth.resize(screen.get_size())
    pygame.display.set_caption("Polling-station kiosk")
    pygame.mouse.set_visible(not fullscreen)
    clock = pygame.time.Clock()
    announced = False
    try:
        while not stop.is_set():
            events = pygame.event.get()
            if any(e.type == pygame.QUIT for e in events):
                break
            for event in events:
                if event.type == pygame.KEYDOWN:
                    on_key(pygame.key.name(event.key))
            booth.frame(screen, events)
            pygame.display.flip()
            if not announced:
                announced = True
                first_frame()
            clock.tick(frame_rate)
    finally:
        pygame.display.quit()


class HeadlessScreen:
    """An off-screen surface the booth draws on; can save what a person would see."""

    def __init__(self, booth: Booth, size: tuple[int, int]) -> None:
        pygame.font.init()
        self.booth = booth
        self.surface = pygame.Surface(size)

    def frame(self, events=()) -> None:
        self.booth.frame(self.surface, events)

    def save(self, path: Path) -> None:
        pygame.image.save(self.surface, str(path))

    def touch(self, predicate) -> bool:
        """Touch the first target whose event satisfies ``predicate`` (as a finger would)."""
        self.frame()
        for target in self.booth.last_frame.targets:
            if predicate(target.event):
                self.frame([pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=target.rect.center, button=1)])
                return True
        return False


class WindowScreen(HeadlessScreen):
    """A :class:`HeadlessScreen` shown in a window: what a scripted voter touches, a person watches.

    Every frame is copied to the window; after each touch the screen stays ``pause_s`` so the eye
    can follow. The window is for watching only (the script does the touching). Closing it does
    not stop the script: the rest runs off screen. One window serves every booth shown in turn.
    """

    def __init__(self, booth: Booth, size: tuple[int, int], caption: str = "Polling-station kiosk",
                 pause_s: float = 0.25) -> None:
        super().__init__(booth, size)
        pygame.display.init()
        window = pygame.display.get_surface()
        if window is None or window.get_size() != tuple(size):
            window = pygame.display.set_mode(size)
        pygame.display.set_caption(caption)
        self.window, self.pause_s, self.closed = window, pause_s, False

    def frame(self, events=()) -> None:
        super().frame(events)
        if self.closed:
            return
        if any(e.type == pygame.QUIT for e in pygame.event.get()):  # also keeps the window responsive
            self.closed = True
            pygame.display.quit()
            return
        self.window.blit(self.surface, (0, 0))
        pygame.display.flip()

    def touch(self, predicate) -> bool:
        touched = super().touch(predicate)
        end = time.monotonic() + self.pause_s
        while touched and not self.closed and time.monotonic() < end:
            time.sleep(1 / FRAME_RATE)
            self.frame()
        return touched

    @staticmethod
    def close() -> None:
        """Close the window (when the last booth has been shown)."""
        pygame.display.quit()
