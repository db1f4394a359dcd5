"""The smallest text and the lowest contrast the booth draws, over every screen, text size, theme,
language and panel (issue 16): capital heights in mm from the font drawn and the panel's density,
contrast (WCAG) from the ink drawn and the pixel under it.

    .venv/bin/python bench/vvsg_bench.py

Prints one row per panel and the minima over all of them, beside VVSG 2.0's floors (3.5 mm,
10:1) as ratios; ``tests/test_vvsg_bench.py`` runs :func:`measure` and asserts the floors.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import pygame  # noqa: E402

from booth_ui import flow  # noqa: E402
from booth_ui.render import Renderer  # noqa: E402
from booth_ui.screenshots import screen_states  # noqa: E402
from booth_ui.theme import CAP_RATIO, MIN_CAP_MM, MIN_TEXT_CONTRAST, contrast  # noqa: E402
from ceremonyhelp import format2_election  # noqa: E402
from kiosk.contract.ttabok import ttabok_spec  # noqa: E402

# issue 16's panels, each at a real panel's visible width ([booth] panel_width_mm): the stock 7-inch
# panel, a 7-inch 1024 x 600, an 8-inch 4:3, a 10.1-inch 16:10 and a 15.6-inch 16:9
PANELS = {(800, 480): 154, (1024, 600): 154, (1024, 768): 162, (1280, 800): 217, (1920, 1080): 344}


def election():
    """The 2017 Ttabok ballot shape: 24 proposals, up to 6 likes, the own community's excluded."""
    return format2_election(ttabok_spec(24))


def measure(panels=PANELS) -> dict:
    """Per panel: screens drawn, the smallest capital height (mm) and the lowest contrast, with where."""
    pygame.font.init()
    e = election()
    out = {}
    for panel, width_mm in panels.items():
        renderer, surface = Renderer(e, "test", panel, width_mm), pygame.Surface(panel)
        offered = [size for size, n in enumerate(renderer.per_page()) if n]
        worst_mm, worst_ratio, drawn = (99.0, ""), (99.0, ""), 0
        for name, state in screen_states(e, renderer).items():
            for lang in ("ko", "en"):
                for size in offered:
                    for high in (False, True):
                        prefs = flow.Prefs(lang, size, high)
                        frame = renderer.draw(surface, replace(state, prefs=prefs), now=5.0)
                        drawn += 1
                        where = f"{name} {lang} size {size}{' high-contrast' if high else ''}"
                        for text in frame.texts:
                            cap_mm = text.font_px * CAP_RATIO / renderer.px_per_mm
                            worst_mm = min(worst_mm, (cap_mm, f"{where}: {text.text[:30]}"))
                            if name != "ballot_warning":   # the shade lies over the page; its box is measured
                                ratio = contrast(text.ink, text.paper)
                                worst_ratio = min(worst_ratio, (ratio, f"{where}: {text.text[:30]}"))
        out[panel] = {"width_mm": width_mm, "screens": drawn, "sizes": offered, "min_cap_mm": worst_mm, "min_contrast": worst_ratio}
    return out


def main() -> int:
    rows = measure()
    print(f"{'panel':>11} {'mm wide':>8} {'screens':>8} {'sizes':>8} {'min caps mm':>12} {'/3.5':>6} {'min contrast':>13} {'/10':>6}")
    for (w, h), row in rows.items():
        mm, ratio = row["min_cap_mm"][0], row["min_contrast"][0]
        print(f"{w:>5} x {h:<4} {row['width_mm']:>8} {row['screens']:>8} {','.join(map(str, row['sizes'])):>8} {mm:>12.2f} "
              f"{mm / MIN_CAP_MM:>6.2f} {ratio:>12.1f}:1 {ratio / MIN_TEXT_CONTRAST:>6.2f}")
    mm = min(row["min_cap_mm"] for row in rows.values())
    ratio = min(row["min_contrast"] for row in rows.values())
    print(f"smallest text {mm[0]:.2f} mm ({mm[0] / MIN_CAP_MM:.2f} x the floor) at {mm[1]}")
    print(f"lowest contrast {ratio[0]:.1f}:1 ({ratio[0] / MIN_TEXT_CONTRAST:.2f} x the floor) at {ratio[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
