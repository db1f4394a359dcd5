"""``kiosk selftest`` on a folder camera and the virtual printer over TCP; a missing printer fails."""

from __future__ import annotations

import json

from hardware.virtual_device import VirtualPrinter
from hardware.virtual_printer import TcpServer
from kiosk.app.selftest_run import station_selftest
from kiosk.cli import main


def frames_dir(tmp_path):
    import cv2
    import numpy as np

    folder = tmp_path / "frames"
    folder.mkdir()
    for i in range(6):
        cv2.imwrite(str(folder / f"{i}.png"), np.full((48, 64, 3), 128, np.uint8))
    return folder


def test_camera_printer_disk_clock(tmp_path):
    server = TcpServer(VirtualPrinter()).start()
    try:
        report = station_selftest(tmp_path, f"dir:{frames_dir(tmp_path)}", server.url, 1, 1_900_000_000)
    finally:
        server.stop()
    checks = {r.check: r.ok for r in report.results}
    assert checks["camera"] and checks["printer"] and checks["disk"] and checks["clock"]


def test_missing_printer_and_camera_fail_with_hints(tmp_path, capsys):
    code = main(["selftest", "--data", str(tmp_path), "--camera", f"dir:{tmp_path / 'none'}", "--json"])
    out = json.loads(capsys.readouterr().out)
    failed = {c["check"]: c for c in out["checks"] if not c["ok"]}
    assert code == 1 and {"camera", "printer"} <= set(failed)
    assert all(c["hint_ko"] and c["hint_en"] for c in failed.values())
