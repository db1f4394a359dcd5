"""The booth on a Raspberry-Pi-class CPU budget, beside the same booth unthrottled, in one run.

    .venv/bin/python bench/pi_budget.py [--voters 12] [--frames 120] [--before] [--quick]
        [--camera 1280x720] [--fps 15]

What runs (twice: unthrottled, then under a CPU quota, each in a child process of its own,
bench/pi_budget_child.py): the real appliance (station, camera loop on a camera stand-in with
the demo's real token images at the size and rate the booth asks of its camera, by default
[camera] width, height and fps, booth drawn with SDL_VIDEODRIVER=dummy, a file printer), started from a fresh
interpreter up to the first attract screen ("ready"); then voters, each holding a token up
to the camera, the ballot screen drawn at 60 fps for a while, likes touched, the paper
record printed and the ballot cast with its signatures; then the camera decoder alone on
real token frames, a whole Ttabok ballot encrypted and proved (the verifiable count's cost,
not yet in the cast path), sealing and ``kiosk verify``. ``--before`` adds a third child on
the Pi budget with the camera decoding at full rate on the ballot screen too (as the booth did
before this bench showed that to cost the ballot screen its 60 fps), for before and after.

The quota (bench/cpu_quota.py: cgroup v2 cpu.max, else cgroup v1 cfs quota, else a systemd
scope) is calibrated so that libsodium's Ed25519 verify runs at the speed published for the
Raspberry Pi 4's core: lib25519's speed table (lib25519-20241004, doc/speed.md, row
"Cortex-A72 (2016)") gives 425152 cycles for OpenSSL's Ed25519 verify and 391903 for
lib25519's; libsodium's verify is ref10 code like OpenSSL's, so 425152 cycles at the Pi 4's
1.5 GHz: 283 us. (X25519 on the same row: 424557 cycles, 283 us; printed beside our
ristretto255 scalar multiplication as a check, not used to calibrate.)

The quota is a fraction of ONE core for the whole process, all threads together: the Pi 4
has four cores, so this is the pessimistic reading (camera decoding and drawing share one
Pi core). CFS throttling also adds up to one period of jitter (the period is printed) that a
real slow core does not have; medians are less affected than p95s. The machine is shared, so
the unthrottled column is measured in the same run, and the calibration check (Ed25519 verify
under the quota against 283 us) is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cpu_quota import CpuQuota  # noqa: E402
from pi_budget_child import camera_defaults, size_arg  # noqa: E402

CHILD = Path(__file__).resolve().parent / "pi_budget_child.py"

PI4_HZ = 1.5e9
PI4_ED25519_VERIFY_CYCLES = 425152     # lib25519-20241004 doc/speed.md, Cortex-A72, OpenSSL Ed verif
PI4_X25519_CYCLES = 424557             # same row, OpenSSL X dh
PI4_VERIFY_US = PI4_ED25519_VERIFY_CYCLES / PI4_HZ * 1e6
PI4_X25519_US = PI4_X25519_CYCLES / PI4_HZ * 1e6
GOALS = {"frame_p95_ms": 16.7, "cast_p95_ms": 150.0, "startup_s": 5.0, "rss_mb": 200.0}


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, int(round(len(ordered) * 0.95)) - 1)]


def run_child(quota: CpuQuota | None, fraction: float, root: Path, args, voter_decode_interval_s=None) -> dict:
    """Start a child (under ``quota`` when given), time it to READY, and return its results."""
    argv = [sys.executable, str(CHILD), str(root), "--voters", str(args.voters), "--frames", str(args.frames),
            "--calib-s", str(args.calib_s), "--camera", f"{args.camera[0]}x{args.camera[1]}", "--fps", str(args.fps)]
    if voter_decode_interval_s is not None:
        argv += ["--voter-decode-interval", str(voter_decode_interval_s)]
    errors = tempfile.TemporaryFile("w+")   # the child's log, shown only when it fails
    options = dict(stdout=subprocess.PIPE, stderr=errors, text=True,
                   env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    t = time.perf_counter()
    proc = quota.popen(argv, fraction, **options) if quota else subprocess.Popen(argv, **options)
    result, ready = None, None
    try:
        for line in proc.stdout:
            if line.startswith("READY"):
                ready = time.perf_counter() - t
            elif line.startswith("RESULT "):
                result = json.loads(line[7:])
        proc.wait(timeout=600)
    finally:
        if quota:
            quota.release(proc)
    if result is None:
        errors.seek(0)
        raise RuntimeError(f"the bench child ended with {proc.returncode} and no result:\n{errors.read()[-3000:]}")
    result["startup_s"] = ready
    return result


def calibrate(quota: CpuQuota, seconds: float) -> tuple[float, dict]:
    """The fraction of a core at which Ed25519 verify takes the Pi 4's 283 us (one correction pass)."""
    code = ("import json, sys; sys.path.insert(0, %r); from pi_budget_child import crypto_speed; "
            "print(json.dumps(crypto_speed(%r)))" % (str(Path(__file__).resolve().parent), seconds))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}

    def measure(fraction):
        argv = [sys.executable, "-c", code]
        proc = (quota.popen(argv, fraction, stdout=subprocess.PIPE, text=True, env=env) if fraction
                else subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=env))
        out = proc.communicate(timeout=120)[0]
        quota.release(proc)
        return json.loads(out)

    host = measure(None)
    fraction = min(1.0, host["verify_cpu_us"] / PI4_VERIFY_US)
    if fraction < 1.0 and quota.kind:
        check = measure(fraction)
        fraction = min(1.0, fraction * check["verify_us"] / PI4_VERIFY_US)
    return fraction, host


