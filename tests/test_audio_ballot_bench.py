"""bench/audio_ballot_bench.py: a blind voter casts the same ballot as a touch voter, every spoken
line belongs to the screen it was said on, and the figures have the shape docs/booth.md quotes."""

from __future__ import annotations

import shutil

import pytest

from bench.audio_ballot_bench import run


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is installed by make")
@pytest.mark.parametrize("ballot, language, switch", [("two-contest", "en", True), ("ttabok", "ko", False)])
def test_keys_cast_what_touches_cast_and_every_line_is_the_screens(ballot, language, switch):
    row = run(ballot, language, switch, {})
    assert row["unmatched"] == []
    assert row["touches"] >= 5 and row["presses"] > row["touches"]
    assert row["presses"] / row["touches"] < 10
    assert row["seconds"] > 30 and row["lines"] >= row["presses"] - 2
