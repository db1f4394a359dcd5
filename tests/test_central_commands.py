"""The commands end to end: node keys, nodes in the election, the roster, a served node, kiosk-sync."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time

import httpx

from kiosk.station.datadir import DataDir
from kiosk.contract.package import load_package
from storehelp import NOW, kiosk_cli
from sync.central.cli import main as central_main
from sync.central.serve import bind
from sync.cli import main as sync_main
from synchelp import kiosk_with_batches


def run(main, *argv) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([str(a) for a in argv])
    return code, out.getvalue()


def test_node_init_and_nodes_in_the_election(tmp_path):
    code, out = run(central_main, "node", "init", "--out", tmp_path / "node")
    assert code == 0 and (tmp_path / "node" / "node.key").stat().st_mode & 0o777 == 0o600
    key_hex = out.split("public key ")[1].split()[0]
    assert run(central_main, "node", "init", "--out", tmp_path / "node")[0] == 2  # never overwritten
    code, _ = run(central_main, "election", "init", "--out", tmp_path / "e", "--demo", "ttabok", "--communities", "13",
                  "--node", f"far=https://node.example/x?a=b={key_hex}", "--nodes", "2")
    assert code == 0
    nodes = load_package(tmp_path / "e").election.nodes
    assert [(n.id, n.url) for n in nodes] == [("far", "https://node.example/x?a=b"), ("n1", "http://127.0.0.1:8471"),
                                              ("n2", "http://127.0.0.1:8472")]
    assert nodes[0].key_hex == key_hex and (tmp_path / "e" / "nodes" / "n2" / "node.key").exists()
    assert run(central_main, "election", "init", "--out", tmp_path / "f", "--demo", "ttabok", "--node", "bad")[0] == 2


def test_kiosks_add_command(central, tmp_path):
    kiosk_cli("provision", "--election", central.directory, "--station", "S-0009", "--data", tmp_path / "k")
    registration = DataDir(tmp_path / "k").registration_file
    code, out = run(central_main, "kiosks", "add", "--election", central.directory, registration)
    assert code == 0 and "S-0009" in out
    assert run(central_main, "kiosks", "add", "--election", central.directory, registration)[0] == 2  # once only
    forged = json.loads(registration.read_text())
    forged["body"]["station"] = "S-0666"
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    assert run(central_main, "kiosks", "add", "--election", central.directory, tmp_path / "forged.json")[0] == 2


def test_served_node_and_kiosk_sync_commands(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k")
    from kiosk.contract.keys import save_signing_key

    save_signing_key(tmp_path / "n2" / "node.key", central.node_keys["n2"])
    spare = bind("127.0.0.1", 0)
    port = spare.getsockname()[1]
    spare.close()
    server = subprocess.Popen([sys.executable, "-m", "sync.central", "serve", "--data", str(tmp_path / "n2"),
                               "--election", str(central.directory), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": os.getcwd()})
    try:
        for _ in range(300):  # the node is up when it answers (bounded: 30 s)
            try:
                if httpx.get(f"http://127.0.0.1:{port}/v1/node").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        code, out = run(sync_main, "once", "--data", kiosk, "--node", f"n2=http://127.0.0.1:{port}", "--json")
        assert code == 0, out
        assert json.loads(out)["nodes"][0]["delivered"] == 2
        code, out = run(sync_main, "once", "--data", kiosk, "--node", "http://127.0.0.1:1")  # not in the package
        assert code == 2
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    assert server.returncode == 0
    code, out = run(sync_main, "status", "--data", kiosk, "--json")
    status = json.loads(out)
    assert code == 0 and [b["acknowledged_by"] for b in status["batches"]] == [["n2"], ["n2"]]
    assert status["batches"][1]["polls_closed"]
    from kiosk.station.delivery import closing_acknowledged_by  # what the results tape prints

    assert closing_acknowledged_by(kiosk, central.election, "official") == ["n2"]
    from kiosk.station.reports import as_text
    from kiosk.station.station import Station
    from kiosk.station.station_reports import report_of

    with Station.open(kiosk) as station:  # the results tape lists the node whose signed ack verifies
        tape = as_text(report_of(station, "results_tape", NOW, "en"))
    assert "Acknowledged by" in tape and tape.split("Acknowledged by")[1].split("\n")[0].strip().endswith("n2")
    code, out = kiosk_cli("status", "--data", kiosk, "--json")
    assert json.loads(out)["acks"] == 2  # one per batch from n2


def test_election_init_receipt_flag_sets_the_package_receipt(tmp_path):
    code, out = run(central_main, "election", "init", "--out", tmp_path / "with", "--demo", "ttabok",
                    "--communities", 12, "--receipt")
    assert code == 0 and "receipts: every voter is given one" in out
    assert load_package(tmp_path / "with").election.receipt is True
    code, out = run(central_main, "election", "init", "--out", tmp_path / "without", "--demo", "ttabok",
                    "--communities", 12)
    assert code == 0 and "receipts: none" in out
    assert load_package(tmp_path / "without").election.receipt is False
