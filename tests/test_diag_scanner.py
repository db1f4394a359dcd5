"""``kiosk diag scanner``: what a technician sees, exit codes 0, 1, 2 and 3, no payload shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main

SAMPLE = Path(__file__).parent / "data" / "scan_sample"


def test_reads_the_sample_as_json_without_showing_payloads(capsys):
    assert main(["diag", "scanner", "--source", f"dir:{SAMPLE}", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["frames"] == 37 and report["frames_read_a_code"] >= 25
    assert report["frames_per_s"] == 30.0 and report["decode_ms_median"] > 0
    truth = {v["payload"] for v in json.loads((SAMPLE / "manifest.json").read_text()).values()} - {None}
    shown = json.dumps(report)
    assert not any(payload in shown or payload[4:] in shown for payload in truth)
    assert all(code.startswith("KT1T… (38 characters, #") for code in report["codes"])


def test_reveal_shows_full_text(capsys):
    assert main(["diag", "scanner", "--source", f"dir:{SAMPLE}", "--frames", "8", "--reveal", "--json"]) == 0
    truth = {v["payload"] for v in json.loads((SAMPLE / "manifest.json").read_text()).values()}
    assert set(json.loads(capsys.readouterr().out)["codes"]) <= truth


def test_text_output(capsys):
    assert main(["diag", "scanner", "--source", f"dir:{SAMPLE}", "--frames", "4"]) == 0
    out = capsys.readouterr().out
    assert "frames at 30.0 frames/s" in out and "decode latency: median" in out


@pytest.mark.parametrize("source, code", [("dir:/no/such/folder", 3), ("/dev/video-none", 3),
                                          ("http://camera", 2), ("0?width=10", 2), ("0?colour=1", 2)])
def test_exit_codes(capsys, tmp_path, source, code):
    assert main(["diag", "scanner", "--source", source, "--seconds", "1"]) == code
    assert capsys.readouterr().err


def test_no_code_read_is_exit_1(tmp_path, capsys):
    import cv2
    import numpy as np

    cv2.imwrite(str(tmp_path / "0.png"), np.full((120, 160, 3), 128, np.uint8))
    assert main(["diag", "scanner", "--source", f"dir:{tmp_path}"]) == 1
    assert "no code was read" in capsys.readouterr().err
