"""The measurements behind ``scan_bench.py``: decoders side by side, hand presentations, the loop."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import zxingcpp

from scan_tokens import ROOT
from scanner.confirm import FrameConfirmer
from scanner.decode import decode_frame, to_gray
from scanner.decoders import opencv_texts, zbar_texts, zxing_texts


def zxing_library_defaults(gray: np.ndarray) -> list[str]:
    """zxing-cpp as its defaults read a QR code (every QR kind, Micro QR included)."""
    return [r.text for r in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode) if r.valid]


DECODERS = {
    "cascade": decode_frame,
    "zxing-cpp": lambda frame: zxing_texts(to_gray(frame)),
    "pyzbar": lambda frame: zbar_texts(to_gray(frame)),
    "opencv": lambda frame: opencv_texts(to_gray(frame)),
    "zxing-cpp defaults": lambda frame: zxing_library_defaults(to_gray(frame)),
}
UNION_OF = ("cascade", "zxing-cpp", "pyzbar", "opencv")


def decode_side_by_side(samples) -> list[dict]:
    """Every decoder on every frame, interleaved frame by frame so that load hits all alike."""
    rows = []
    for s in samples:
        row = {"category": s.category, "size": f"{s.size[0]}x{s.size[1]}", "has_code": s.payload is not None}
        for name, decode in DECODERS.items():
            started = time.perf_counter()
            texts = decode(s.image)
            row[name] = {"ms": (time.perf_counter() - started) * 1000,
                         "read": s.payload is not None and s.payload in texts,
                         "wrong": sum(t != s.payload for t in texts)}
        row["union"] = {"read": any(row[n]["read"] for n in UNION_OF), "wrong": 0, "ms": float("nan")}
        rows.append(row)
    return rows


def time_to_accept(presentation, decode, validator=None) -> tuple[float | None, list[float]]:
    """Seconds from the code fully in view to its acceptance, simulating the loop's threads.

    Frames arrive every 1/fps s; the decoder takes the newest frame when it is free (older
    ones are dropped, as ``FrameSlot`` does) and is busy for the measured decode time.
    Returns (seconds or None if never accepted, decode times in ms).
    """
    fps, frames = presentation.fps, presentation.frames
    confirmer = FrameConfirmer("bench", validator=validator)
    shown_s = presentation.shown_index / fps
    free_at_s, latencies, i = 0.0, [], 0
    while i < len(frames):
        i = max(i, min(len(frames) - 1, int(free_at_s * fps)))  # the newest frame captured by then
        captured_s = i / fps
        started = time.perf_counter()
        texts = decode(frames[i])
        spent_s = time.perf_counter() - started
        latencies.append(spent_s * 1000)
        done_s = max(free_at_s, captured_s) + spent_s
        if any(confirmer.process(texts, captured_s)) and presentation.payload in texts:
            return max(0.0, done_s - shown_s), latencies
        free_at_s = done_s
        i += 1
    return None, latencies


def loop_cost(folder: Path, seconds: float) -> dict:
    """CPU share and resident memory of the camera loop on ``folder`` played at 30 fps (a child process)."""
    out = subprocess.run([sys.executable, str(Path(__file__)), str(folder), str(seconds)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


def _rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _measure_loop_here(folder: str, seconds: float) -> dict:
    import queue

    from scanner import start_camera_loop

    rss_before = _rss_mb()
    events: queue.Queue = queue.Queue()
    usage0, wall0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    loop = start_camera_loop(f"dir:{folder}?fps=30&loop=1", events)
    time.sleep(seconds)
    usage1, wall1 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    loop.stop()
    cpu_s = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)
    return {"seconds": round(wall1 - wall0, 2), "cpu_share_of_one_core": round(cpu_s / (wall1 - wall0), 3),
            "frames_read": loop.stats.frames_read, "frames_decoded": loop.stats.frames_decoded,
            "frames_dropped": loop.stats.frames_dropped, "events": events.qsize(),
            "full_runs": loop.decode.full_runs, "fast_only_runs": loop.decode.fast_only_runs,
            "rss_mb_before_loop": round(rss_before, 1), "rss_mb_running": round(_rss_mb(), 1),
            "rss_mb_peak": round(_rss_mb("VmHWM"), 1)}


if __name__ == "__main__":  # the child process of ``loop_cost``
    print(json.dumps(_measure_loop_here(sys.argv[1], float(sys.argv[2]))))
