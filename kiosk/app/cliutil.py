"""What every command shares: exit codes, the one broad ``except``, output helpers.

Exit codes, by where the failure comes from (the error's ``origin``, see kiosk/errors.py):
0 ok; 1 the thing checked is bad (a refused token, a tampered store, a bad signature); 2 usage
or input (a missing file, an invalid spec); 3 storage or a device (a store that cannot be
written, a printer or camera gone); 4 network (a node that cannot be reached). Errors print one
line saying what happened and one saying what to do, on stderr: the error's own hint, or the
hint of its exit code (:data:`EXIT_HINTS`) when it has none.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import sys
from typing import Any, Callable, Iterator

from kiosk.errors import CHECKED, INPUT, NETWORK, STORAGE, KioskError

EXIT_OK, EXIT_BAD, EXIT_USAGE, EXIT_STORAGE, EXIT_NETWORK = 0, 1, 2, 3, 4
EXIT_CODES = {CHECKED: EXIT_BAD, INPUT: EXIT_USAGE, STORAGE: EXIT_STORAGE, NETWORK: EXIT_NETWORK}
EXIT_HINTS = {
    EXIT_BAD: "keep what was checked as it is and report it to the election office",
    EXIT_USAGE: "check the command line and the files it names (--help lists the options)",
    EXIT_STORAGE: "check the disk (free space, permissions) or the device (cable, power), then run it again",
    EXIT_NETWORK: "check the network and the node's address, then run it again; nothing was lost",
}
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


def exit_code(error: KioskError) -> int:
    """The exit code of ``error``'s origin (2, usage or input, for an origin not known)."""
    return EXIT_CODES.get(getattr(error, "origin", INPUT), EXIT_USAGE)


def report_error(error: KioskError) -> int:
    """Print ``error`` and what to do on stderr; return its exit code."""
    code = exit_code(error)
    if error.korean:   # a refusal a technician reads on the kiosk: Korean first, then English
        print(f"오류: {error.korean[0]}\n  할 일: {error.korean[1]}", file=sys.stderr)
    print(f"error: {error.message}", file=sys.stderr)
    print(f"  what to do: {error.hint or EXIT_HINTS[code]}", file=sys.stderr)
    return code


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
        return report_error(e)
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
