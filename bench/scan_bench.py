"""The scanner's figures, all in one run on the same frames (docs/scanner.md records them).

    .venv/bin/python bench/scan_bench.py [--seed 2017] [--per-category 40] [--per-category-hd 15]
                                         [--presentations 30] [--loop-seconds 10] [--json OUT]

1. decode rate per category and overall, median / p95 latency per frame, wrong reads: our
   cascade, zxing-cpp alone, pyzbar alone, OpenCV's detector alone, and their union; at
   640x480 and 1280x720; the cost of empty frames;
2. time from token shown to token accepted on simulated hand presentations at 30 fps, with
   the camera loop's decoder (``StillSceneDecoder``) and its frame dropping simulated;
3. CPU share and resident memory of the camera loop at 640x480, 30 fps.
Frames are real minted tokens printed and degraded by ``tests/scancorpus`` (seeded).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import cv2
import numpy as np

from scan_measure import DECODERS, decode_side_by_side, loop_cost, time_to_accept
from scan_tokens import minted_payloads
from scancorpus import CATEGORIES, generate, hand_presentation, make_frame
from scancorpus.degrade import sensor_noise
from scancorpus.scene import cluttered_background
from scanner.still_scene import StillSceneDecoder

NAMES = list(DECODERS) + ["union"]


def rate(rows, name) -> float:
    """Percent of frames with a code that ``name`` read."""
    coded = [r for r in rows if r["has_code"]]
    return 100 * sum(r[name]["read"] for r in coded) / max(1, len(coded))


def print_rates(rows, size: str) -> dict:
    """Print the rate and latency tables of one frame size; return their figures."""
    rows = [r for r in rows if r["size"] == size]
    hard = [r for r in rows if r["category"] not in ("clean", "empty")]
    print(f"\n## {size}: decode rate (%) per category, {len(rows)} frames\n")
    print("| category | " + " | ".join(NAMES) + " |")
    print("|---|" + "---:|" * len(NAMES))
    for category in CATEGORIES[:-1]:
        sub = [r for r in rows if r["category"] == category]
        print(f"| {category} ({len(sub)}) | " + " | ".join(f"{rate(sub, n):.0f}" for n in NAMES) + " |")
    summary = {n: {"hard_rate": rate(hard, n), "all_rate": rate(rows, n)} for n in NAMES}
    print("| **hard set** | " + " | ".join(f"**{summary[n]['hard_rate']:.1f}**" for n in NAMES) + " |")
    print("| all with a code | " + " | ".join(f"{summary[n]['all_rate']:.1f}" for n in NAMES) + " |")
    print(f"\n## {size}: latency per frame (ms) and wrong reads\n")
    print("| decoder | median, frames with a code | p95 | max | median, empty frames | p95, empty | wrong reads |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for n in NAMES[:-1]:
        coded = [r[n]["ms"] for r in rows if r["has_code"]]
        empty = [r[n]["ms"] for r in rows if not r["has_code"]]
        wrong = sum(r[n]["wrong"] for r in rows)
        summary[n] |= {"median_ms": float(np.median(coded)), "p95_ms": float(np.percentile(coded, 95)),
                       "max_ms": max(coded), "empty_median_ms": float(np.median(empty)),
                       "empty_p95_ms": float(np.percentile(empty, 95)), "wrong": wrong}
        s = summary[n]
        print(f"| {n} | {s['median_ms']:.2f} | {s['p95_ms']:.2f} | {s['max_ms']:.1f} | "
              f"{s['empty_median_ms']:.2f} | {s['empty_p95_ms']:.2f} | {wrong} |")
    gap = summary["union"]["hard_rate"] - summary["cascade"]["hard_rate"]
    print(f"\ncascade vs union on the hard set: {gap:.1f} points behind (goal: within 2)")
    return summary


def presentations(payloads, seed: int, count: int) -> dict:
    """Time to accept over ``count`` simulated hand presentations."""
    from kiosk.contract.tokens import BallotToken, parse_token

    results = {"two frames": [], "one frame + token check": []}
    rng = np.random.default_rng([seed, 99])
    for k in range(count):
        p = hand_presentation(payloads[k % len(payloads)], np.random.default_rng(rng.integers(2**63)))
        results["two frames"].append(time_to_accept(p, StillSceneDecoder())[0])
        results["one frame + token check"].append(
            time_to_accept(p, StillSceneDecoder(), validator=lambda t: isinstance(parse_token(t), BallotToken))[0])
    print(f"\n## Hand presentation at 30 fps: token shown to token accepted, {count} presentations\n")
    print("| confirmation | median (s) | p90 (s) | never accepted in 1.5 s |")
    print("|---|---:|---:|---:|")
    out = {}
    for name, times in results.items():
        ok = [t for t in times if t is not None]
        out[name] = {"median_s": float(np.median(ok)), "p90_s": float(np.percentile(ok, 90)),
                     "never": len(times) - len(ok)}
        print(f"| {name} | {out[name]['median_s']:.3f} | {out[name]['p90_s']:.3f} | {out[name]['never']} |")
    return out


def loop_scenes(payloads, seed: int) -> dict[str, list[np.ndarray]]:
    """A still, empty booth (one background, fresh sensor noise) and slips shown one after another."""
    rng = np.random.default_rng([seed, 7])
    booth = make_frame(None, "empty", (640, 480), rng, background=cluttered_background(rng, 640, 480))
    still = [sensor_noise(booth, np.random.default_rng([seed, 7, i]), 3.0) for i in range(30)]
    shown = [f for k in range(4) for f in hand_presentation(payloads[k], np.random.default_rng([seed, 8, k])).frames]
    return {"still empty booth": still, "slips shown one after another": shown}


def camera_loop(payloads, seed: int, seconds: float) -> dict:
    """CPU share and memory of the real camera loop on two scenes."""
    out = {}
    print("\n## Camera loop at 640x480, 30 fps (JPEG frames from a folder, as from an MJPEG camera)\n")
    print("| scene | CPU, share of one core | frames decoded / read | retries skipped (still scene) "
          "| RSS before loop (MB) | RSS running (MB) |")
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="scan-loop-") as tmp:
        for name, frames in loop_scenes(payloads, seed).items():
            folder = Path(tmp) / name.replace(" ", "-")
            folder.mkdir()
            for i, frame in enumerate(frames):
                cv2.imwrite(str(folder / f"{i:04d}.jpg"), frame, [cv2.IMWRITE_JPEG_QUALITY, 85])
            r = out[name] = loop_cost(folder, seconds)
            print(f"| {name} | {100 * r['cpu_share_of_one_core']:.1f} % | {r['frames_decoded']} / {r['frames_read']} | "
                  f"{r['fast_only_runs']} of {r['fast_only_runs'] + r['full_runs']} failed reads | "
                  f"{r['rss_mb_before_loop']} | {r['rss_mb_running']} |")
    return out


def main() -> int:
    """Run every measurement and print the tables."""
    parser = argparse.ArgumentParser(description="The scanner's figures, in one run on the same frames.")
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--per-category", type=int, default=40, help="640x480 frames per category")
    parser.add_argument("--per-category-hd", type=int, default=15, help="1280x720 frames per category")
    parser.add_argument("--presentations", type=int, default=30)
    parser.add_argument("--loop-seconds", type=float, default=10.0)
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args()
    payloads = minted_payloads(120)
    samples = list(generate(payloads, args.seed, args.per_category, sizes=((640, 480),)))
    samples += list(generate(payloads, args.seed + 1, args.per_category_hd, sizes=((1280, 720),)))
    print(f"# Scanner bench: seed {args.seed}, {len(samples)} frames, {len(payloads)} minted test tokens")
    rows = decode_side_by_side(samples)
    figures = {"640x480": print_rates(rows, "640x480"), "1280x720": print_rates(rows, "1280x720")}
    figures["presentation"] = presentations(payloads, args.seed, args.presentations)
    figures["camera_loop"] = camera_loop(payloads, args.seed, args.loop_seconds)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
