"""``kiosk-central tapes read``: the signed closing statements in photos or scans of results tapes.

Every QR code in every image is read with the scanner's decoder (every step of its cascade: a
tape has several codes), the parts of a long statement are joined across the images in any order
(:mod:`kiosk.contract.closing_parts`), and each statement's kiosk signature is checked (and, with
``--election``, its agreement with the election). Standard output: one ``KS1:`` line per
statement, the lines ``verify --closing`` and ``audit plan --closing`` read; standard error: what
each statement is, and each refusal in Korean and English.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.app.cliutil import EXIT_BAD, EXIT_OK, EXIT_USAGE
from kiosk.contract.closing import PREFIX, check_closing, parse_closing
from kiosk.contract.closing_parts import assemble, is_part
from kiosk.contract.package import load_package
from kiosk.errors import KioskError


def _read_images(paths: list[Path]) -> list[tuple[str, str]] | None:
    """(image name, text) of every closing code read; None when an image cannot be opened."""
    import cv2  # the scanner's own decoder reads the photographed codes

    from scanner.decode import decode_still
    read = []
    for path in paths:
        frame = cv2.imread(str(path))
        if frame is None:
            print(f"error: {path} is not an image / 이미지가 아닙니다", file=sys.stderr)
            return None
        texts = [t for t in decode_still(frame) if t.startswith(PREFIX) or is_part(t)]
        if not texts:
            print(f"{path.name}: no closing statement QR code read: take a sharper photo, the whole code in it / "
                  "마감 기록 QR 코드를 읽지 못했습니다: 더 선명하게 촬영하십시오", file=sys.stderr)
        read += [(path.name, t) for t in texts]
    return read


def cmd_tapes_read(args: argparse.Namespace) -> int:
    """Print the closing statements the images hold (exit 0), 1 when any is refused or none is read."""
    read = _read_images(args.images)
    if read is None:
        return EXIT_USAGE
    election = load_package(args.election).election if args.election else None
    assembled = assemble(read)
    bad = len(assembled.refused) + (not assembled.statements)
    for refused in assembled.refused:
        print(f"{refused.where}: {refused}", file=sys.stderr)
    for where, payload in assembled.statements:
        try:
            statement = parse_closing(payload)
        except KioskError as e:
            print(f"{where}: not a valid signed closing statement: {e}", file=sys.stderr)
            bad += 1
            continue
        problems = check_closing(statement, election) if election else []
        for problem in problems:
            print(f"{where}: station {statement['station']}: {problem}", file=sys.stderr)
        bad += bool(problems)
        print(f"{where}: station {statement['station']}, {statement['mode']}, {statement['ballots']} ballots, "
              f"signed by kiosk {statement.kiosk_key.fingerprint}" + ("" if election else " (no --election: "
              "not checked against the package)"), file=sys.stderr)
        if not problems:
            print(payload)
    return EXIT_BAD if bad else EXIT_OK


def add_tapes_verbs(verbs) -> None:
    """The ``tapes`` verb of ``kiosk-central``."""
    tapes = verbs.add_parser("tapes", help="results tapes: read their signed closing statements").add_subparsers(
        metavar="ACTION")
    read = tapes.add_parser("read", help="the closing statements in photos or scans of results tapes")
    read.add_argument("images", nargs="+", type=Path, metavar="IMAGE", help="photos or scans (PNG, JPEG)")
    read.add_argument("--election", type=Path, metavar="DIR", help="also check each statement against this package")
    read.set_defaults(func=cmd_tapes_read)
