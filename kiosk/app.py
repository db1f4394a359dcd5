"""The composition root: wires the core to the adapters. The only module that imports all.

``run_demo`` grows with each part of the kiosk; today it runs the authority's side through
the project's own ``kiosk-central`` command (election, token roll, cards) and checks every
minted token, as printed, through the real QR decoders.
"""

from __future__ import annotations

import io
import logging
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

from kiosk.cliutil import EXIT_OK
from kiosk.package import load_package
from kiosk.tokens import REFUSAL_TEXT, Refused, check_token, token_payload

log = logging.getLogger(__name__)
DEMO_COMMUNITIES = 24
DEMO_PIN = "2017"


def _central(*argv: str) -> str:
    """Run a kiosk-central verb in-process and return what it printed."""
    from sync.central.cli import main as central_main

    out = io.StringIO()
    with redirect_stdout(out):
        code = central_main(list(argv))
    if code != EXIT_OK:
        raise RuntimeError(f"kiosk-central {' '.join(argv)} failed with exit code {code}")
    return out.getvalue()


def run_demo(data: Path | None, headless: bool, screenshots: Path | None) -> int:
    """A complete demo on embedded defaults: what exists of the kiosk so far, end to end."""
    import cv2

    from scanner.decode import decode_frame

    root = Path(data) if data else Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
    election_dir, tokens_dir = root / "election", root / "tokens"
    print(f"demo files in {root}")
    if not (election_dir / "election.json").exists():
        print(_central("election", "init", "--out", str(election_dir), "--demo", "ttabok",
                       "--communities", str(DEMO_COMMUNITIES)), end="")
        print(_central("tokens", "mint", "--election", str(election_dir), "--all-styles", "--count", "9",
                       "--mode", "test", "--out", str(tokens_dir)), end="")
        print(_central("tokens", "freeze", "--election", str(election_dir)), end="")
    package = load_package(election_dir)
    e = package.election
    roll = package.roll()
    decoded = valid = 0
    lines = (tokens_dir / "payloads.tsv").read_text().splitlines()
    try:
        for line in lines:
            style, mode, png, payload = line.split("\t")
            texts = decode_frame(cv2.imread(str(tokens_dir / png)))
            decoded += texts == [payload]
            result = check_token(texts[0] if texts else "", e.tag, e.fingerprint, "test", roll)
            valid += not isinstance(result, Refused) and result.style == style
        forged = check_token(token_payload(e.tag, "test", bytes(16)), e.tag, e.fingerprint, "test", roll)
        official = check_token(lines[0].split("\t")[3].replace("KT1T", "KT1O", 1), e.tag, e.fingerprint, "test", roll)
    finally:
        roll.close()
    print(f"{decoded} of {len(lines)} printed tokens decoded from their images, {valid} valid on the roll")
    print(f"a forged token: refused, {REFUSAL_TEXT[forged.reason]}")
    print(f"a test token shown as official: refused, {REFUSAL_TEXT[official.reason]}")
    print("the booth, the stores and the printer join this demo as they are built")
    return EXIT_OK if decoded == valid == len(lines) else 1
