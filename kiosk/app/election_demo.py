"""``kiosk demo``: a whole election in one command, kiosks to the verified result, on loopback.

What the 2017 replay (``bench/replay/day.py``) does at national size, at a newcomer's size:
the authority's ``kiosk-central`` verbs (three node keys, the election with its nodes and the
trustees' key ceremony, official tokens, poll-worker cards, the frozen roll, the roster), two kiosks
provisioned with ``kiosk provision`` and opened with card and PIN, voters on the real booth
(camera stand-in, decoder, touches, paper record, signed store), the polls closed with the
results tape printed to a virtual printer and rendered to PNG, ``kiosk-sync once`` to three
``kiosk-central serve`` nodes, the second kiosk carried on a USB export and ingested, every node
witnessing the others, a voter's check of the tracking code the booth showed (``kiosk-central
board check``, found on a node's signed board; the code mistyped, caught by its check character),
and the count without a key (:mod:`kiosk.app.demo_count`): every node
publishes the encrypted aggregates, two of the three trustees decrypt them from their own folders
(no single ballot is ever decrypted), every node combines and verifies, and the standalone
verifier re-derives the results from the record, fed with the closing statements read back from
the tapes. The key ceremony is ``election init``'s DEMO ceremony: every trustee's secret is on
this one machine, in ``authority/trustees/trustee-N/``, which an election never does.

Each step prints one line saying what a person would do and what came of it. Every node is
stopped on the way out. ``--election FILE`` runs the same with a spec of one's own.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from booth_ui.display import HeadlessScreen, WindowScreen
from hardware.tape_image import tape_image
from hardware.virtual_device import VirtualPrinter
from hardware.virtual_printer import TcpServer
from kiosk.app.booth import SCREEN_SIZE, Appliance
from kiosk.app.cliutil import EXIT_BAD, EXIT_OK, EXIT_USAGE, call
from kiosk.app.demo import DEMO_PIN
from kiosk.app.demo_count import DECRYPTING, CountError, count
from kiosk.app.demo_nodes import Nodes
from kiosk.app.demo_results import result_lines
from kiosk.app.pollworker import run_step
from kiosk.app.provision import provision_station
from kiosk.app.voter import vote
from kiosk.station.cardlist import load_card_list
from kiosk.station.station import Station
from kiosk.contract.closing import PREFIX as CLOSING_PREFIX
from kiosk.contract.closing_parts import assemble, is_part
from kiosk.contract.election import Election
from kiosk.contract.package import load_package
from kiosk.station.lifecycle import Action
from scanner.decode import decode_frame
from scanner.showcase import ShowcaseSource
from sync.central.cli import main as central
from sync.cli import main as kiosk_sync
from sync.usb import export

TOKENS_PER_STYLE = 9
COMMUNITIES = 24


class DemoError(RuntimeError):
    """A step did not go as a person would expect; the message names the step and what it printed."""


@dataclass
class DemoKiosk:
    """One polling station's kiosk: its data folder and its virtual receipt printer on TCP."""

    station: str
    data: Path
    printer: VirtualPrinter
    server: TcpServer
    closing: str | None = None


def step(main, *argv: object, stdin: str = "") -> str:
    """Run one of our commands in-process as a person would type it; its output or :class:`DemoError`."""
    code, out = call(main, *argv, stdin=stdin)
    if code != EXIT_OK:
        raise DemoError(f"`{' '.join(str(a) for a in argv[:2])}` exited {code}: {out[-600:]}")
    return out


def closing_from_tape(printed: list[bytes], path: Path) -> list[str]:
    """Render a results tape's printer bytes to a PNG at ``path``; the closing statements its QR codes hold
    (a statement printed in parts joined again, :mod:`kiosk.contract.closing_parts`)."""
    tape = tape_image(printed)
    path.parent.mkdir(parents=True, exist_ok=True)
    tape.save(path)
    read = [t for t in decode_frame(np.array(tape.convert("RGB"))[:, :, ::-1].copy())
            if t.startswith(CLOSING_PREFIX) or is_part(t)]
    assembled = assemble((path.name, t) for t in read)
    if assembled.refused:
        raise DemoError(f"the results tape {path}: {assembled.refused[0]}")
    return [payload for _, payload in assembled.statements]


def choices_for(election: Election, style: str, rng: random.Random) -> list[str]:
    """A voter's plan for any election: per contest of the style, a seeded pick within the rule."""
    picked: list[str] = []
    s = election.style(style)
    for cid in s.contests:
        contest = election.contest(cid)
        allowed = [o.id for o in contest.options if o.id not in s.exclude]
        low, high = max(contest.min, 0), min(contest.max, len(allowed))
        picked += rng.sample(allowed, rng.randint(min(max(low, 1), high), high)) if high else []
    return picked


