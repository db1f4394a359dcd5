"""``kiosk-sync``: pushes sealed batches from the outbox to the central nodes.

Not built yet (see the sync issue); every verb says so and exits 2.
"""

from __future__ import annotations

import argparse
import sys

from kiosk import __version__
from kiosk.cliutil import run


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kiosk-sync", description="Push sealed batches to the central nodes.")
    p.add_argument("--version", action="version", version=f"kiosk-sync {__version__}")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``kiosk-sync``."""
    return run(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
