"""The systemd notify protocol (sd_notify), implemented here so the booth needs no libsystemd.

systemd starts the booth as ``Type=notify`` and passes ``$NOTIFY_SOCKET``: a datagram socket,
either a path or, when the name starts with ``@``, a Linux abstract-namespace name (the ``@``
stands for a leading NUL byte). Each message is newline-separated ``KEY=value`` lines:
``READY=1`` once the booth can take a voter, ``WATCHDOG=1`` as a heartbeat within
``WatchdogSec``, ``STATUS=...`` for ``systemctl status``, ``STOPPING=1`` on the way out.

Without ``$NOTIFY_SOCKET`` (a developer's terminal, the tests, ``kiosk demo``) every send is a
no-op, so the same code runs everywhere. Sending never raises: a lost heartbeat is handled by
systemd restarting the booth, which is the point of the watchdog.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Callable, Mapping

log = logging.getLogger(__name__)


def socket_address(name: str) -> str | bytes:
    """The address to send to for a ``$NOTIFY_SOCKET`` value ('@' means the abstract namespace)."""
    if name.startswith("@"):
        return b"\0" + name[1:].encode()
    return name


class Notifier:
    """Sends notify messages to systemd; does nothing when not started by systemd."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        name = env.get("NOTIFY_SOCKET", "")
        # Only absolute paths and abstract names are valid; anything else is ignored like
        # libsystemd does, rather than sending to a file relative to our working directory.
        self.address = socket_address(name) if name.startswith(("/", "@")) else None

    @property
    def enabled(self) -> bool:
        """True when systemd is listening."""
        return self.address is not None

    def send(self, **fields: str | int) -> bool:
        """Send one message of ``KEY=value`` lines; True if it was handed to the socket."""
        if self.address is None:
            return False
        message = "\n".join(f"{key}={value}" for key, value in fields.items()).encode()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.sendto(message, self.address)
        except OSError as e:
            log.warning("event=notify_failed error=%s", e.strerror or e)
            return False
        return True

    def ready(self, status: str = "") -> bool:
        """Tell systemd the service is up (after the first frame is drawn and the store answered)."""
        return self.send(READY=1, STATUS=status) if status else self.send(READY=1)

    def status(self, text: str) -> bool:
        """A one-line status shown by ``systemctl status``."""
        return self.send(STATUS=text.replace("\n", " "))

    def watchdog(self) -> bool:
        """One heartbeat."""
        return self.send(WATCHDOG=1)

    def stopping(self) -> bool:
        """Tell systemd a clean stop has begun."""
        return self.send(STOPPING=1)


HealthCheck = Callable[[], bool]


class Watchdog:
    """Sends ``READY=1`` once and ``WATCHDOG=1`` only while every health check holds.

    The booth calls :meth:`tick` from its frame loop. Checks are named callables, e.g.
    ``{"first_frame": lambda: booth.frames_drawn > 0, "store": store.answers}``. Once one fails,
    no heartbeat goes out, so systemd restarts the booth after ``WatchdogSec``; the failing
    names go into ``STATUS=`` so a technician sees why.
    """

    def __init__(self, notifier: Notifier, checks: Mapping[str, HealthCheck]) -> None:
        self.notifier = notifier
        self.checks = dict(checks)
        self.is_ready = False
        self._last_failing: tuple[str, ...] = ()

    def failing(self) -> tuple[str, ...]:
        """Names of the checks that do not hold now (a check that raises does not hold)."""
        bad = []
        for name, check in self.checks.items():
            try:
                ok = bool(check())
            except Exception:  # a health check that crashes is as bad as one that says no
                ok = False
            if not ok:
                bad.append(name)
        return tuple(bad)

    def tick(self) -> bool:
        """Check health; send READY the first time all hold, WATCHDOG each time. True if healthy."""
        bad = self.failing()
        if bad:
            if bad != self._last_failing:
                self.notifier.status("unhealthy: " + ", ".join(bad))
                log.warning("event=health_check_failed checks=%s", ",".join(bad))
            self._last_failing = bad
            return False
        if not self.is_ready:
            self.notifier.ready(status="booth ready")
            self.is_ready = True
        elif self._last_failing:
            self.notifier.status("booth ready")
        self._last_failing = ()
        self.notifier.watchdog()
        return True


def watchdog_interval_s(environ: Mapping[str, str] | None = None) -> float | None:
    """How often to send heartbeats: half of ``$WATCHDOG_USEC``, or None when not watched.

    ``$WATCHDOG_PID``, when set, must be this process (systemd sets it so a child that inherits
    the environment does not send heartbeats for its parent).
    """
    env = os.environ if environ is None else environ
    try:
        usec = int(env.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    pid = env.get("WATCHDOG_PID")
    if usec <= 0 or (pid and pid != str(os.getpid())):
        return None
    return usec / 2_000_000
