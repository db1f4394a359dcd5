"""bench/pi_budget.py's child process: the booth's work, measured from a fresh interpreter.

    python bench/pi_budget_child.py DEMO_DIR [--voters 12] [--frames 120] [--calib-s 0.5]
        [--camera 1280x720] [--fps 15] [--voter-decode-interval S]

Prints ``READY`` at the first attract frame (the parent times start-up to it), then one line
``RESULT {json}`` with the raw times: the ballot frames, token to accepted, paper record and
cast of each voter, the camera loop's decoding, the decoder alone on token frames, a whole
ballot encrypted and proved per voter, sealing, ``kiosk verify``, the crypto calibration and
the peak resident memory. The parent (bench/pi_budget.py) starts it unthrottled and under
the CPU quota, and makes the table.

The camera stand-in gives frames at the size and rate the booth asks of a real camera
(``[camera] width``, ``height``, ``fps``; kiosk/app/config.py) unless told otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def crypto_speed(seconds: float) -> dict:
    """Mean wall and CPU microseconds of libsodium's Ed25519 verify and a ristretto255 scalar mult.

    Means over a batch lasting ``seconds`` (many quota periods), not medians of single calls:
    under CFS throttling most single calls run at full speed and a few wait a whole period.
    """
    import nacl.signing

    from kiosk.contract.crypto import group

    key = nacl.signing.SigningKey(b"\x07" * 32)
    signed = key.sign(b"pi budget calibration message")
    verify = key.verify_key.verify
    s, p = group.random_scalar(), group.mul_base(group.random_scalar())
    out = {}
    for name, fn in (("verify", lambda: verify(signed)), ("mul", lambda: group.mul(s, p))):
        fn()
        n, wall0, cpu0 = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - wall0 < seconds:
            for _ in range(20):
                fn()
            n += 20
        out[f"{name}_us"] = (time.perf_counter() - wall0) / n * 1e6
        out[f"{name}_cpu_us"] = (time.process_time() - cpu0) / n * 1e6
    return out


def child(root: Path, voters: int, frames: int, calib_s: float, camera_size: tuple[int, int], fps: float,
          voter_decode_interval_s: float | None = None) -> None:
    """Run the booth's work and print ``READY`` at the first attract screen, then ``RESULT {json}``.

    ``camera_size`` and ``fps``: the camera stand-in's frames. ``voter_decode_interval_s``
    overrides the booth's camera rate on the voter's screens (0: the camera decodes at full
    rate everywhere, as before the Pi budget was measured).
    """
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    from kiosk.app import booth as booth_module
    if voter_decode_interval_s is not None:
        booth_module.VOTER_DECODE_INTERVAL_S = voter_decode_interval_s
    from booth_ui import flow
    from booth_ui.display import HeadlessScreen
    from kiosk.app.booth import SCREEN_SIZE, Appliance
    from scanner.showcase import ShowcaseSource

    camera = ShowcaseSource(camera_size, fps=fps)
    appliance = Appliance(root / "station", camera, f"file:{root / f'printer-{os.getpid()}.escpos'}").start()
    screen = HeadlessScreen(appliance.booth, SCREEN_SIZE)
    screen.frame()
    assert appliance.booth.state.screen is flow.Screen.ATTRACT
    print("READY", flush=True)
    result = {"pid": os.getpid()}
    try:
        result.update(voting(appliance, camera, screen, root, voters, frames))
    finally:
        appliance.stop()
    result.update(decoding(root, frames, camera_size))
    result.update(encryption(root, result.pop("cast_selections")))
    result.update(sealing_and_verify(root))
    result.update(crypto_speed(calib_s))
    status = Path("/proc/self/status").read_text()
    result["rss_peak_mb"] = int(status.split("VmHWM:")[1].split()[0]) / 1024
    print("RESULT " + json.dumps(result), flush=True)


def voting(appliance, camera, screen, root: Path, voters: int, frames: int) -> dict:
    """Voters through camera, booth, printer and store; frame, token-to-accepted and cast times."""
    from booth_ui import flow
    from kiosk.app.voter import present_token, vote

    tokens = _tokens(root, skip=appliance.station.ballots)
    booth, port = appliance.booth, appliance.port
    timings = {"frame": [], "frame_cpu": [], "accept": [], "paper": [], "cast": []}
    shown_at = [0.0]
    original_frame = booth.frame

    def timed_frame(surface, events=()):
        t, cpu = time.perf_counter(), time.thread_time()
        out = original_frame(surface, events)
        if booth.state.screen is flow.Screen.BALLOT:
            timings["frame"].append((time.perf_counter() - t) * 1000)
            timings["frame_cpu"].append((time.thread_time() - cpu) * 1000)
        return out
    booth.frame = timed_frame

    def timed(name, fn, after=None):
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            out = fn(*args, **kwargs)
            timings[name].append((time.perf_counter() - (shown_at[0] if after else t)) * 1000)
            return out
        return wrapper
    port.check_token = timed("accept", port.check_token, after=True)
    port.print_paper_record = timed("paper", port.print_paper_record)
    port.cast = timed("cast", port.cast)

    def present(png):
        shown_at[0] = time.perf_counter()
        camera.hold_up(png)

    election = appliance.station.election
    selections, cast = [], 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for i, (style, png) in enumerate(tokens[:voters]):
        if present_token(screen, lambda png=png: present(png)) is not None:
            continue
        next_at = time.perf_counter()
        for _ in range(frames):                # the voter reads the ballot: 60 fps
            screen.frame()
            next_at += 1 / 60
            time.sleep(max(0.0, next_at - time.perf_counter()))
        contest = election.contest(election.style(style).contests[0])
        others = [o.id for o in contest.options if o.id not in election.style(style).exclude]
        likes = others[: 1 + i % 6]
        outcome = vote(screen, lambda: None, likes)
        if outcome.cast:
            cast += 1
            selections.append((style, {contest.id: likes}))
        camera.take_away()
    loop = appliance.camera.stats
    voting_s = time.perf_counter() - wall0
    return {"loop_decoded_per_s": loop.frames_decoded / voting_s, "voters": voters, "cast": cast, "frame_ms": timings["frame"], "frame_cpu_ms": timings["frame_cpu"], "accept_ms": timings["accept"],
            "paper_ms": timings["paper"], "cast_ms": timings["cast"], "cast_selections": selections,
            "booth_cpu_share": (time.process_time() - cpu0) / (time.perf_counter() - wall0),
            "loop_decode_ms_mean": loop.decode_s_total / max(1, loop.frames_decoded) * 1000,
            "loop_frames_decoded": loop.frames_decoded, "loop_frames_dropped": loop.frames_dropped}


def _tokens(root: Path, skip: int = 0) -> list[tuple[str, Path]]:
    """The demo's (style, token PNG) in order, from ``skip`` on (tokens are used in order, one per ballot)."""
    rows = [line.split("\t") for line in (root / "tokens" / "payloads.tsv").read_text().splitlines()]
    return [(style, root / "tokens" / png) for style, _, png, _ in rows][skip:]


