"""The demo's central nodes: ``kiosk-central serve`` processes on loopback, started and stopped here.

Each node is a real ``python -m sync.central serve`` child process with its own data folder and
its copy of the public election package (no authority key, no trustee share). The demo starts
them before the polls open and stops every one of them on the way out, whatever happens.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

PUBLIC_FILES = ("election.json", "roll.sqlite", "roll-root.json", "roster.json", "decisions.json")
NODE_IDS = ("n1", "n2", "n3")


def free_port() -> int:
    """A loopback port free right now (the nodes' URLs go into the package before they start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nodes:
    """Three central nodes under ``root/nodes``; use as a context manager so they always stop."""

    def __init__(self, root: Path, ids: tuple[str, ...] = NODE_IDS) -> None:
        self.root = Path(root) / "nodes"
        self.ids = ids
        self.ports = {n: free_port() for n in ids}
        self.procs: dict[str, subprocess.Popen] = {}

    def data(self, n: str) -> Path:
        """The node's ``--data`` folder."""
        return self.root / n

    def election(self, n: str) -> Path:
        """The node's copy of the public election package (its ``--election``)."""
        return self.root / n / "election"

    def url(self, n: str) -> str:
        """The node's loopback address."""
        return f"http://127.0.0.1:{self.ports[n]}"

    def publish(self, authority: Path, *more: Path) -> None:
        """Copy the public files of the package to every node (and to ``more`` folders)."""
        for place in [self.election(n) for n in self.ids] + list(more):
            place.mkdir(parents=True, exist_ok=True)
            for name in PUBLIC_FILES:
                if (authority / name).exists():
                    shutil.copy2(authority / name, place / name)

    def start(self, n: str, timeout_s: float = 120.0) -> None:
        """Start ``kiosk-central serve`` for node ``n`` and wait until it answers (RuntimeError if not)."""
        log = open(self.data(n) / "serve.log", "ab")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH", "")])}
        self.procs[n] = subprocess.Popen(
            [sys.executable, "-m", "sync.central", "serve", "--data", str(self.data(n)),
             "--election", str(self.election(n)), "--port", str(self.ports[n])],
            stdout=log, stderr=log, env=env)
        log.close()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.procs[n].poll() is not None:
                break
            try:
                if httpx.get(f"{self.url(n)}/v1/node", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"node {n} did not answer on port {self.ports[n]}; see {self.data(n) / 'serve.log'}")

    def start_all(self) -> None:
        """Start every node."""
        for n in self.ids:
            self.start(n)

    def stop(self, n: str, kill: bool = False) -> None:
        """Stop node ``n`` (SIGTERM, or SIGKILL to play a crash; then wait)."""
        proc = self.procs.pop(n, None)
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)

    def stop_all(self) -> None:
        """Stop every node still running."""
        for n in list(self.procs):
            self.stop(n)

    def __enter__(self) -> "Nodes":
        return self

    def __exit__(self, *exc) -> None:
        self.stop_all()
