"""The systemd notify protocol against a datagram socket of the test's own."""

from __future__ import annotations

import os
import socket

import pytest

from kiosk.app.notify import Notifier, Watchdog, socket_address, watchdog_interval_s


@pytest.fixture
def listener(tmp_path):
    """A path socket standing in for systemd's; yields (environ, receive)."""
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(5)

    def receive() -> list[str]:
        return sock.recv(4096).decode().split("\n")

    def pending() -> bool:
        sock.setblocking(False)
        try:
            sock.recv(4096, socket.MSG_PEEK)
            return True
        except BlockingIOError:
            return False
        finally:
            sock.settimeout(5)

    receive.pending = pending
    yield {"NOTIFY_SOCKET": path}, receive
    sock.close()


def test_without_notify_socket_nothing_is_sent():
    n = Notifier({})
    assert not n.enabled
    assert n.ready() is False and n.watchdog() is False and n.stopping() is False


def test_relative_names_are_ignored_like_libsystemd():
    assert not Notifier({"NOTIFY_SOCKET": "notify.sock"}).enabled


def test_ready_status_watchdog_stopping_reach_the_socket(listener):
    env, receive = listener
    n = Notifier(env)
    assert n.ready(status="booth ready")
    assert receive() == ["READY=1", "STATUS=booth ready"]
    assert n.watchdog()
    assert receive() == ["WATCHDOG=1"]
    assert n.status("two\nlines")
    assert receive() == ["STATUS=two lines"]
    assert n.stopping()
    assert receive() == ["STOPPING=1"]


def test_abstract_namespace_socket():
    name = f"kiosk-test-{os.getpid()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(b"\0" + name.encode())
    sock.settimeout(5)
    try:
        assert socket_address("@" + name) == b"\0" + name.encode()
        assert Notifier({"NOTIFY_SOCKET": "@" + name}).ready()
        assert sock.recv(100) == b"READY=1"
    finally:
        sock.close()


def test_a_vanished_socket_does_not_raise(tmp_path):
    n = Notifier({"NOTIFY_SOCKET": str(tmp_path / "gone.sock")})
    assert n.enabled and n.watchdog() is False


def test_watchdog_sends_ready_once_then_heartbeats_only_while_healthy(listener):
    env, receive = listener
    health = {"first_frame": False, "store": True}
    dog = Watchdog(Notifier(env), {k: (lambda k=k: health[k]) for k in health})

    assert dog.tick() is False  # no frame drawn yet: not ready, no heartbeat
    assert receive() == ["STATUS=unhealthy: first_frame"]
    assert not dog.is_ready

    health["first_frame"] = True
    assert dog.tick()
    assert receive() == ["READY=1", "STATUS=booth ready"]
    assert receive() == ["WATCHDOG=1"]
    assert dog.tick()
    assert receive() == ["WATCHDOG=1"]

    health["store"] = False
    assert dog.tick() is False
    assert receive() == ["STATUS=unhealthy: store"]
    assert dog.tick() is False  # the same failure is not repeated, and no heartbeat goes out
    assert not receive.pending()

    health["store"] = True
    assert dog.tick()
    assert receive() == ["STATUS=booth ready"]
    assert receive() == ["WATCHDOG=1"]  # READY is not sent twice


def test_a_check_that_raises_counts_as_failing(listener):
    env, receive = listener

    def broken() -> bool:
        raise RuntimeError("store gone")

    dog = Watchdog(Notifier(env), {"store": broken})
    assert dog.failing() == ("store",)
    assert dog.tick() is False
    assert receive() == ["STATUS=unhealthy: store"]


def test_watchdog_interval_is_half_of_watchdog_usec():
    assert watchdog_interval_s({"WATCHDOG_USEC": "20000000"}) == 10.0
    assert watchdog_interval_s({"WATCHDOG_USEC": "20000000", "WATCHDOG_PID": str(os.getpid())}) == 10.0
    assert watchdog_interval_s({"WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "1"}) is None
    assert watchdog_interval_s({}) is None
    assert watchdog_interval_s({"WATCHDOG_USEC": "x"}) is None
