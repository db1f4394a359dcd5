"""The 2017 Ttabok vote replayed on kiosks, central nodes and trustees: one whole election day.

Every step is the project's own command or daemon, run as the person would: the authority's
``kiosk-central`` verbs (election, tokens, poll-worker cards, freeze, the roster), the
technician's ``kiosk provision``, the poll worker's ``kiosk open`` / ``kiosk close`` with card
and PIN (reports on a virtual ESC/POS printer on TCP), the booth (``booth_day.py``: the
appliance's own parts, members touching the screen), ``kiosk-sync run`` per kiosk,
``kiosk-central serve`` for three nodes on loopback, ``kiosk export`` and ``kiosk-central
ingest`` for the station without a network, ``kiosk-central witness``, and the count without a
key (:mod:`kiosk.app.demo_count`: aggregates on every node, two of the three trustees' partial
decryptions, ``verify`` on every node, and the standalone ``verify --from`` re-deriving the results
with the closing statements read back from the printed results tapes, the tape rendered to an
image and decoded by the scanner's decoder). The trustees' key ceremony runs first, every trustee
in a folder of their own (:mod:`sync.central.ceremony_cli`), and the election takes its key with
``election init --trustees-from``. One-shot commands run in-process (``main(argv)``, the very
code of the scripts); the long-running ones are separate processes.

What happens to the day: one node is killed (-9) a third of the way through and comes back two
thirds through; one kiosk is killed (-9) while a member is casting and its station carries on
with a replacement kiosk (the dead kiosk is closed at the end of the day, as a technician
would, so its ballots are sealed); one member's token is spent at two stations' kiosks; the
last station has no network and its batches travel on a USB export.

Only :func:`compare` sees the plan's expected result, after everything else is done.
"""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

from hardware.virtual_device import VirtualPrinter
from hardware.virtual_printer import TcpServer
from kiosk.app.cliutil import call
from kiosk.app.demo_count import count
from kiosk.app.demo_nodes import NODE_IDS as NODES
from kiosk.app.demo_nodes import Nodes
from kiosk.app.election_demo import closing_from_tape
from kiosk.cli import main as kiosk
from kiosk.contract.cards import pin_problem
from kiosk.contract.package import load_package
from kiosk.contract.ttabok import ttabok_spec
from kiosk.contract.ttabok_judging import add_judging
from replay.parts import HERE, Kiosk, Options, Outcome, ReplayError, judge, ok, python
from replay.judging_day import publish_selection
from replay.plan import Voter, make_plan
from sync.central.ceremony_cli import run_ceremony
from sync.central.cli import main as central
from sync.cli import main as kiosk_sync

__all__ = ["Day", "Options", "Outcome", "ReplayError"]
DOWN_NODE = "n2"
TRUSTEES, THRESHOLD = 3, 2


