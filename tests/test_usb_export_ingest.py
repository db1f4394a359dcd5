"""USB: ``kiosk export`` writes the outbox and acks with checksums; ``kiosk-central ingest`` judges them."""

from __future__ import annotations

import contextlib
import io
import json
import os

import pytest

from centralhelp import make_kiosk, seal_batch, close_station, vote
from kiosk.errors import StorageError
from kiosk.contract.keys import save_signing_key
from storehelp import kiosk_cli
from sync.central.cli import main as central_main
from sync.usb import export
from synchelp import kiosk_with_batches


def central_cli(*argv) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = central_main([str(a) for a in argv])
    return code, out.getvalue()


def test_export_then_ingest(central, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    a = kiosk_with_batches(central, tmp_path / "a", sizes=(10, 2))
    b = kiosk_with_batches(central, tmp_path / "b", sizes=(10,), station="S-0002", first_token=12)
    for kiosk in (a, b):
        code, out = kiosk_cli("export", "--data", kiosk, "--to", stick)
        assert code == 0, out
    save_signing_key(tmp_path / "node" / "node.key", central.node_keys["n1"])
    code, out = central_cli("ingest", "--data", tmp_path / "node", "--election", central.directory, "--json", stick)
    report = json.loads(out)
    assert code == 0 and report["ok"], report
    assert sorted((k["station"], k["verdicts"].get("accepted"), k["ballots_accepted"]) for k in report["kiosks"]) == \
        [("S-0001", 2, 12), ("S-0002", 1, 10)]
    assert report["checkpoint"]["tree_size"] == 22
    code, out = central_cli("ingest", "--data", tmp_path / "node", "--election", central.directory, stick)
    assert code == 0 and out.count("duplicate") == 2  # the same stick again: nothing counted twice


def test_damaged_stick_is_named(central, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(10, 2))
    folder = export(kiosk, stick)["folder"]
    victim = os.path.join(folder, "outbox", "official", "batch-000002.json")
    data = bytearray(open(victim, "rb").read())
    data[len(data) // 2] ^= 0x01
    open(victim, "wb").write(bytes(data))
    save_signing_key(tmp_path / "node" / "node.key", central.node_keys["n1"])
    code, out = central_cli("ingest", "--data", tmp_path / "node", "--election", central.directory, "--json", stick)
    report = json.loads(out)
    assert code == 1
    assert report["kiosks"][0]["verdicts"] == {"accepted": 1}
    assert any("checksum" in p for p in report["kiosks"][0]["problems"])


def test_export_refuses_a_bad_target(central, tmp_path):
    kiosk = make_kiosk(central, tmp_path / "k")
    vote(kiosk, central.official[:10], central.election)
    seal_batch(kiosk)
    with pytest.raises(StorageError, match="not a directory"):
        export(kiosk, tmp_path / "no-stick")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        # root may write to a 0500 directory; nobody may create files in /proc
        with pytest.raises(StorageError, match="cannot write"):
            export(kiosk, locked if not os.access(locked, os.W_OK) else "/proc")
    finally:
        locked.chmod(0o700)


def test_export_refuses_a_full_stick(central, tmp_path, monkeypatch):
    import shutil
    from collections import namedtuple

    kiosk = make_kiosk(central, tmp_path / "k")
    vote(kiosk, central.official[:10], central.election)
    close_station(kiosk)
    stick = tmp_path / "stick"
    stick.mkdir()
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**6, 10**6 - 4096, 4096))
    code, _ = kiosk_cli("export", "--data", kiosk, "--to", stick)
    assert code == 3  # storage
    assert not list(stick.iterdir())  # nothing half-written
