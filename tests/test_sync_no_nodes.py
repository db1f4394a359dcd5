"""``kiosk-sync run`` on a kiosk whose election package lists no central node (a demo or test station,
or one that carries its batches on a USB stick): it says why once and waits, instead of exiting 2,
which had systemd restart it every 10 s for ever (seen on the emulated boot). ``once`` still refuses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from storehelp import make_station


def test_run_waits_quietly_saying_why_and_stops_on_sigterm(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "k")
    daemon = subprocess.Popen([sys.executable, "-m", "sync", "run", "--data", str(root)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    try:
        said = daemon.stdout.readline() + daemon.stdout.readline()   # English, then Korean
        time.sleep(1.0)
        still_running = daemon.poll() is None
    finally:
        daemon.send_signal(signal.SIGTERM)
        rest, err = daemon.communicate(timeout=30)
    assert "lists no central nodes" in said and "waiting until stopped" in said and "[sync] nodes" in said, err
    assert "중앙 노드가 없고" in said and "다시 시작하십시오" in said, said
    assert still_running and daemon.returncode == 0, err
    assert "no central nodes" not in rest and not err   # said once, not every round; nothing on stderr


def test_once_still_refuses_a_package_without_nodes(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "k")
    done = subprocess.run([sys.executable, "-m", "sync", "once", "--data", str(root)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert done.returncode == 2 and "lists no central nodes" in done.stderr and "--node ID=URL" in done.stderr