def summarise(r: dict, slowdown: float) -> dict:
    """The figures of one child's results (``slowdown``: the Pi's, for the modelled frame row)."""
    cast_enc = [c + e for c, e in zip(r["cast_ms"], r["encrypt_ms"])]
    return {
        "frame_p95_ms": p95(r["frame_ms"]), "frame_median_ms": statistics.median(r["frame_ms"]),
        "frame_cpu_model_p95_ms": p95(r["frame_cpu_ms"]) * slowdown,
        "accept_median_ms": statistics.median(r["accept_ms"]), "accept_p95_ms": p95(r["accept_ms"]),
        "paper_p95_ms": p95(r["paper_ms"]),
        "cast_p95_ms": p95(r["cast_ms"]), "cast_median_ms": statistics.median(r["cast_ms"]),
        "encrypt_p95_ms": p95(r["encrypt_ms"]) if r["encrypt_ms"] else float("nan"),
        "cast_enc_p95_ms": p95(cast_enc) if cast_enc else float("nan"),
        "decode_median_ms": statistics.median(r["decode_ms"]), "decode_p95_ms": p95(r["decode_ms"]),
        "loop_decode_ms_mean": r["loop_decode_ms_mean"], "loop_decoded_per_s": r["loop_decoded_per_s"],
        "seal_ms": r["seal_ms"], "verify_s": r["verify_s"], "startup_s": r["startup_s"],
        "rss_mb": r["rss_peak_mb"], "booth_cpu_share": r["booth_cpu_share"],
        "verify_us": r["verify_us"], "mul_us": r["mul_us"],
        "voters": r["voters"], "cast": r["cast"], "verify_ok": r["verify_ok"], "decode_read": r["decode_read"],
    }


ROWS = [  # (label, key, format, goal key)
    ("frame on the ballot screen, p95", "frame_p95_ms", "{:.1f} ms", "frame_p95_ms"),
    ("frame on the ballot screen, median", "frame_median_ms", "{:.1f} ms", None),
    ("frame's own CPU x Pi slowdown, p95 (model)", "frame_cpu_model_p95_ms", "{:.1f} ms", None),
    ("token shown -> accepted, median", "accept_median_ms", "{:.0f} ms", None),
    ("token shown -> accepted, p95", "accept_p95_ms", "{:.0f} ms", None),
    ("paper record (sign + print), p95", "paper_p95_ms", "{:.0f} ms", None),
    ("cast (commit + seal-if-due), p95", "cast_p95_ms", "{:.1f} ms", "cast_p95_ms"),
    ("whole-ballot encryption + proofs (as review shows), p95", "encrypt_p95_ms", "{:.0f} ms", None),
    ("cast + encryption if not done ahead, p95", "cast_enc_p95_ms", "{:.0f} ms", "cast_p95_ms"),
    ("decode a token frame (full cascade), median", "decode_median_ms", "{:.1f} ms", None),
    ("decode a token frame (full cascade), p95", "decode_p95_ms", "{:.1f} ms", None),
    ("camera loop decode, mean per frame", "loop_decode_ms_mean", "{:.1f} ms", None),
    ("camera frames decoded per second, voting", "loop_decoded_per_s", "{:.1f}", None),
    ("sealing the batch", "seal_ms", "{:.0f} ms", None),
    ("kiosk verify", "verify_s", "{:.2f} s", None),
    ("start-up to ready (first attract frame)", "startup_s", "{:.2f} s", "startup_s"),
    ("resident memory, peak", "rss_mb", "{:.0f} MB", "rss_mb"),
    ("booth process CPU while voting (cores)", "booth_cpu_share", "{:.2f}", None),
    ("Ed25519 verify (calibration)", "verify_us", "{:.0f} us", None),
    ("ristretto255 scalar mult", "mul_us", "{:.0f} us", None),
]


