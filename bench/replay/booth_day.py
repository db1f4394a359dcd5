"""One kiosk's voting day in the replay: the appliance's own booth, and members touching it.

    python bench/replay/booth_day.py --data STATION --printer URL --queue QUEUE.json

Runs what ``kiosk booth`` runs (:class:`kiosk.app.booth.Appliance`: the station with its
one-writer lock, the camera loop and decoder, a handheld serial scanner, the printer, the
booth screen) on an off-screen surface, and lets the queue's members come one after another.
A token reaches the booth as a person would present it: held up to the camera (rendered
frames through the camera loop and the decoder) or read by the handheld scanner, a real
serial line on a socat pseudo-terminal pair. The touches land on the targets the booth drew
(:mod:`kiosk.app.voter`). One JSON line per member on standard output tells what the member
saw; ``CASTING n`` comes just before member n's casting touch when the queue marks it
``kill`` (the replay kills this process there). The process knows no expected result.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import serial  # noqa: E402

from booth_ui import flow  # noqa: E402
from booth_ui.display import HeadlessScreen  # noqa: E402
from kiosk.app.booth import SCREEN_SIZE, Appliance  # noqa: E402
from kiosk.app.voter import present_token, vote, wait_for  # noqa: E402
from kiosk.scanning import REPEAT_HOLD_S  # noqa: E402
from scanner.showcase import ShowcaseSource  # noqa: E402
from socat_pty import PtyPair  # noqa: E402

CAMERA_AWAY_S = 3.2   # the camera loop holds a payload back until it has been away for 3 s
TIMEOUT_S = 120.0     # a loaded 2-core machine runs 13 of these at once


def report(line: dict | str) -> None:
    print(line if isinstance(line, str) else json.dumps(line), flush=True)


def run_queue(appliance: Appliance, camera: ShowcaseSource, handheld: serial.Serial, queue: list[dict]) -> None:
    """Let each member of ``queue`` come to the booth; one line each on standard output."""
    screen = HeadlessScreen(appliance.booth, SCREEN_SIZE)
    wait_for(screen, {flow.Screen.ATTRACT}, TIMEOUT_S)
    last: dict[str, float] = {}
    for n, member in enumerate(queue):
        payload = member["payload"]
        if member.get("png"):
            pause = last.get(payload, -1e9) + CAMERA_AWAY_S - time.monotonic()

            def present(png=member["png"]):
                camera.hold_up(Path(png), seconds=TIMEOUT_S)
        else:
            pause = last.get(payload, -1e9) + REPEAT_HOLD_S + 0.3 - time.monotonic()

            def present(p=payload):
                handheld.write(p.encode("ascii") + b"\r\n")
                handheld.flush()
        if pause > 0:  # the same token again: a person takes a moment before presenting it once more
            time.sleep(pause)
        if member["kind"] == "vote":
            before = (lambda: report(f"CASTING {n}")) if member.get("kill") else (lambda: None)
            outcome = vote(screen, present, member["likes"], member["tries"], before, TIMEOUT_S,
                           grades=member.get("grades"))
        else:  # a member only shows a token; were a ballot shown, the booth would stay taken
            outcome = present_token(screen, present, TIMEOUT_S)
            if outcome is None:
                report({"n": n, "screen": "ballot", "message": None, "notices": [], "not_offered": []})
                raise SystemExit("a token shown only to be refused opened a ballot; the booth stays taken")
        camera.take_away()
        last[payload] = time.monotonic()
        report({"n": n, "screen": outcome.screen.value, "message": outcome.message,
                "notices": list(outcome.notices), "not_offered": list(outcome.not_offered),
                "print_retries": outcome.print_retries})


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True, type=Path)
    p.add_argument("--printer", required=True)
    p.add_argument("--queue", required=True, type=Path)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    queue = json.loads(args.queue.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="handheld-") as folder, PtyPair(Path(folder)) as cable:
        camera = ShowcaseSource()
        appliance = Appliance(args.data, camera, args.printer, scanner_url=cable.host).start()
        try:
            with serial.Serial(cable.device, 9600, timeout=1) as handheld:
                run_queue(appliance, camera, handheld, queue)
        finally:
            appliance.stop()
    report("DONE")
    return 0


if __name__ == "__main__":
    sys.exit(main())
