"""``kiosk demo``: a complete demo station on embedded defaults.

The authority's side runs through the project's own ``kiosk-central`` verbs (a 24-community
Ttabok election, test tokens, a poll-worker card, the frozen roll), the technician's through
``kiosk provision``, and the polls open in test mode. Then voters come: each token image is
held up to a camera stand-in, read by the real camera loop and decoder, checked by the real
station, and the ballot is chosen by touches on the real booth screen, printed as a paper
record (ESC/POS bytes into a file) and cast into the signed store. With a display, a window
opens and the N key holds up the next token; without one (or with ``--headless``) a scripted
set of voters runs and the results are printed.
"""

from __future__ import annotations

import json
import logging
import random
import tempfile
import threading
import time
from pathlib import Path

from booth_ui import flow
from booth_ui.display import HeadlessScreen, has_display, run_window
from booth_ui.screenshots import save_screenshots
from kiosk.app.booth import SCREEN_SIZE, Appliance
from kiosk.app.voter import vote
from kiosk.app.cliutil import EXIT_BAD, EXIT_OK, call
from kiosk.app.provision import provision_station
from kiosk.station.lifecycle import Role
from kiosk.station.polls import close_polls, open_polls
from kiosk.station.reports import count_contests
from kiosk.station.station import Station
from kiosk.station.verify import verify_data
from scanner.showcase import ShowcaseSource
from sync.central.cli import main as central
from kiosk.station.cardlist import load_card_list

log = logging.getLogger(__name__)
COMMUNITIES = 24
DEMO_PIN = "201724"  # the poll-worker cards of both demos (docs/first-election.md, README)
STATION = "S01"


def _run(main, *argv: str, stdin: str = "") -> str:
    """Run one of our commands in-process and return what it printed."""
    code, out = call(main, *argv, stdin=stdin)
    if code != EXIT_OK:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed with exit code {code}")
    return out


def prepare(root: Path) -> list[tuple[str, Path]]:
    """Election, tokens, cards, a provisioned station with its polls open; returns (style, token PNG)."""
    election, tokens = root / "election", root / "tokens"
    if not (root / "station" / "station.json").exists():
        print(_run(central, "election", "init", "--out", election, "--demo", "ttabok",
                   "--communities", COMMUNITIES), end="")
        print(_run(central, "tokens", "mint", "--election", election, "--all-styles", "--count", 9,
                   "--mode", "test", "--out", tokens), end="")
        print(_run(central, "cards", "mint", "--election", election, "--role", "poll-worker", "--station",
                   STATION, "--out", root / "cards", stdin=DEMO_PIN + "\n"), end="")
        print(_run(central, "tokens", "freeze", "--election", election), end="")
        done = provision_station(election, STATION, root / "station", int(time.time()), mode="test")
        print(f"station {done['station']} provisioned in {done['data']} ({done['mode']} mode)")
        registration, card_list = root / "station" / "registration.json", root / "cards" / f"list-{STATION}.json"
        print(_run(central, "kiosks", "add", "--election", election, registration), end="")
        print(_run(central, "cards", "list", "--election", election, "--kiosk", registration, "--out", card_list), end="")
        with Station.open(root / "station") as station:  # what 'kiosk cards load' does
            load_card_list(station, card_list.read_bytes(), int(time.time()))
        with Station.open(root / "station") as station:
            open_polls(station, int(time.time()), by="demo", role=Role.POLL_WORKER)
        print(f"polls opened at station {STATION} in test mode (poll-worker card PIN {DEMO_PIN})")
    rows = [line.split("\t") for line in (tokens / "payloads.tsv").read_text().splitlines()]
    return [(style, tokens / png) for style, _, png, _ in rows]