class Day:
    """One replayed election day in ``options.workdir``; :meth:`run` does it all."""

    def __init__(self, options: Options) -> None:
        self.o = options
        self.w = Path(options.workdir)
        self.rng = random.Random(options.seed)
        self.authority = self.w / "authority"
        self.nodes = Nodes(self.w)  # the three kiosk-central serve processes, as kiosk demo starts them
        self.kiosks: list[Kiosk] = []
        self.pins: dict[str, str] = {}
        self.timings: dict[str, float] = {}
        self.cleanup = contextlib.ExitStack()
        self.in_flight_committed: bool | None = None

    # ------------------------------------------------------------------ the authority

    def prepare_election(self) -> None:
        """Node keys, the election with its nodes, the tokens, a second election, cards, the frozen roll."""
        node_args = []
        for n in NODES:
            out = ok(central, "node", "init", "--out", self.w / "nodes" / n)
            key = out.split("public key ")[1].split()[0]
            node_args += ["--node", f"{n}={self.nodes.url(n)}={key}"]
        # the trustees' ceremony first: the package carries its key
        public = run_ceremony(self.w / "trustees", ttabok_spec(self.o.communities)["id"], TRUSTEES, THRESHOLD)
        node_args += ["--trustees-from", public, "--trustees", TRUSTEES, "--threshold", THRESHOLD]
        ok(central, "election", "init", "--out", self.authority, "--demo", "ttabok", "--judging",
           "--communities", self.o.communities, *node_args)
        members = [s["id"] for s in ttabok_spec(self.o.communities)["styles"]]
        representatives = [s["id"] for s in add_judging(ttabok_spec(self.o.communities))["styles"][len(members):]]
        ok(central, "tokens", "mint", "--election", self.authority, *(a for s in members for a in ("--style", s)), "--count", 9,
           "--mode", "official", "--out", self.w / "tokens")
        ok(central, "tokens", "mint", "--election", self.authority, *(a for s in representatives for a in ("--style", s)),
           "--count", 1,
           "--mode", "official", "--out", self.w / "rep-tokens")
        ok(central, "election", "init", "--out", self.w / "other-election", "--demo", "ttabok", "--communities", 12)
        ok(central, "tokens", "mint", "--election", self.w / "other-election", "--style", "C001", "--count", 9,
           "--mode", "official", "--out", self.w / "other-tokens")
        for station in self.station_names:
            self.pins[station] = f"{self.rng.randrange(10 ** 6):06d}"
            while pin_problem(self.pins[station]):  # a trivial PIN is refused at minting
                self.pins[station] = f"{self.rng.randrange(10 ** 6):06d}"
            ok(central, "cards", "mint", "--election", self.authority, "--role", "poll-worker", "--station", station,
               "--out", self.w / "cards", stdin=self.pins[station] + "\n")
        ok(central, "tokens", "freeze", "--election", self.authority)

    @property
    def station_names(self) -> list[str]:
        return [f"S{i:02d}" for i in range(1, self.o.stations + 1)]

    def tokens(self, folder: str) -> list[tuple[str, str, str]]:
        """(style, PNG path, payload) of a ``payloads.tsv``, in minting order."""
        rows = [line.split("\t") for line in (self.w / folder / "payloads.tsv").read_text().splitlines()]
        return [(style, str(self.w / folder / png), payload) for style, _, png, payload in rows]

    def publish(self) -> None:
        """Copy the public package (no authority key, no trustee share) to every node and the observer."""
        self.nodes.publish(self.authority, self.w / "public")

    def start_node(self, n: str) -> None:
        try:
            self.nodes.start(n)
        except RuntimeError as e:
            raise ReplayError(str(e)) from None

    # ------------------------------------------------------------------ kiosks

    def new_kiosk(self, station: str, name: str) -> Kiosk:
        """A technician provisions a kiosk, the authority puts it on the roster and makes its card list,
        the technician loads the list, the nodes get the roster."""
        data = self.w / "kiosks" / name
        ok(kiosk, "provision", "--election", self.authority, "--station", station, "--data", data,
           "--mode", "official", "--seal-minutes", self.o.seal_minutes)
        ok(central, "kiosks", "add", "--election", self.authority, data / "registration.json")
        card_list = self.w / "cards" / f"list-{name}.json"  # the PIN verifiers reach a kiosk only in its list
        ok(central, "cards", "list", "--election", self.authority, "--kiosk", data / "registration.json",
           "--out", card_list)
        ok(kiosk, "cards", "load", "--data", data, card_list)
        self.publish()
        printer = VirtualPrinter()
        server = TcpServer(printer).start()
        self.cleanup.callback(server.stop)
        k = Kiosk(station, name, data, printer, server)
        self.kiosks.append(k)
        return k

    def open_polls(self, k: Kiosk, mistype: bool = False) -> None:
        """The poll worker's card and PIN (one mistyped first, when asked), then the zero report."""
        card = self.w / "cards" / f"poll-worker-{k.station}.txt"
        if mistype:
            wrong = f"{(int(self.pins[k.station]) + 1) % 10 ** 6:06d}"
            code, _ = call(kiosk, "open", "--data", k.data, "--card", card, "--printer", k.printer_url, stdin=wrong + "\n")
            if code != 1:
                raise ReplayError(f"a wrong PIN at {k.name} was not refused (exit {code})")
        before = len(k.printer.printed)
        ok(kiosk, "open", "--data", k.data, "--card", card, "--printer", k.printer_url,
           stdin=self.pins[k.station] + "\n")
        if len(k.printer.printed) <= before:
            raise ReplayError(f"no zero report came out of {k.name}'s printer")

    def close_polls(self, k: Kiosk) -> None:
        """The poll worker closes the polls; the closing statement is read back from the tape's QR."""
        card = self.w / "cards" / f"poll-worker-{k.station}.txt"
        before = len(k.printer.printed)
        ok(kiosk, "close", "--data", k.data, "--card", card, "--printer", k.printer_url,
           stdin=self.pins[k.station] + "\n")
        found = closing_from_tape(k.printer.printed[before:], self.w / "tapes" / f"{k.name}.png")
        if len(found) != 1:
            raise ReplayError(f"the results tape of {k.name} has no readable closing QR")
        k.closing_payload = found[0]

    def start_sync(self, k: Kiosk) -> None:
        log = open(k.data.parent / f"{k.name}-sync.log", "ab")
        k.sync = python("-m", "sync", "run", "--data", k.data, "--max-backoff-s", 2, "--idle-s", 0.5,
                        "--timeout-s", 10, stdout=log, stderr=log)

    def start_booth(self, k: Kiosk, queue: list[dict]) -> None:
        """The booth process with its members' queue; a thread reads what they saw."""
        path = k.data.parent / f"{k.name}-queue.json"
        path.write_text(json.dumps(queue))
        err = open(k.data.parent / f"{k.name}-booth.log", "ab")
        k.booth = python(HERE / "booth_day.py", "--data", k.data, "--printer", k.printer_url, "--queue", path,
                         stdout=subprocess.PIPE, stderr=err, text=True)

        def read() -> None:
            for line in k.booth.stdout:
                if line.startswith("CASTING"):  # killed at once, from this thread: mid-cast
                    k.booth.send_signal(signal.SIGKILL)
                    k.casting.set()
                elif line.startswith("{"):
                    k.seen.append(json.loads(line))
        threading.Thread(target=read, daemon=True).start()

    # ------------------------------------------------------------------ the day

    def queue_for(self, items: list, kill_at: int | None = None) -> list[dict]:
        """The booth's queue file: each member's token payload (and PNG for the camera) and intentions."""
        payloads, other = self.payloads, self.other
        out = []
        for i, item in enumerate(items):
            if isinstance(item, Voter):
                _, png, payload = payloads[item.token]
                out.append({"kind": "vote", "payload": payload, "png": png if item.camera else None,
                            "likes": list(item.likes), "tries": list(item.tries), "kill": i == kill_at,
                            "grades": dict(item.grades)})
            else:
                payload = payloads[item.token][2] if item.kind == "used" else other[item.token][2]
                out.append({"kind": "present", "payload": payload, "png": None})
        return out

    def run(self) -> Outcome:
        """The whole day, phase by phase; every process is stopped on the way out, whatever happens."""
        with self.cleanup:
            self.cleanup.callback(self.stop_everything)
            t0 = time.monotonic()
            for folder in ("tapes", "kiosks", "usb"):
                (self.w / folder).mkdir(parents=True, exist_ok=True)
            for phase in (self.authority_phase, self.stations_phase, self.voting_phase, self.closing_phase):
                with self.timed(phase.__name__.replace("_phase", "_s")):
                    phase()
            with self.timed("tally_verify_s"):
                counted = self.counting_phase()
            self.timings["total_s"] = time.monotonic() - t0
            return judge(self, *counted)

    @contextlib.contextmanager
    def timed(self, name: str):
        start = time.monotonic()
        yield
        self.timings[name] = time.monotonic() - start

    def authority_phase(self) -> None:
        """The election, its tokens and cards, the frozen roll; then the members' plan."""
        o = self.o
        o.log(f"authority: the {o.communities}-community judged election, {o.communities * 9} member and "
              f"{o.communities} representative tokens, cards, roll frozen")
        self.prepare_election()
        self.publish()
        self.payloads, self.other = self.tokens("tokens") + self.tokens("rep-tokens"), self.tokens("other-tokens")
        by_style: dict[str, list[int]] = {}
        for i, (style, _, _) in enumerate(self.payloads):
            by_style.setdefault(style, []).append(i)
        self.spec = add_judging(ttabok_spec(o.communities))
        self.plan = make_plan(self.spec, by_style, o.stations, o.seed, o.camera_share, len(self.other))

    def stations_phase(self) -> None:
        """Three nodes serving; each station provisioned, on the roster, opened; its sync daemon."""
        for n in NODES:
            self.start_node(n)
        self.o.log(f"nodes {', '.join(NODES)} serving on loopback; {self.o.stations} stations: provision, "
                   "open with card and PIN")
        self.first = {}
        for s in self.plan.stations:
            k = self.new_kiosk(s.station, f"{s.station}-a")
            self.open_polls(k, mistype=s is self.plan.stations[0])
            if s.station != self.plan.usb_station:
                self.start_sync(k)
            self.first[s.station] = k

    def voting_phase(self) -> None:
        """Every booth's members; a node down for the middle third; a kiosk killed mid-cast and replaced."""
        plan = self.plan
        total = sum(len(s.queue) for s in plan.stations)
        self.o.log(f"polls open: {total} members come ({len(plan.voters)} ballots to cast)")
        for s in plan.stations:
            kill_at = plan.kill_at if s.station == plan.killed_station else None
            queue = s.queue[:kill_at + 1] if kill_at is not None else s.queue
            self.start_booth(self.first[s.station], self.queue_for(queue, kill_at))
        self.dead = dead = self.first[plan.killed_station]
        self.replacement, node_down = None, None
        while self.replacement is None or any(k.booth.poll() is None for k in self.kiosks):
            done = sum(len(k.seen) for k in self.kiosks)
            if node_down is None and done >= total * 0.3:
                self.o.log(f"node {DOWN_NODE} killed (-9) after {done} members")
                self.nodes.stop(DOWN_NODE, kill=True)
                node_down = True
            if node_down and done >= total * 0.7:
                self.o.log(f"node {DOWN_NODE} back after {done} members")
                self.start_node(DOWN_NODE)
                node_down = False
            if self.replacement is None and dead.casting.is_set():
                dead.booth.wait(timeout=30)
                self.replacement = self.replace(dead)
            bad = [k.name for k in self.kiosks if k is not dead and k.booth.poll() not in (None, 0)]
            bad += [dead.name] if dead.booth.poll() is not None and not dead.casting.is_set() else []
            if bad:
                raise ReplayError(f"the booth of {', '.join(bad)} stopped with an error (see its booth log)")
            time.sleep(0.2)
        if node_down:  # the day ended before two thirds were through
            self.start_node(DOWN_NODE)

    def closing_phase(self) -> None:
        """Close every kiosk (tapes), deliver to every node, carry the USB station, witness."""
        self.o.log("polls close: results tapes printed; the dead kiosk is closed too, to seal its ballots")
        for k in self.kiosks:
            self.close_polls(k)
        self.wait_delivered([k for k in self.kiosks if k.sync is not None])
        usb = self.first[self.plan.usb_station]
        ok(kiosk, "export", "--data", usb.data, "--to", self.w / "usb")
        self.o.log(f"{usb.name} exported to USB; each node ingests it")
        for n in NODES:
            self.nodes.stop(n)
            ok(central, "ingest", "--data", self.w / "nodes" / n, "--election", self.w / "nodes" / n / "election",
               self.w / "usb")
            self.start_node(n)
        for n in NODES:
            ok(central, "witness", "--data", self.w / "nodes" / n, "--election", self.w / "nodes" / n / "election")

    def counting_phase(self) -> tuple[dict, dict, bool]:
        """Aggregates on every node, two trustees decrypt, every node combines and verifies; the observer
        re-derives the results from the exported record and from a node's URL (kiosk/app/demo_count.py)."""
        self.decide_double_uses()
        self.o.log("every node publishes aggregates; trustees 1 and 3 decrypt; every node combines; the observer "
                   "re-derives the results from the record")
        closings = self.w / "tapes" / "closing-statements.txt"
        closings.write_text("".join(k.closing_payload + "\n" for k in self.kiosks))
        found = count(self.w, self.w / "trustees", list(NODES), self.nodes.url("n3"), closings,
                      load_package(self.authority).election.lowest_floor)
        results = found["tallies"]["n1"][1]["results"]
        observer_ok = (found["observer_from_record_ok"] and found["observer_from_url_ok"]
                       and found["aggregates_equal_on_every_node"] and found["observer_results"] == results)
        self.o.log("the experts' scores signed; every node publishes the selection; the observer re-derives it")
        self.selection = publish_selection(self, list(NODES), self.nodes.url("n3"))
        return found["tallies"], found["verified"], observer_ok

    def decide_double_uses(self) -> None:
        """Central staff decide each token n1 caught twice (its signed records): the ballot first on
        the board counts, as if its paper record were found; the decisions go to every node."""
        records = sorted((self.w / "nodes" / "n1" / "double-uses" / "official").glob("*.json"))
        for path in records:
            body = json.loads(path.read_text())["body"]
            ok(central, "double-use", "decide", "--election", self.authority, "--token", body["token_ref_hex"],
               "--count", body["ballots"][0]["ballot_id_hex"], "--reason", "paper record found (replay)")
        self.o.log(f"central staff decide {len(records)} double use(s): the first ballot on the board counts")
        for place in [self.w / "nodes" / n / "election" for n in NODES] + [self.w / "public"]:
            if records:  # only this file: the nodes have the roll open
                shutil.copy2(self.authority / "decisions.json", place / "decisions.json")

    def replace(self, dead: Kiosk) -> Kiosk:
        """The station's kiosk died mid-cast: a technician brings a spare, the poll worker opens it."""
        cast_seen = sum(1 for s in dead.seen if s["screen"] == "cast_done")
        status = json.loads(ok(kiosk, "status", "--data", dead.data, "--json"))
        self.in_flight_committed = status["ballots"] > cast_seen
        self.o.log(f"{dead.name} killed (-9) mid-cast after {len(dead.seen)} members; the ballot being cast "
                   f"was {'on disk' if self.in_flight_committed else 'not on disk'}; a replacement opens")
        k = self.new_kiosk(dead.station, f"{dead.station}-b")
        self.open_polls(k)
        self.start_sync(k)
        station = next(s for s in self.plan.stations if s.station == dead.station)
        # the member being cast when the kiosk died votes again at the replacement, then the rest
        self.start_booth(k, self.queue_for(station.queue[self.plan.kill_at:]))
        return k

    def wait_delivered(self, kiosks: list[Kiosk], timeout_s: float = 600) -> None:
        """Until every node holds every batch of every networked kiosk (the daemons' checked acks)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            pending = []
            for k in kiosks:
                status = json.loads(ok(kiosk_sync, "status", "--data", k.data, "--json"))
                pending += [k.name for b in status["batches"] if set(b["acknowledged_by"]) != set(NODES)]
            if not pending:
                for k in kiosks:
                    k.sync.terminate()
                    k.sync.wait(timeout=30)
                    k.sync = None
                return
            time.sleep(0.5)
        raise ReplayError(f"not delivered to every node after {timeout_s:.0f} s: {sorted(set(pending))}")

    def stop_everything(self) -> None:
        for k in self.kiosks:
            for proc in (k.booth, k.sync):
                if proc is not None and proc.poll() is None:
                    proc.kill()
                    proc.wait(timeout=30)
        self.nodes.stop_all()
