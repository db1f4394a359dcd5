"""``kiosk-sync run --config FILE``: the kiosk's configuration file's ``[sync]`` section, flags over it, and
refusals in Korean and English. The daemon runs as the real command (a subprocess stopped by SIGTERM, as
systemd stops it) against a real node on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from centralhelp import running_node
from kiosk.app.config import DEFAULT_CONFIG
from sync.cli import build_parser, configured, main as kiosk_sync
from sync.client import DEFAULT_TIMEOUT_S
from synchelp import acknowledged, kiosk_with_batches


def config_file(tmp_path, sync_toml: str):
    path = tmp_path / "kiosk.toml"
    path.write_text(f"[sync]\n{sync_toml}\n", encoding="utf-8")
    return path


def parsed(*argv):
    return build_parser().parse_args(["run", "--data", "D", *map(str, argv)])


def test_run_delivers_to_the_nodes_the_config_names(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k")
    with running_node(central, tmp_path / "n2", "n2") as (_, server):
        config = config_file(tmp_path, f'nodes = ["n2={server.url}"]\nidle_s = 1\ntimeout_s = 5\nbackoff_initial_s = 1\n'
                                       "backoff_max_s = 2")
        daemon = subprocess.Popen([sys.executable, "-m", "sync", "run", "--data", str(kiosk), "--config", str(config)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env={**os.environ, "PYTHONPATH": os.getcwd()})
        try:
            deadline = time.monotonic() + 60
            while acknowledged(kiosk, central) != {1: ["n2"], 2: ["n2"]} and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            daemon.send_signal(signal.SIGTERM)
            out, err = daemon.communicate(timeout=30)
    assert acknowledged(kiosk, central) == {1: ["n2"], 2: ["n2"]}, err
    assert f"to n2 {server.url}" in out and daemon.returncode == 0   # only the configured node: n1 is not running


def test_each_sync_key_is_read_and_each_flag_overrides_it(tmp_path):
    default_nodes, default = configured(parsed())
    assert default_nodes is None   # no --config, no --node: the package's nodes
    assert (default.timeout_s, default.policy.base_s, default.policy.cap_s, default.policy.idle_s) == \
        (DEFAULT_TIMEOUT_S, 1.0, 300.0, 10.0)
    config = config_file(tmp_path, 'nodes = ["n1=http://127.0.0.1:9"]\ntimeout_s = 7\nbackoff_initial_s = 3\n'
                                   "backoff_max_s = 40\nidle_s = 4")
    nodes, settings = configured(parsed("--config", config))
    assert nodes == ["n1=http://127.0.0.1:9"]
    assert (settings.timeout_s, settings.policy.base_s, settings.policy.cap_s, settings.policy.idle_s) == (7, 3, 40, 4)
    nodes, settings = configured(parsed("--config", config, "--node", "n2=http://127.0.0.1:8", "--timeout-s", 2,
                                        "--initial-backoff-s", 0.5, "--max-backoff-s", 9, "--idle-s", 0.25))
    assert nodes == ["n2=http://127.0.0.1:8"]
    assert (settings.timeout_s, settings.policy.base_s, settings.policy.cap_s, settings.policy.idle_s) == \
        (2, 0.5, 9, 0.25)
    _, empty = configured(parsed("--config", config_file(tmp_path, "")))   # the file's defaults are the docs'
    assert (empty.timeout_s, empty.policy.base_s, empty.policy.cap_s, empty.policy.idle_s) == \
        (DEFAULT_CONFIG.sync.timeout_s, DEFAULT_CONFIG.sync.backoff_initial_s, DEFAULT_CONFIG.sync.backoff_max_s,
         DEFAULT_CONFIG.sync.idle_s)


@pytest.mark.parametrize("sync_toml, argv, english, korean", [
    ("backoff_max_s = 0", [], "[sync] backoff_max_s: 0 is below the minimum 1", "키오스크 설정 파일이 올바르지 않습니다"),
    ("nodse = []", [], "[sync] nodse: unknown key", "[sync] nodse"),
    ("backoff_initial_s = 60", ["--max-backoff-s", "10"], "first wait after a failure (60 s) is longer",
     "첫 대기 (60초)"),
    ("", ["--idle-s", "0"], "--idle-s 0 is not a positive number", "0 보다 큰 초"),
    ('nodes = ["http://127.0.0.1:1"]', [], "lists no node at http://127.0.0.1:1", "노드 ID 로 ID=URL"),
])
def test_refusals_say_what_is_wrong_in_korean_and_english(central, tmp_path, capsys, sync_toml, argv, english, korean):
    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(2,))
    code = kiosk_sync(["once", "--data", str(kiosk), "--config", str(config_file(tmp_path, sync_toml)), *argv])
    err = capsys.readouterr().err
    assert code == 2, err
    assert english in err and korean in err and "오류:" in err and "할 일:" in err and "what to do:" in err


def test_a_missing_config_file_is_refused(tmp_path, capsys):
    assert kiosk_sync(["run", "--data", str(tmp_path), "--config", str(tmp_path / "none.toml")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "없습니다" in err