def table(free: dict, pi: dict | None, before: dict | None = None) -> list[str]:
    """The figures side by side: unthrottled, (before the fix,) on the Pi budget, ratio, goal, verdict."""
    head = f"  {'':44s} {'unthrottled':>12s}"
    if before:
        head += f" {'Pi, before':>12s}"
    lines = [head + f" {'Pi budget':>12s} {'ratio':>6s} {'goal':>9s}  verdict"]
    for label, key, fmt, goal_key in ROWS:
        a = free[key]
        b = pi[key] if pi else None
        goal = GOALS.get(goal_key) if goal_key else None
        judged = b if b is not None else a
        verdict = "" if goal is None else ("meets" if judged <= goal else "MISSES")
        line = f"  {label:44s} {fmt.format(a):>12s}"
        if before:
            line += f" {fmt.format(before[key]):>12s}"
        lines.append(line + f" {fmt.format(b) if b is not None else '-':>12s} "
                     f"{(b / a if b is not None and a else float('nan')):6.2f} "
                     f"{fmt.format(goal) if goal is not None else '':>9s}  {verdict}")
    return lines


def main(argv: list[str] | None = None) -> int:
    size, fps = camera_defaults()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=12)
    parser.add_argument("--frames", type=int, default=120, help="ballot frames drawn per voter at 60 fps")
    parser.add_argument("--calib-s", type=float, default=0.5, help="seconds per calibration batch")
    parser.add_argument("--quick", action="store_true", help="a few seconds: 2 voters, 10 frames (for the test)")
    parser.add_argument("--data", type=Path, help="reuse a prepared demo directory")
    parser.add_argument("--camera", type=size_arg, default=size, help="camera frame size, WxH (default: [camera])")
    parser.add_argument("--fps", type=float, default=fps, help="camera frames per second (default: [camera])")
    parser.add_argument("--before", action="store_true",
                        help="also run the Pi budget as before the fix (camera at full rate on the ballot)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    if args.quick:
        args.voters, args.frames, args.calib_s = 2, 10, 0.1
    import contextlib
    import io

    from kiosk.app.demo import prepare
    root = args.data or Path(tempfile.mkdtemp(prefix="pi-budget-"))
    with contextlib.redirect_stdout(io.StringIO()):
        prepare(root)
    quota = CpuQuota.find()
    fraction, host = calibrate(quota, args.calib_s)
    print(f"Pi 4 (Cortex-A72, 1.5 GHz) Ed25519 verify, published: {PI4_ED25519_VERIFY_CYCLES} cycles = "
          f"{PI4_VERIFY_US:.0f} us (X25519: {PI4_X25519_US:.0f} us); this machine: "
          f"{host['verify_us']:.0f} us wall, {host['verify_cpu_us']:.0f} us CPU -> "
          f"{PI4_VERIFY_US / host['verify_cpu_us']:.1f}x slower on the Pi")
    print(f"quota: {quota.describe(fraction)} ({fraction * 100:.1f}% of one core)")
    slowdown = PI4_VERIFY_US / host["verify_cpu_us"]
    free = summarise(run_child(None, 1.0, root, args), slowdown)
    throttled = quota.kind and fraction < 1.0
    before = summarise(run_child(quota, fraction, root, args, 0.0), slowdown) if throttled and args.before else None
    pi = summarise(run_child(quota, fraction, root, args), slowdown) if throttled else None
    print(f"{args.voters} voters per run, {args.frames} ballot frames each, camera {args.camera[0]}x{args.camera[1]} "
          f"at {args.fps:g} fps; medians and p95s over them"
          + ("; 'Pi, before': the camera decoding at full rate on the ballot too" if before else ""))
    print("\n".join(table(free, pi, before)))
    if pi:
        print(f"calibration check: Ed25519 verify under the quota {pi['verify_us']:.0f} us against the "
              f"published {PI4_VERIFY_US:.0f} us ({pi['verify_us'] / PI4_VERIFY_US:.2f}x); ristretto255 mul "
              f"{pi['mul_us']:.0f} us against X25519's {PI4_X25519_US:.0f} us")
    else:
        print("no quota run: " + quota.describe(fraction) + "; judge the unthrottled column against the goals "
              f"scaled by the slowdown ({PI4_VERIFY_US / host['verify_cpu_us']:.1f}x)")
    if args.json:
        args.json.write_text(json.dumps({"unthrottled": free, "pi_budget": pi, "before": before, "fraction": fraction,
                                         "camera": list(args.camera), "fps": args.fps, "quota": quota.describe(fraction)}, indent=1))
    wrong = [f"{name}: {c['cast']} of {c['voters']} voters cast, kiosk verify {'ok' if c['verify_ok'] else 'FAILED'}"
             for name, c in (("unthrottled", free), ("before", before), ("Pi budget", pi)) if c and not (c["verify_ok"] and c["cast"] == c["voters"])]
    for line in wrong:
        print("the bench's own check failed: " + line)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
