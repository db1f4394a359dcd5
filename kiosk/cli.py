"""``kiosk``: the appliance's command (booth, demo, and the technician's and poll worker's verbs).

Exit codes: 0 ok, 1 the thing checked is bad, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk import __version__
from kiosk.cliutil import EXIT_BAD, EXIT_OK, print_json, run


def cmd_demo(args: argparse.Namespace) -> int:
    from kiosk.app import run_demo

    return run_demo(data=args.data, headless=args.headless, screenshots=args.screenshots)


def cmd_diag_scanner(args: argparse.Namespace) -> int:
    from scanner.diagnostics import diagnose_scanner

    report = diagnose_scanner(args.source, seconds=args.seconds, max_frames=args.frames, reveal=args.reveal)
    if args.json:
        print_json(report.as_dict())
    else:
        print(f"source {report.source}: {report.frames} frames at {report.frames_per_s} frames/s")
        print(f"decode latency: median {report.decode_ms_median} ms, p95 {report.decode_ms_p95} ms, "
              f"max {report.decode_ms_max} ms")
        print(f"frames with a code: {report.frames_read_a_code}")
        for code, count in sorted(report.codes.items()):
            print(f"  {code}: in {count} frames")
        if report.problem:
            print(f"problem: {report.problem}", file=sys.stderr)
        elif not report.ok:
            print("no code was read: hold a test token in front of the camera and run again", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_BAD


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
    diag = verbs.add_parser("diag", help="bench checks of the kiosk's devices (technician)")
    checks = diag.add_subparsers(title="checks", metavar="CHECK")
    scan = checks.add_parser("scanner", help="what the camera reads, its frame rate and decode latency",
                             description="Read a camera for a while and show what it reads. Exit 0 when "
                                         "a code was read, 1 when the camera gave no frame or read nothing, "
                                         "2 for a camera URL that does not parse.")
    scan.add_argument("--source", required=True, metavar="URL",
                      help="camera URL: 0, /dev/video0, file:VIDEO or dir:FOLDER, options after ?")
    scan.add_argument("--seconds", type=float, default=10.0, help="how long to read (default 10)")
    scan.add_argument("--frames", type=int, default=300, help="at most this many frames (default 300)")
    scan.add_argument("--reveal", action="store_true",
                      help="show the codes' full text (test codes only: a token is a secret)")
    scan.add_argument("--json", action="store_true", help="machine-readable output")
    scan.set_defaults(func=cmd_diag_scanner)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``kiosk``."""
    return run(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
