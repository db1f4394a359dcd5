"""Exit codes by origin (docs/commands.md "Exit codes"): 1 the thing checked is bad, 2 usage or
input, 3 storage or device, 4 network; each failure prints what happened and what to do.

Each code is shown by a real command on real files and sockets, and each error class the
commands can meet is pinned to its origin, so a new subclass cannot fall back to 2 unnoticed.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from centralhelp import make_kiosk
from hardware.errors import PrinterUnavailable, Problem
from kiosk.app.cliutil import EXIT_BAD, EXIT_CODES, EXIT_HINTS, EXIT_NETWORK, EXIT_STORAGE, EXIT_USAGE, exit_code
from kiosk.cli import main as kiosk
from kiosk.contract.package import PUBLIC_FILES
from kiosk.errors import (ORIGINS, DeviceError, FormatError, KeyFileError, KioskError, NetworkError,
                          SignatureError, StorageError, ValidationError)
from scanner.errors import SourceLost, SourceUnavailable, SourceURLError
from sync.central.board_client import NodeUnreachable
from sync.cli import main as kiosk_sync
from sync.client import NodeRefused, NodeUnavailable
from sync.central.serve import bind

DOC = (Path(__file__).resolve().parent.parent / "docs" / "commands.md").read_text()


def free_port() -> int:
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    sock.close()
    return port


def said(capsys) -> tuple[str, str]:
    """(what happened, what to do) from the last error on stderr."""
    err = capsys.readouterr().err
    happened = re.findall(r"^error: (.*)$", err, re.M)
    to_do = re.findall(r"^  what to do: (.*)$", err, re.M)
    assert happened and to_do, err
    return happened[-1], to_do[-1]


@pytest.mark.parametrize("error, code", [
    (KioskError("x"), EXIT_USAGE), (FormatError("x"), EXIT_USAGE), (ValidationError("x", [("a", "b")]), EXIT_USAGE),
    (KeyFileError("x"), EXIT_USAGE), (SourceURLError("x"), EXIT_USAGE),
    (SignatureError("x"), EXIT_BAD), (NodeRefused("rejected", "x"), EXIT_BAD),
    (StorageError("x"), EXIT_STORAGE), (DeviceError("x"), EXIT_STORAGE), (PrinterUnavailable(Problem.NOT_CONNECTED),
     EXIT_STORAGE),
    (SourceUnavailable("x"), EXIT_STORAGE), (SourceLost("x"), EXIT_STORAGE),
    (NetworkError("x"), EXIT_NETWORK), (NodeUnavailable("x"), EXIT_NETWORK), (NodeUnreachable("x"), EXIT_NETWORK),
], ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v))
def test_each_error_class_has_the_exit_code_of_its_origin(error, code):
    assert exit_code(error) == code


def test_every_code_has_a_hint_and_a_row_in_the_docs():
    assert sorted(EXIT_CODES) == sorted(ORIGINS) and sorted(EXIT_CODES.values()) == [1, 2, 3, 4]
    for code, hint in EXIT_HINTS.items():
        row = next((line for line in DOC.splitlines() if line.startswith(f"| `{code}` |")), None)
        assert row is not None, f"docs/commands.md has no row for exit code {code}"
        assert hint in row, f"exit code {code}: the docs' hint is not the code's ({hint!r})"


def test_1_a_package_whose_signature_does_not_verify(small_election, tmp_path, capsys):
    package = tmp_path / "package"
    package.mkdir()
    for name in PUBLIC_FILES:
        if (small_election[0].directory / name).exists():
            shutil.copy(small_election[0].directory / name, package / name)
    signed = json.loads((package / "election.json").read_text())
    title = signed["body"]["title"]
    title[sorted(title)[0]] += " (altered)"
    (package / "election.json").write_text(json.dumps(signed))
    code = kiosk(["provision", "--election", str(package), "--station", "S-0001", "--data", str(tmp_path / "k")])
    happened, to_do = said(capsys)
    assert code == EXIT_BAD, happened
    assert "signature" in happened and to_do


def test_2_a_package_directory_that_is_not_one(tmp_path, capsys):
    code = kiosk(["provision", "--election", str(tmp_path), "--station", "S-0001", "--data", str(tmp_path / "k")])
    happened, to_do = said(capsys)
    assert code == EXIT_USAGE and "election.json" in happened and "kiosk-central election init" in to_do


def test_3_an_export_to_a_stick_that_is_not_there(central, tmp_path, capsys):
    station = make_kiosk(central, tmp_path / "k", "S-0001")
    (tmp_path / "a-file").write_text("not a mount point")
    code = kiosk(["export", "--data", str(station), "--to", str(tmp_path / "a-file")])
    happened, to_do = said(capsys)
    assert code == EXIT_STORAGE and "is not a directory" in happened and "USB stick" in to_do


def test_4_a_node_that_cannot_be_reached(central, tmp_path, capsys):
    station = make_kiosk(central, tmp_path / "k", "S-0001")
    code = kiosk_sync(["once", "--data", str(station), "--node", f"n1=http://127.0.0.1:{free_port()}",
                       "--timeout-s", "5"])
    out = capsys.readouterr().out
    assert code == EXIT_NETWORK and "ConnectError" in out


def test_an_error_without_its_own_hint_gets_its_codes_hint(tmp_path, capsys):
    import argparse

    from kiosk.app.cliutil import run

    for error in (SignatureError("s"), FormatError("f"), StorageError("d"), NetworkError("n")):
        parser = argparse.ArgumentParser()
        parser.set_defaults(func=lambda args, e=error: (_ for _ in ()).throw(e))
        assert run(parser, []) == exit_code(error)
        assert said(capsys) == (error.message, EXIT_HINTS[exit_code(error)])


def test_4_a_witness_that_cannot_reach_the_node(central, tmp_path, capsys):
    from kiosk.contract.keys import save_signing_key
    from sync.central.cli import main as central_main
    from sync.central.node import NODE_KEY

    save_signing_key(tmp_path / "n1" / NODE_KEY, central.node_keys["n1"])
    code = central_main(["witness", "--data", str(tmp_path / "n1"), "--election", str(central.directory),
                         "--node", f"http://127.0.0.1:{free_port()}", "--timeout", "2"])
    assert code == EXIT_NETWORK and "unreachable" in capsys.readouterr().out
