"""The bench's minima (bench/vvsg_bench.py) over every screen x size x theme x language on issue
16's five panels at real widths: the smallest text is at least 3.5 mm, the lowest contrast 10:1,
and a larger panel never offers fewer text sizes."""

from __future__ import annotations

from bench.vvsg_bench import PANELS, measure
from booth_ui.theme import MIN_CAP_MM, MIN_TEXT_CONTRAST


def test_every_panel_meets_the_floors():
    rows = measure()
    assert set(rows) == set(PANELS)
    for panel, row in rows.items():
        assert row["screens"] >= 150, panel
        assert row["min_cap_mm"][0] >= MIN_CAP_MM - 0.01, (panel, row["min_cap_mm"])
        assert row["min_contrast"][0] >= MIN_TEXT_CONTRAST, (panel, row["min_contrast"])
    assert rows[(1920, 1080)]["sizes"] == [0, 1, 2, 3]   # a 15.6-inch panel offers all four sizes
    assert len(rows[(1280, 800)]["sizes"]) >= len(rows[(800, 480)]["sizes"])