def scripted_voters(appliance: Appliance, camera: ShowcaseSource, tokens: list[tuple[str, Path]]) -> dict:
    """Voters of group 1 with a seeded plan; one reuses a token, one tries a seventh like."""
    rng = random.Random(2017)
    screen = HeadlessScreen(appliance.booth, SCREEN_SIZE)
    e = appliance.station.election
    outcome = {"cast": 0, "refused": 0}
    seventh_tried = False
    plan = [(style, png) for style, png in tokens if style in {"C001", "C002", "C003", "C004"}][:12]
    for style, png in plan:
        others = [o.id for o in e.contest(e.style(style).contests[0]).options if o.id not in e.style(style).exclude]
        likes = rng.sample(others, rng.randint(0, 6))
        tries = []
        if style == "C002" and not seventh_tried:
            likes, tries, seventh_tried = others[:6], others[6:7], True  # the seventh is refused with a notice
        result = vote(screen, lambda png=png: camera.hold_up(png), likes, tries)  # tries: a seventh like
        outcome["cast" if result.cast else "refused"] += 1
    camera.take_away()
    time.sleep(3.2)  # the camera holds a payload back until it has been away for 3 s
    again = vote(screen, lambda: camera.hold_up(plan[0][1]), [])
    outcome["refused_again"] = again.screen is flow.Screen.REFUSED
    return outcome


def run_demo(data: Path | None, headless: bool, screenshots: Path | None) -> int:
    """The demo station, in a window or scripted; returns an exit code."""
    root = Path(data) if data else Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
    print(f"demo files in {root}")
    tokens = prepare(root)
    camera = ShowcaseSource()
    appliance = Appliance(root / "station", camera, f"file:{root / 'printer.escpos'}").start()
    if screenshots:
        n = save_screenshots(appliance.station.election, appliance.station.mode, Path(screenshots))
        print(f"{n} screenshots in {screenshots}")
    try:
        if headless or not has_display():
            outcome = scripted_voters(appliance, camera, tokens)
        else:
            outcome = _windowed(appliance, camera, tokens, root / "cards" / f"poll-worker-{STATION}.png")
    finally:
        appliance.stop()
    return _close_and_report(root, outcome)


def _windowed(appliance: Appliance, camera: ShowcaseSource, tokens, card: Path) -> dict:
    queue_ = iter(tokens)
    print(f"a window is open: N holds up the next token, C the poll-worker card (PIN {DEMO_PIN}); "
          "close the window to end the demo")

    def on_key(name: str) -> None:
        if name == "n":
            _, png = next(queue_, (None, None))
            if png:
                camera.hold_up(png)
        elif name == "c":
            camera.hold_up(card, seconds=2.0)

    run_window(appliance.booth, SCREEN_SIZE, False, threading.Event(), on_key=on_key)
    return {}


def _close_and_report(root: Path, outcome: dict) -> int:
    with Station.open(root / "station") as station:
        before = station.ballots
        close_polls(station, int(time.time()), by="demo", role=Role.POLL_WORKER)
        ballots = [(r.style, json.loads(r.selections)) for r in station.store.ballots()]
        counts = count_contests(station.election, ballots)
    report = verify_data(root / "station")
    print(f"{outcome.get('cast', before)} ballots cast through camera, booth and store; "
          f"{outcome.get('refused', 0)} refused at the booth; a reused token refused: "
          f"{outcome.get('refused_again', 'n/a')}")
    for count in counts:
        likes = ", ".join(f"{o} {n}" for o, n in count.by_option.items() if n)
        print(f"  {count.contest}: {count.ballots} ballots, likes: {likes or 'none'}")
    print(f"polls closed, the closing batch sealed into {root / 'station' / 'outbox'}")
    print(f"paper records and reports printed to {root / 'printer.escpos'}")
    print("kiosk verify: " + ("every entry, ballot and batch verifies" if report.ok
                              else f"PROBLEMS: {report.problems[0].place}: {report.problems[0].detail}"))
    return EXIT_OK if report.ok and outcome.get("refused_again", True) else EXIT_BAD
