"""bench/pi_budget.py's whole code path in its quick mode, so that the bench cannot rot.

All children run (unthrottled and, where this machine allows a CPU quota, throttled as the
booth is and as it was before the camera slowed down on the voter's screens): the
real appliance to its first attract screen, two voters through camera, booth, printer and
store, the decoder on token frames, encryption, sealing and ``kiosk verify``. Nothing about
speed is asserted; the figures must exist, the votes be cast and the station verify clean.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from kiosk.app.config import CameraConfig
from scanner.showcase import ShowcaseSource

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))
from cpu_quota import CpuQuota, period_for  # noqa: E402
sys.path.remove(str(BENCH))


def test_the_quota_period_keeps_the_kernels_1_ms_minimum():
    assert period_for(0.25) == (1000, 4000)
    assert period_for(0.8) == (1600, 2000)
    quota, period = period_for(0.05)
    assert quota == 1000 and period == 20000


def test_the_camera_stand_in_gives_frames_of_the_size_and_rate_asked(tmp_path):
    source = ShowcaseSource((1280, 720), fps=15)
    source.open()
    t = time.monotonic()
    frames = [source.read() for _ in range(3)]
    assert time.monotonic() - t >= 3 / 15          # paced at 15 fps, not the default 30
    assert all(f.image.shape == (720, 1280, 3) for f in frames)
    assert ShowcaseSource().read().image.shape == (480, 640, 3)


def test_quick_bench_votes_verifies_and_prints_the_goal_table(tmp_path):
    figures = tmp_path / "figures.json"
    run = subprocess.run([sys.executable, str(BENCH / "pi_budget.py"), "--quick", "--data", str(tmp_path / "demo"),
                          "--before", "--json", str(figures)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    out = run.stdout
    for row in ("frame on the ballot screen, p95", "cast (commit + seal-if-due), p95",
                "start-up to ready (first attract frame)", "resident memory, peak", "kiosk verify"):
        assert row in out
    assert "283 us" in out                       # the published Pi 4 figure the quota is calibrated on
    data = json.loads(figures.read_text())
    throttled = [data["pi_budget"], data["before"]]
    camera = CameraConfig()                      # the booth's own camera request, unless told
    assert data["camera"] == [camera.width, camera.height] and data["fps"] == camera.fps
    assert f"camera {camera.width}x{camera.height} at {camera.fps} fps" in out
    assert all(throttled) == (CpuQuota.find().kind is not None and data["fraction"] < 1.0)
    columns = [data["unthrottled"]] + [c for c in throttled if c]
    for column in columns:
        assert column["frame_p95_ms"] > 0 and column["cast_p95_ms"] > 0 and column["startup_s"] > 0
        assert column["rss_mb"] > 0 and column["verify_s"] > 0 and column["decode_read"] > 0
        assert column["cast"] == column["voters"] == 2 and column["verify_ok"]
