"""``kiosk booth`` as the appliance runs it: READY after the first frame, software attested, STOPPING."""

from __future__ import annotations

import socket
import threading

import pygame

from booth_ui import flow
from kiosk.app.booth import run_booth
from kiosk.app.configured import BoothRun
from kiosk.app.demo import prepare
from kiosk.station.station import Station
from kiosk.station.station_reports import software_hash


def test_ready_after_first_frame_attested_and_stopping(tmp_path, monkeypatch):
    prepare(tmp_path)
    frames = tmp_path / "frames"
    frames.mkdir()
    (frames / "empty.png").write_bytes((tmp_path / "cards" / "poll-worker-S01.png").read_bytes())
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(tmp_path / "notify"))
    sock.settimeout(30)
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "notify"))
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    done = threading.Event()
    run = BoothRun(tmp_path / "station", f"dir:{frames}?loop=1&fps=10", f"file:{tmp_path / 'p.escpos'}", False, None,
                   (True, 50))
    thread = threading.Thread(target=lambda: (run_booth(run), done.set()), daemon=True)
    thread.start()
    messages = []
    while not any("READY=1" in m for m in messages):
        messages.append(sock.recv(4096).decode())
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    thread.join(timeout=30)
    assert done.is_set()
    while not any("STOPPING=1" in m for m in messages):
        messages.append(sock.recv(4096).decode())
    with Station.open(tmp_path / "station") as station:
        assert len(software_hash(station.store)) == 64


def test_the_camera_decodes_slowly_only_where_no_scan_is_heard():
    from booth_ui.state import IDLE_SCREENS, WORKER
    from kiosk.app.booth import VOTER_DECODE_INTERVAL_S, decode_interval_for
    from kiosk.scanning import REPEAT_HOLD_S

    for screen in flow.Screen:
        heard = screen in IDLE_SCREENS | WORKER
        assert decode_interval_for(screen) == (0.0 if heard else VOTER_DECODE_INTERVAL_S), screen
    assert decode_interval_for(flow.Screen.ATTRACT) == 0.0 and decode_interval_for(flow.Screen.BALLOT) > 0
    assert VOTER_DECODE_INTERVAL_S < REPEAT_HOLD_S   # a token still in view keeps being seen, not re-announced
