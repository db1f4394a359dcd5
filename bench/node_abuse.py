"""A node under abuse on loopback while a kiosk delivers: the node's peak RSS and the kiosk's
delivery latency in each attack, beside a quiet run.

The node is the real ``kiosk-central serve`` in its own process, with the usual 1,024 file
descriptors (the limit a flood of 1,100 half-sent requests used to exhaust) and its default limits
(:class:`sync.central.limits.NodeLimits`). The kiosk posts its sealed batches from 127.0.0.1, one
new connection per batch; the attackers come from 127.0.0.2 ... 127.0.0.41, bounded in count and
time:

- ``slowloris``: 1,100 connections, each sending a header byte every 2 s and never finishing;
- ``slow-bodies``: 12 batch uploads declaring 32 MiB, sending 8 MiB at once and then 100 B/s;
- ``huge-bodies``: 8 uploads of 1 GiB as fast as loopback goes (2 declared batches, 2 declared
  witness cosigning requests, 4 chunked batches);
- ``half-open``: 1,100 connections that send nothing.

Each attack runs ``--warmup`` seconds before the kiosk starts, and stops when the kiosk is done
and ``--hold`` seconds have passed (so the node's 10-s deadlines have had their turn).
Printed per scenario: batches accepted, median and worst delivery latency, the latency's ratio to the quiet run, the
node's peak RSS (VmRSS sampled every 20 ms, and VmHWM), and how many attack connections the node
had closed by the end.

    .venv/bin/python bench/node_abuse.py [--batches 20] [--warmup 3] [--hold 15] [--only slowloris ...] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import httpx  # noqa: E402

from centralhelp import batches, make_central_election  # noqa: E402
from kiosk.contract.keys import save_signing_key  # noqa: E402
from sync.central.node import NODE_KEY  # noqa: E402
from synchelp import kiosk_with_batches  # noqa: E402

ATTACKERS = [f"127.0.0.{i}" for i in range(2, 42)]
MIB = 1024 * 1024


class Attack:
    """Attack connections run on an asyncio loop in a thread until ``stop``; counts closures."""

    def __init__(self, port: int) -> None:
        self.port, self.closed, self.opened, self.refused = port, 0, 0, 0
        self.loop = asyncio.new_event_loop()
        self.stopping = asyncio.Event()

    async def connect(self, n: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        try:
            r, w = await asyncio.open_connection("127.0.0.1", self.port, local_addr=(ATTACKERS[n % len(ATTACKERS)], 0))
        except OSError:
            self.refused += 1
            return None
        self.opened += 1
        return r, w

    async def watch(self, reader: asyncio.StreamReader) -> None:
        """Count the connection as closed by the node once it reads EOF (or a reset)."""
        try:
            while await reader.read(65536):
                pass
        except OSError:
            pass
        self.closed += 1

    async def dribble(self, n: int, head: bytes, then: bytes, every_s: float, first: bytes = b"") -> None:
        found = await self.connect(n)
        if found is None:
            return
        r, w = found
        watcher, stop = asyncio.ensure_future(self.watch(r)), asyncio.ensure_future(self.stopping.wait())
        try:
            w.write(head + first)
            await w.drain()
            while not stop.done() and not watcher.done():
                await asyncio.wait([stop, watcher], timeout=every_s, return_when=asyncio.FIRST_COMPLETED)
                if then and not watcher.done():
                    w.write(then)
                    await w.drain()
        except OSError:
            pass
        finally:
            w.close()
            stop.cancel()
            if not watcher.done():
                watcher.cancel()

    async def flood(self, n: int, head: bytes, chunk: bytes, total: int, chunked: bool) -> None:
        found = await self.connect(n)
        if found is None:
            return
        r, w = found
        watcher = asyncio.ensure_future(self.watch(r))
        sent = 0
        try:
            w.write(head)
            while sent < total and not self.stopping.is_set() and not watcher.done():
                w.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
                sent += len(chunk)
                await w.drain()
        except OSError:
            pass
        finally:
            w.close()
            if not watcher.done():
                await asyncio.wait([watcher], timeout=1)

    def run(self, coroutines) -> threading.Thread:
        async def main():
            tasks = []
            for c in coroutines:
                tasks.append(asyncio.ensure_future(c))
                await asyncio.sleep(0.001)  # a flood, not a single burst the backlog drops
            await asyncio.gather(*tasks, return_exceptions=True)

        thread = threading.Thread(target=self.loop.run_until_complete, args=(main(),), daemon=True)
        thread.start()
        return thread

    def stop(self, thread: threading.Thread) -> None:
        self.loop.call_soon_threadsafe(self.stopping.set)
        thread.join(30)


def scenario_coroutines(name: str, attack: Attack):
    post = b"POST /v1/batches HTTP/1.1\r\nHost: node\r\n"
    if name == "slowloris":
        return [attack.dribble(i, b"GET /v1/node HTTP/1.1\r\nHost: node\r\nX-a: ", b"a", 2.0) for i in range(1100)]
    if name == "half-open":
        return [attack.dribble(i, b"", b"", 2.0) for i in range(1100)]
    if name == "slow-bodies":
        head = post + b"Content-Length: %d\r\n\r\n" % (32 * MIB)
        return [attack.dribble(i, head, b"x" * 100, 1.0, first=b"x" * (8 * MIB)) for i in range(12)]
    if name == "huge-bodies":
        chunk = b"x" * MIB
        cosign = b"POST /v1/witness/cosign HTTP/1.1\r\nHost: node\r\n"
        declared = [attack.flood(i, (post if i < 2 else cosign) + b"Content-Length: %d\r\n\r\n" % (1024 * MIB),
                                 chunk, 1024 * MIB, False) for i in range(4)]
        chunked = [attack.flood(4 + i, post + b"Transfer-Encoding: chunked\r\n\r\n", chunk, 1024 * MIB, True)
                   for i in range(4)]
        return declared + chunked
    raise SystemExit(f"unknown scenario {name}")


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_node(central, data: Path, port: int) -> subprocess.Popen:
    data.mkdir(parents=True)
    save_signing_key(data / NODE_KEY, central.node_keys["n1"])

    def usual_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    node = subprocess.Popen([sys.executable, "-m", "sync.central", "serve", "--data", str(data), "--election",
                             str(central.directory), "--port", str(port)], env=env, preexec_fn=usual_limit,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/node", timeout=1).status_code == 200:
                return node
        except httpx.HTTPError:
            time.sleep(0.1)
    node.kill()
    raise SystemExit("the node did not come up")


def deliver(port: int, bodies: list[bytes], deadline_s: float = 20.0) -> tuple[list[float], int]:
    """Seconds from the first try to the accepted acknowledgement (or the deadline), per batch (a
    new connection per try, retried after 0.2 s on a refusal or a busy node, as the sync daemon
    would), and how many were accepted."""
    out, accepted = [], 0
    for body in bodies:
        start = time.perf_counter()
        while True:
            try:
                with httpx.Client(timeout=10) as client:
                    r = client.post(f"http://127.0.0.1:{port}/v1/batches", content=body)
                if r.status_code == 200:
                    accepted += 1
                    break
            except httpx.HTTPError:
                pass
            if time.perf_counter() - start > deadline_s:
                break
            time.sleep(0.2)
        out.append(time.perf_counter() - start)
    return out, accepted


def run_scenario(name: str, central, bodies: list[bytes], work: Path, warmup_s: float, hold_s: float) -> dict:
    port = free_port()
    node = start_node(central, work / f"node-{name}", port)
    peak, stop_sampling = [0], threading.Event()

    def sample():
        while not stop_sampling.is_set():
            peak[0] = max(peak[0], rss_kib(node.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    attack, thread = None, None
    try:
        if name != "quiet":
            attack = Attack(port)
            thread = attack.run(scenario_coroutines(name, attack))
            time.sleep(warmup_s)
        began = time.monotonic()
        latencies, accepted = deliver(port, bodies)
        if attack is not None:
            time.sleep(max(0.0, hold_s - warmup_s - (time.monotonic() - began)))
        alive = node.poll() is None
    finally:
        if attack is not None:
            attack.stop(thread)
        stop_sampling.set()
        sampler.join()
        hwm = rss_kib(node.pid, "VmHWM") if node.poll() is None else 0
        node.terminate()
        node.wait(20)
    return {"scenario": name, "accepted": accepted, "median_s": statistics.median(latencies), "worst_s": max(latencies),
            "peak_rss_mib": peak[0] / 1024, "hwm_mib": hwm / 1024, "node_alive": alive,
            "attack_opened": attack.opened if attack else 0, "attack_closed_by_node": attack.closed if attack else 0,
            "attack_refused": attack.refused if attack else 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--hold", type=float, default=15.0, help="seconds each attack lasts at least")
    parser.add_argument("--only", nargs="*", default=["slowloris", "slow-bodies", "huge-bodies", "half-open"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    work = Path(tempfile.mkdtemp(prefix="node-abuse-"))
    try:
        central = make_central_election(work / "election")
        kiosk = kiosk_with_batches(central, work / "kiosk", sizes=(2,) * args.batches)
        bodies = batches(kiosk)
        rows = [run_scenario("quiet", central, bodies, work, args.warmup, args.hold)]
        rows += [run_scenario(n, central, bodies, work, args.warmup, args.hold) for n in args.only]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    quiet = rows[0]["median_s"]
    for row in rows:
        row["latency_ratio"] = row["median_s"] / quiet
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{len(bodies)} batches of 2 ballots, one new connection each; node with 1,024 descriptors")
    print(f"{'scenario':12} {'ok':>3} {'median ms':>10} {'worst ms':>9} {'x quiet':>8} {'peak RSS MiB':>13} {'HWM MiB':>8} "
          f"{'attack conns':>13} {'closed by node':>15} alive")
    for r in rows:
        print(f"{r['scenario']:12} {r['accepted']:3d} {r['median_s'] * 1000:10.1f} {r['worst_s'] * 1000:9.1f} {r['latency_ratio']:8.2f} "
              f"{r['peak_rss_mib']:13.1f} {r['hwm_mib']:8.1f} {r['attack_opened']:13d} {r['attack_closed_by_node']:15d} "
              f"{'yes' if r['node_alive'] else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