class ElectionDemo:
    """The whole election under ``root``; :meth:`run` does it all and returns an exit code."""

    def __init__(self, root: Path, spec: Path | None = None, voters: int = 27, log=print,
                 windowed: bool = False) -> None:
        self.root = Path(root)
        self.spec = spec
        self.voters = voters
        self.windowed = windowed  # the booths shown in a window while the scripted voters touch them
        self.say = log
        self.authority = self.root / "authority"
        self.nodes = Nodes(self.root)
        self.kiosks: list[DemoKiosk] = []
        # per cast: the kiosk, what its printer printed for that voter (from, to), the code the booth showed
        self.casts: list[tuple[DemoKiosk, int, int, str]] = []

    # ------------------------------------------------------------------ the authority

    def prepare(self) -> None:
        """Node keys, the election with its three nodes, tokens, cards, the frozen roll."""
        node_args: list[object] = []
        for n in self.nodes.ids:
            out = step(central, "node", "init", "--out", self.nodes.data(n))
            node_args += ["--node", f"{n}={self.nodes.url(n)}={out.split('public key ')[1].split()[0]}"]
        self.say(f"1. node keys made for {', '.join(self.nodes.ids)} (kiosk-central node init); "
                 "each node keeps its key, the package lists its public key")
        what = ["--spec", self.spec] if self.spec else ["--demo", "ttabok", "--communities", COMMUNITIES]
        step(central, "election", "init", "--out", self.authority, *what, *node_args)
        e = load_package(self.authority).election
        self.say(f"2. election package for '{e.title.en}' signed in {self.authority} (kiosk-central election init); "
                 f"the authority key stays offline. A DEMO key ceremony of {e.trustees_count} trustees ran on this "
                 f"machine (their folders in {self.authority / 'trustees'}; in an election each trustee runs "
                 f"'kiosk-central trustee keygen/share/accept' on their own): {e.trustees_threshold} of them are "
                 "needed to decrypt the count, none can decrypt a ballot")
        step(central, "tokens", "mint", "--election", self.authority, "--all-styles", "--count", TOKENS_PER_STYLE,
             "--mode", "official", "--out", self.root / "tokens")
        self.say(f"3. {TOKENS_PER_STYLE} tokens per ballot style minted (kiosk-central tokens mint): "
                 f"{self.root / 'tokens' / 'sheet.pdf'} is the sheet to print and hand out")
        for station in ("S01", "S02"):
            step(central, "cards", "mint", "--election", self.authority, "--role", "poll-worker", "--station",
                 station, "--out", self.root / "cards", stdin=DEMO_PIN + "\n")
        step(central, "tokens", "freeze", "--election", self.authority)
        self.say(f"4. poll-worker cards for S01 and S02 (PIN {DEMO_PIN}); the token roll frozen and signed")

    def tokens(self) -> list[tuple[str, Path]]:
        """(style, PNG) of every minted token, in minting order."""
        folder = self.root / "tokens"
        rows = [line.split("\t") for line in (folder / "payloads.tsv").read_text().splitlines()]
        return [(style, folder / png) for style, _, png, _ in rows]

    # ------------------------------------------------------------------ the stations

    def new_kiosk(self, station: str) -> DemoKiosk:
        """A technician provisions the kiosk; the authority adds it to the roster; the nodes get it."""
        data = self.root / "kiosks" / station
        provision_station(self.authority, station, data, int(time.time()), mode="official", seal_interval_s=0)
        step(central, "kiosks", "add", "--election", self.authority, data / "registration.json")
        card_list = self.root / "cards" / f"list-{station}.json"
        step(central, "cards", "list", "--election", self.authority, "--kiosk", data / "registration.json",
             "--out", card_list)
        with Station.open(data) as opened:  # what 'kiosk cards load' does
            load_card_list(opened, card_list.read_bytes(), int(time.time()))
        printer = VirtualPrinter()
        k = DemoKiosk(station, data, printer, TcpServer(printer).start())
        self.kiosks.append(k)
        return k

    def poll_step(self, k: DemoKiosk, action: Action) -> None:
        """``kiosk open|close`` with the station's poll-worker card and PIN, its report printed."""
        out, err = io.StringIO(), io.StringIO()
        card = self.root / "cards" / f"poll-worker-{k.station}.txt"
        if run_step(k.data, action, card, DEMO_PIN, int(time.time()), printer_url=k.server.url,
                    out=out, err=err) != EXIT_OK:
            raise DemoError(f"`kiosk {action.value}` at {k.station} was refused: {err.getvalue()[-600:]}")

    def open_polls(self, k: DemoKiosk) -> None:
        """The poll worker's card and PIN; the zero report comes out of the printer."""
        self.poll_step(k, Action.OPEN)

    def cast(self, k: DemoKiosk, tokens: list[tuple[str, Path]], rng: random.Random) -> int:
        """Voters at the booth: each token held up to the camera, choices touched, paper, cast."""
        camera = ShowcaseSource()
        appliance = Appliance(k.data, camera, k.server.url).start()
        cast = 0
        try:
            screen = WindowScreen(appliance.booth, SCREEN_SIZE, f"Polling-station kiosk {k.station} (demo)") \
                if self.windowed else HeadlessScreen(appliance.booth, SCREEN_SIZE)
            election = appliance.station.election
            for style, png in tokens:
                before = len(k.printer.printed)
                result = vote(screen, lambda png=png: camera.hold_up(png), choices_for(election, style, rng))
                cast += result.cast
                if result.tracking_code:
                    self.casts.append((k, before, len(k.printer.printed), result.tracking_code))
                camera.take_away()
        finally:
            appliance.stop()
        return cast

    def close_polls(self, k: DemoKiosk) -> Path:
        """The poll worker closes the polls; the results tape is rendered to PNG and its QR read back."""
        before = len(k.printer.printed)
        self.poll_step(k, Action.CLOSE)
        path = self.root / "tapes" / f"{k.station}.png"
        found = closing_from_tape(k.printer.printed[before:], path)
        if len(found) != 1:
            raise DemoError(f"the results tape of {k.station} has no readable closing QR ({path})")
        k.closing = found[0]
        return path

    # ------------------------------------------------------------------ the whole election

    def run(self) -> int:
        """Every step in order; the nodes and printers are stopped whatever happens."""
        try:
            with self.nodes:
                return self._run()
        finally:
            for k in self.kiosks:
                k.server.stop()
            if self.windowed:
                WindowScreen.close()

    def _run(self) -> int:
        t0 = time.monotonic()
        self.prepare()
        a, b = self.new_kiosk("S01"), self.new_kiosk("S02")
        self.nodes.publish(self.authority, self.root / "public")
        self.nodes.start_all()
        self.say("5. kiosks S01 and S02 provisioned (kiosk provision), on the roster (kiosk-central kiosks add), "
                 "their card lists loaded (kiosk-central cards list, kiosk cards load); "
                 f"nodes serving on loopback: {', '.join(self.nodes.url(n) for n in self.nodes.ids)}")
        for k in (a, b):
            self.open_polls(k)
        self.say("6. polls opened at both stations with card and PIN (kiosk open); zero reports printed")
        rng = random.Random(2017)
        tokens = self.tokens()[: self.voters]
        half = (len(tokens) * 2) // 3
        cast = self.cast(a, tokens[:half], rng) + self.cast(b, tokens[half:], rng)
        self.say(f"7. {cast} voters cast at the booth (camera, touches, paper record, signed store): "
                 f"{half} at S01, {len(tokens) - half} at S02")
        if cast != len(tokens):
            raise DemoError(f"only {cast} of {len(tokens)} voters could cast")
        tapes = [self.close_polls(k) for k in (a, b)]
        self.say(f"8. polls closed (kiosk close): results tapes printed and rendered to {tapes[0].parent}; "
                 "the closing statement read back from each tape's QR code")
        out = step(kiosk_sync, "once", "--data", a.data)
        self.say(f"9. S01 delivered its sealed batches to the three nodes (kiosk-sync once): "
                 + "; ".join(out.strip().splitlines()))
        usb = self.root / "usb"
        usb.mkdir(exist_ok=True)
        export(b.data, usb)
        for n in self.nodes.ids:
            self.nodes.stop(n)
            step(central, "ingest", "--data", self.nodes.data(n), "--election", self.nodes.election(n), usb)
            self.nodes.start(n)
        self.say(f"10. S02 has no network: exported to a USB stick ({usb}, kiosk export), ingested by each node "
                 "(kiosk-central ingest)")
        for n in self.nodes.ids:
            step(central, "witness", "--data", self.nodes.data(n), "--election", self.nodes.election(n))
        self.say("11. every node witnessed the others' bulletin boards (kiosk-central witness)")
        self.voter_check()
        return self.count(t0)

    def voter_check(self) -> None:
        """A voter types the code of their receipt (its QR read back; the booth's screen when the package
        prints no receipt) into ``board check``; then with two characters swapped."""
        k, start, end, code = self.casts[len(self.casts) // 2]
        source = "the booth showed"
        if load_package(self.authority).election.receipt:
            tape = tape_image(k.printer.printed[start:end])
            read = [t.split("code=", 1)[1] for t in decode_frame(np.array(tape.convert("RGB"))[:, :, ::-1].copy())
                    if "/receipt?code=" in t]
            if read != [code]:
                raise DemoError(f"the receipt printed for a voter at {k.station} does not carry the booth's code")
            source = "on the voter's printed receipt (its QR read back)"
        found = step(central, "board", "check", code, "--election", self.authority, "--node", self.nodes.url("n1"))
        swapped = next(code[:i] + code[i + 1] + code[i] + code[i + 2:] for i in range(len(code) - 1)
                       if "-" not in code[i:i + 2] and code[i] != code[i + 1])
        said = io.StringIO()
        with contextlib.redirect_stderr(said):
            refused, _ = call(central, "board", "check", swapped, "--election", self.authority)
        if refused != EXIT_USAGE or "swapped" not in said.getvalue():
            raise DemoError(f"a mistyped code was not caught by its check character: {said.getvalue()[-300:]}")
        self.say(f"12. a voter checked the tracking code {source} (kiosk-central board check {code}): "
                 f"{found.strip()}; typed with two characters swapped ({swapped}) it is caught before any node is "
                 "asked: one character is mistyped or two are swapped")

    def count(self, t0: float) -> int:
        """The count without a key on every node, every node's verify, the standalone verifier; the result."""
        e = load_package(self.authority).election
        closings = self.root / "tapes" / "closing-statements.txt"
        closings.write_text("".join(k.closing + "\n" for k in self.kiosks))
        try:
            found = count(self.root, self.authority / "trustees", list(self.nodes.ids), self.nodes.url("n3"),
                          closings, e.lowest_floor)
        except CountError as error:
            raise DemoError(str(error)) from None
        report = found["tallies"]["n1"][1]
        same = "the same on every node" if found["aggregates_equal_on_every_node"] else "NOT the same on every node"
        named = ", ".join(c.title.en for c in e.contests) if len(e.contests) <= 3 else f"{len(e.contests)} contests"
        self.say(f"13. every node added up the encrypted ballots, option by option ({named}), without decrypting "
                 f"one (kiosk-central tally --aggregates): {same}")
        who = " and ".join(str(i) for i in DECRYPTING)
        self.say(f"14. trustees {who} each decrypted those sums from their own folder, with a proof "
                 f"(kiosk-central trustee decrypt): no single ballot was ever decrypted")
        results = self.root / "results" / "n1"
        counted = all(c == EXIT_OK and r.get("ok") for c, r, _ in found["tallies"].values())
        self.say(f"15. every node combined the two decryptions and checked their proofs (kiosk-central tally "
                 f"--partials): {report.get('ballots_counted', 0)} ballots, "
                 f"{'reconciled' if counted else 'NOT reconciled'} with the tapes; {results / 'results.csv'}")
        verified = [n for n, held in found["verified"].items() if held]
        derived = found["observer_from_record_ok"] and found["observer_from_url_ok"] \
            and found["observer_results"] == report.get("results")
        self.say(f"16. verify: {len(verified)} of 3 nodes verify their stores; the standalone verifier "
                 f"(anyone, from the published record and the tapes, nothing secret: kiosk-central verify --from) "
                 f"re-derived the same results: {'passes' if derived else 'FAILS'}")
        self.print_results(results)
        ok = counted and len(verified) == 3 and derived
        self.say(f"done in {time.monotonic() - t0:.0f} s: {'the result is verified' if ok else 'SOMETHING FAILED'}")
        self.say("to look around: kiosk-central serve --data {0} --election {0}/election --port {1}, then open "
                 "http://127.0.0.1:{1}/ (dashboard) and http://127.0.0.1:{1}/receipt (tracking codes)"
                 .format(self.nodes.data("n1"), self.nodes.ports["n1"]))
        return EXIT_OK if ok else EXIT_BAD

    def print_results(self, folder: Path) -> None:
        """The results in the election's own terms (names, votes, blank; Ttabok's columns only for Ttabok)."""
        path = folder / "results.json"
        if not path.exists():
            return
        election = load_package(self.authority).election
        self.say(f"results ({path}; the same numbers in {folder / 'results.csv'}):")
        for line in result_lines(election, json.loads(path.read_text(encoding="utf-8")))[:60]:
            self.say("    " + line)


def run_election_demo(root: Path, spec: Path | None = None, log=print, windowed: bool = False) -> int:
    """``kiosk demo``'s whole election under ``root``; an exit code (1 when anything did not verify).

    ``windowed``: the booths in a window while the scripted voters touch them (with a display)."""
    try:
        return ElectionDemo(root, spec, log=log, windowed=windowed).run()
    except DemoError as e:
        log(f"demo stopped: {e}")
        return EXIT_BAD
