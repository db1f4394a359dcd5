"""Every command, verb and option is documented in docs/commands.md (in its own section)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from kiosk.cli import build_parser as kiosk_parser
from sync.central.cli import build_parser as central_parser
from sync.cli import build_parser as sync_parser

DOC = (Path(__file__).resolve().parent.parent / "docs" / "commands.md").read_text()


def sections() -> dict[str, str]:
    out, name = {}, None
    for line in DOC.splitlines():
        m = re.match(r"^#{2,3} `?([a-z][a-z -]*[a-z])`?\s*$", line)
        if m:
            name = m.group(1)
            out[name] = ""
        elif name:
            out[name] += line + "\n"
    return out


def leaves(parser: argparse.ArgumentParser, prefix: str):
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield prefix, parser
        return
    for action in subs:
        for name, child in action.choices.items():
            yield from leaves(child, f"{prefix} {name}")


COMMANDS = [c for p, name in ((kiosk_parser(), "kiosk"), (central_parser(), "kiosk-central"),
                              (sync_parser(), "kiosk-sync")) for c in leaves(p, name)]


@pytest.mark.parametrize("command, parser", COMMANDS, ids=[c for c, _ in COMMANDS])
def test_command_and_its_options_are_documented(command, parser):
    found = sections()
    assert command in found, f"docs/commands.md has no section '### `{command}`'"
    for action in parser._actions:
        for option in action.option_strings:
            if option.startswith("--") and option not in ("--help", "--version"):
                assert option in found[command], f"{command}: {option} is not documented in its section"


def test_every_reason_code_of_a_rejected_batch_is_in_formats_md_in_the_order_checked():
    """docs/formats.md's table of reason codes lists acceptance.REASONS, the same codes in the same order."""
    from sync.central.acceptance import REASONS

    text = (Path(__file__).resolve().parent.parent / "docs" / "formats.md").read_text()
    table = text[text.index("**Reason codes**"):].split("\n\n")[1]
    listed = [code for row in table.splitlines()[2:] for code in re.findall(r"`([a-z_]+)`", row.split("|")[1])]
    assert listed == list(REASONS)