def decoding(root: Path, frames: int, camera_size: tuple[int, int]) -> dict:
    """The camera decoder's full cascade on camera frames of real token images (no still-scene shortcut)."""
    from scanner.decode import decode_frame
    from scanner.showcase import ShowcaseSource

    source = ShowcaseSource(camera_size)
    images = []
    for _, png in _tokens(root)[:8]:
        source.hold_up(png)
        images.append(source._shown)
    times, read = [], 0
    for i in range(max(8, frames // 2)):
        t = time.perf_counter()
        read += bool(decode_frame(images[i % len(images)]))
        times.append((time.perf_counter() - t) * 1000)
    return {"decode_ms": times, "decode_read": read}


def encryption(root: Path, selections: list[tuple[str, dict]]) -> dict:
    """A whole ballot encrypted and proved for each voter's selections, apart from the cast.

    The booth encrypts while the review screen shows (``prepare_encryption_for``), so a cast
    includes this only when the early encryption is not of the selections finally cast."""
    from kiosk.contract.crypto.encrypted_ballot import encrypt_ballot
    from kiosk.station.station import Station

    with Station.open(root / "station") as station:
        election = station.election
    key = election.election_public_key
    times = []
    for i, (style, chosen) in enumerate(selections):
        t = time.perf_counter()
        encrypt_ballot(key, election, style, f"{i:032x}", chosen, os.urandom(32))
        times.append((time.perf_counter() - t) * 1000)
    return {"encrypt_ms": times}


def sealing_and_verify(root: Path) -> dict:
    """Seal the unsealed ballots, then ``kiosk verify`` the station directory."""
    from kiosk.station.sealing import seal, unsealed_count
    from kiosk.station.station import Station
    from kiosk.station.verify import verify_data

    with Station.open(root / "station") as station:
        pending = unsealed_count(station)
        t = time.perf_counter()
        if pending:
            seal(station, int(time.time()))
        seal_ms = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    report = verify_data(root / "station")
    return {"seal_ms": seal_ms, "sealed": pending, "verify_s": time.perf_counter() - t, "verify_ok": report.ok}


def camera_defaults() -> tuple[tuple[int, int], int]:
    """The frame size and rate the booth asks of its camera by default ([camera] in kiosk.toml)."""
    from kiosk.app.config import CameraConfig

    camera = CameraConfig()
    return (camera.width, camera.height), camera.fps


def size_arg(text: str) -> tuple[int, int]:
    """``1280x720`` -> (1280, 720)."""
    width, height = text.lower().split("x")
    return int(width), int(height)


def main(argv: list[str] | None = None) -> int:
    size, fps = camera_defaults()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a demo directory made by kiosk.app.demo.prepare")
    parser.add_argument("--voters", type=int, default=12)
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--calib-s", type=float, default=0.5)
    parser.add_argument("--camera", type=size_arg, default=size, help="camera frame size, WxH")
    parser.add_argument("--fps", type=float, default=fps, help="camera frames per second")
    parser.add_argument("--voter-decode-interval", type=float)
    args = parser.parse_args(argv)
    child(args.root, args.voters, args.frames, args.calib_s, args.camera, args.fps, args.voter_decode_interval)
    return 0


if __name__ == "__main__":
    sys.exit(main())
