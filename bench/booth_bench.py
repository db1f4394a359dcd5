"""Booth figures: frame time per screen, touch-to-response latency, memory and start-up time.

    .venv/bin/python bench/booth_bench.py [--frames 300]

Frame times are measured side by side with a bare pygame frame of the same size (fill, one
line of text, no logic) in the same run, and set against the 60 fps budget (16.7 ms). Memory
and start-up are measured on a child process running the real appliance (station, camera
loop on a camera stand-in at 30 fps, booth) headless: start-up is from process start to the
first attract screen drawn.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import pygame  # noqa: E402

from booth_ui import flow  # noqa: E402
from booth_ui.booth import Booth  # noqa: E402
from ceremonyhelp import format2_election  # noqa: E402
from kiosk.fonts import hangul_font  # noqa: E402
from kiosk.contract.ttabok import ttabok_spec  # noqa: E402

SIZE = (800, 480)
BUDGET_MS = 1000 / 60


def p95(values):
    return sorted(values)[int(len(values) * 0.95) - 1]


class NullPort:
    def check_token(self, payload):
        return flow.TokenAccepted("C003")

    def print_paper_record(self, payload, style, selections, language, large=False):
        return flow.PrintDone("0" * 32)

    def print_spoiled(self, ballot_id):
        pass

    def cast(self, payload, style, selections, ballot_id):
        return flow.CastDone("ABCD-1234")


def frame_times(frames: int) -> None:
    pygame.font.init()
    election = format2_election(ttabok_spec())
    surface = pygame.Surface(SIZE)
    font = pygame.font.Font(str(hangul_font()), 26)
    bare = []
    for _ in range(frames):
        t = time.perf_counter()
        surface.fill((246, 246, 242))
        surface.blit(font.render("투표권을 카메라에 보여 주세요", True, (0, 0, 0)), (40, 200))
        bare.append((time.perf_counter() - t) * 1000)
    booth = Booth(election, "test", NullPort(), SIZE, polls_open=True)
    vote = flow.Vote(payload="x", style="C003", selections=(("G01", ("P002", "P005")),), ballot_id="0" * 32)
    states = {s.value: flow.BoothState(screen=s, polls_open=True, message="already_used", tracking_code="ABCD")
              for s in flow.Screen}
    for name in ("ballot", "review", "paper_check", "printing", "casting"):
        states[name] = replace(states[name], vote=vote)
    states["ballot (largest text, high contrast)"] = replace(states["ballot"], prefs=flow.Prefs("ko", 3, True))
    print(f"frame time at {SIZE[0]}x{SIZE[1]}, {frames} frames per screen (budget at 60 fps: {BUDGET_MS:.1f} ms)")
    print(f"  {'bare pygame frame (fill + one text line)':44s} median {statistics.median(bare):6.2f} ms  "
          f"p95 {p95(bare):6.2f} ms")
    for name, state in states.items():
        times = []
        for _ in range(frames):
            booth.state = replace(state, last_activity=time.monotonic())
            t = time.perf_counter()
            booth.frame(surface)
            times.append((time.perf_counter() - t) * 1000)
        med = statistics.median(times)
        print(f"  {name:44s} median {med:6.2f} ms  p95 {p95(times):6.2f} ms  "
              f"{med / statistics.median(bare):5.1f}x bare, {BUDGET_MS / med:5.1f}x headroom")
    # touch to visible response: a tap on an option until the frame that shows it ticked
    latencies = []
    for i in range(frames):
        booth.state = replace(states["ballot"], vote=replace(vote, selections=(("G01", ()),)),
                              last_activity=time.monotonic())
        booth.frame(surface)
        target = next(t for t in booth.last_frame.targets if isinstance(t.event, flow.Choose)
                      and t.event.option == "P002")
        t = time.perf_counter()
        booth.touch(target.rect.center)
        booth.frame(surface)
        latencies.append((time.perf_counter() - t) * 1000)
        assert booth.state.vote.chosen("G01") == ("P002",)
    print(f"touch to visible response: median {statistics.median(latencies):.2f} ms, p95 {p95(latencies):.2f} ms "
          f"(goal 100 ms: {100 / statistics.median(latencies):.0f}x headroom)")
    booth.close()


CHILD = r"""
import os, sys, time, resource
os.environ["SDL_VIDEODRIVER"] = "dummy"
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from booth_ui import flow
from booth_ui.display import HeadlessScreen
from kiosk.app.booth import SCREEN_SIZE, Appliance
from scanner.showcase import ShowcaseSource
appliance = Appliance(Path(sys.argv[1]) / "station", ShowcaseSource(), None).start()
screen = HeadlessScreen(appliance.booth, SCREEN_SIZE)
screen.frame()
assert appliance.booth.state.screen is flow.Screen.ATTRACT
print("ATTRACT", flush=True)
end = time.monotonic() + float(sys.argv[3])
cpu0 = time.process_time(); wall0 = time.monotonic()
while time.monotonic() < end:
    screen.frame(); time.sleep(1 / 30)
cpu = (time.process_time() - cpu0) / (time.monotonic() - wall0)
rss = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024
print(f"RSS {rss} CPU {cpu * 100:.1f}", flush=True)
appliance.stop()
"""


def process_figures(seconds: float) -> None:
    from kiosk.app.demo import prepare

    root = Path(tempfile.mkdtemp(prefix="booth-bench-"))
    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()):
        prepare(root)
    starts = []
    for _ in range(3):
        t = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(root), str(Path(__file__).resolve().parent.parent),
                                  str(seconds)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in child.stdout:
            if line.startswith("ATTRACT"):
                starts.append(time.perf_counter() - t)
            if line.startswith("RSS"):
                _, rss, _, cpu = line.split()
        child.wait()
    print(f"start-up to the attract screen (process start, station, camera loop, booth): "
          f"median {statistics.median(starts):.2f} s of 3 (goal 5 s)")
    print(f"resident memory of the running booth with the camera loop at 30 fps: {rss} MB (goal 200 MB); "
          f"CPU {cpu} % of one core (drawing at 30 fps and decoding)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=10.0, help="how long the child booth runs")
    args = parser.parse_args()
    frame_times(args.frames)
    process_figures(args.seconds)


if __name__ == "__main__":
    main()
