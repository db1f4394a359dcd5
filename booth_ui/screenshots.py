"""A PNG of every booth screen, in both languages, default and high contrast (for review)."""

from __future__ import annotations

from pathlib import Path

import pygame

from booth_ui import flow
from booth_ui.render import Renderer


def screen_states(election, renderer: Renderer) -> dict[str, flow.BoothState]:
    """One state of every screen (and of its variants: a notice, the warning, a refused card...), by name."""
    style = election.styles[2].id
    contest = election.style(style).contests[0]
    vote_ = flow.Vote(payload="demo", style=style, selections=((contest, ("P002", "P005")),), ballot_id="0" * 32)
    states = {s.value: flow.BoothState(screen=s, polls_open=True, message="already_used", tracking_code="ABCD-1234",
                                       per_page=renderer.per_page())
              for s in flow.Screen}
    for name in ("ballot", "review", "paper_check", "printing", "casting"):
        states[name] = flow.replace(states[name], vote=vote_)
    states["out_of_service"] = flow.replace(states["out_of_service"], message="camera_lost")
    states["ballot_notice"] = flow.replace(states["ballot"], notice="max_reached")
    states["ballot_warning"] = flow.replace(states["ballot"], warning_since=0.0)
    states["worker_pin"] = flow.replace(states["worker_pin"], pin="123", notice="wrong_pin", status=("0", "2"))
    states["refused_card"] = flow.replace(states["refused"], message="expired", refused_card=True)
    states["worker_menu"] = flow.replace(states["worker_menu"], role="poll-worker", notice="step_done",
                                         actions=("pause", "close", "print_report", "export"),
                                         status=("state:polls_open", "mode:test", "ballots:12", "batches:1",
                                                 "disk:51200 MB", "printer:paper_near_end"))
    states["worker_confirm"] = flow.replace(states["worker_menu"], screen=flow.Screen.WORKER_CONFIRM,
                                            pending_action="close")
    states["polls_final"] = flow.replace(states["polls_closed"], polls_final=True)
    return states


def save_screenshots(election, mode: str, folder: Path, size: tuple[int, int] = (800, 480)) -> int:
    """A PNG of every screen in both languages, default and high contrast."""
    pygame.font.init()
    folder.mkdir(parents=True, exist_ok=True)
    surface = pygame.Surface(size)
    renderer = Renderer(election, mode, size)
    states = screen_states(election, renderer)
    offered = [size for size, n in enumerate(renderer.per_page()) if n]
    largest = max(offered) if offered else 1   # the largest print this panel offers (issue 16: not always 3)
    count = 0
    for name, state in states.items():
        for lang in ("ko", "en"):
            for contrast in (False, True):
                for text_size in sorted({1, largest}):   # the default size and the largest print
                    renderer.draw(surface, flow.replace(state, prefs=flow.Prefs(lang, text_size, contrast)), now=5.0)
                    suffix = ("-contrast" if contrast else "") + ("-large" if text_size != 1 else "")
                    pygame.image.save(surface, str(folder / f"{name}-{lang}{suffix}.png"))
                    count += 1
    return count


def convert_screendump(ppm: Path, png: Path) -> tuple[int, int]:
    """A screendump (QEMU writes PPM) saved as PNG; its size in pixels."""
    image = pygame.image.load(str(ppm))
    pygame.image.save(image, str(png))
    return image.get_size()
