"""docs/first-election.md, followed to the letter: its commands run as written, its outputs shown."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

from kiosk.cli import main as kiosk_main
from sync.central.cli import main as central_main

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "first-election.md"
COMMANDS = {"kiosk": kiosk_main, "kiosk-central": central_main}


def blocks(kind: str) -> list[str]:
    """The doc's fenced blocks of one kind (``sh`` or ``text``)."""
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_first_election_walkthrough_runs_as_written(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "docs" / "examples", tmp_path / "docs" / "examples")
    said = ""
    commands = [line for block in blocks("sh") for line in block.splitlines() if line.strip()]
    assert len(commands) == 3                       # spec to verified result in three commands
    for line in commands:
        verb, *argv = shlex.split(line)
        assert verb in COMMANDS, f"{line}: not one of our commands"
        assert COMMANDS[verb](argv) == 0, line
        said += capsys.readouterr().out
    for block in blocks("text"):
        for shown in block.splitlines():
            if shown.strip() and not shown.startswith("done in"):
                assert shown.strip() in said, f"the doc shows {shown.strip()!r}, the commands did not print it"
    assert "the result is verified" in said
    assert "a voter checked the tracking code on the voter's printed receipt (its QR read back)" in said
    results = said.split("results (maple/results/n1/results.json")[1]
    assert "bonus" not in results and "likes" not in results and "score" not in results   # Ttabok's columns only for Ttabok
    assert (tmp_path / "maple" / "tokens" / "sheet.pdf").exists()
    assert (tmp_path / "maple" / "tapes" / "S01.png").exists()


def test_the_walkthrough_spec_excludes_the_car_park_for_building_c():
    text = (ROOT / "docs" / "examples" / "first-election.toml").read_text(encoding="utf-8")
    assert 'exclude = ["parking-ab"]' in text and text.count("[[styles]]") == 3
