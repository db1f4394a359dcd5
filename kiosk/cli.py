"""``kiosk``: the appliance's command (booth, demo, and the technician's and poll worker's verbs).

Exit codes: 0 ok, 1 the thing checked is bad, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk import __version__
from kiosk.cliutil import run


def cmd_demo(args: argparse.Namespace) -> int:
    from kiosk.app import run_demo

    return run_demo(data=args.data, headless=args.headless, screenshots=args.screenshots)


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``kiosk``."""
    p = argparse.ArgumentParser(prog="kiosk", description="The polling-station kiosk.")
    p.add_argument("--version", action="version", version=f"kiosk {__version__}")
    verbs = p.add_subparsers(title="verbs", metavar="VERB")
    demo = verbs.add_parser("demo", help="a complete demo station on embedded defaults")
    demo.add_argument("--data", type=Path, help="keep the demo's files here (default: a temporary directory)")
    demo.add_argument("--headless", action="store_true", help="no window: a scripted run that prints what it did")
    demo.add_argument("--screenshots", type=Path, help="save a PNG of every screen here")
    demo.set_defaults(func=cmd_demo)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``kiosk``."""
    return run(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
