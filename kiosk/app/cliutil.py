"""What every command shares: exit codes, the one broad ``except``, output helpers.

Exit codes: 0 ok; 1 the thing checked is bad (a refused token, a tampered store);
2 usage or input error (a missing file, an invalid spec). Errors print one line saying what
happened and one saying what to do, on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import sys
from typing import Any, Callable, Iterator

from kiosk.errors import KioskError

EXIT_OK, EXIT_BAD, EXIT_USAGE = 0, 1, 2
log = logging.getLogger(__name__)


def print_json(value: Any) -> None:
    """Machine-readable output: one JSON document on stdout."""
    print(json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True))


def print_findings(notes, problems, ok_text: str) -> None:
    """Notes, then problems, then one verdict line (findings have ``place`` and ``detail``)."""
    for f in notes:
        print(f"note: {f.place}: {f.detail}")
    for f in problems:
        print(f"BAD: {f.place}: {f.detail}")
    print(f"verified: {ok_text}" if not problems
          else f"NOT verified: {len(problems)} problems, the first at {problems[0].place}")


def run(parser: argparse.ArgumentParser, argv: list[str] | None) -> int:
    """Parse ``argv``, call the chosen verb's ``func(args) -> int``, map errors to exit codes."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits 2 on usage errors and 0 on --help
        return int(e.code or 0)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return func(args)
    except KioskError as e:
        print(f"error: {e.message}", file=sys.stderr)
        if e.hint:
            print(f"  what to do: {e.hint}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def read_pin(stream=None) -> str:
    """Read a PIN from standard input (one line), never echoing or logging it."""
    line = (stream or sys.stdin).readline()
    return line.strip()


def call(main: Callable[[list[str]], int], *argv: object, stdin: str = "") -> tuple[int, str]:
    """Run one of our commands in-process with ``stdin`` as standard input: (exit code, its stdout)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), _standard_input(io.StringIO(stdin)):
        code = main([str(a) for a in argv])
    return code, out.getvalue()


@contextlib.contextmanager
def _standard_input(stream: io.StringIO) -> Iterator[None]:
    """``sys.stdin`` is ``stream`` inside the block (as :func:`contextlib.redirect_stdout` does for stdout)."""
    saved, sys.stdin = sys.stdin, stream
    try:
        yield
    finally:
        sys.stdin = saved
