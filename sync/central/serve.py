"""Serving a node's app with uvicorn: in the foreground (``kiosk-central serve``) or in a thread.

:class:`NodeServer` binds its own socket first (port 0 picks a free one), so a test or a
benchmark knows the address before the server starts, and can stop it and start it again on
the same port ("node down, then up").
"""

from __future__ import annotations

import logging
import socket
import threading

import uvicorn

from sync.central.guard import guarded_protocol
from sync.central.limits import NodeLimits

log = logging.getLogger(__name__)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (SO_REUSEADDR, so a restarted node gets its port back)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # accepted connections inherit it: an answer's headers and body go out at once, instead of
    # the body waiting 40 ms for the client's delayed ACK (Nagle)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(1024)
    return sock


def _config(app, host: str, port: int, limits: NodeLimits) -> uvicorn.Config:
    # log_config None: the command's own logging stays in charge; no access log (one line per
    # request would drown the node's own events). The protocol adds the header and body deadlines
    # and the connection caps uvicorn lacks (sync.central.guard).
    return uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False, lifespan="off",
                          http=guarded_protocol(limits), timeout_keep_alive=5,
                          limit_concurrency=limits.max_connections + 1, timeout_graceful_shutdown=5,
                          h11_max_incomplete_event_size=16 * 1024)


def serve_forever(app, host: str, port: int, limits: NodeLimits | None = None) -> None:
    """Run until interrupted (Ctrl-C or SIGTERM: uvicorn finishes the requests in flight)."""
    sock = bind(host, port)
    log.info("node listening on http://%s:%d", host, sock.getsockname()[1])
    uvicorn.Server(_config(app, host, port, limits or NodeLimits())).run(sockets=[sock])


class NodeServer:
    """A node's app served from a background thread; ``with NodeServer(app) as s: s.url``."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, limits: NodeLimits | None = None) -> None:
        self.app, self.host = app, host
        self.sock = bind(host, port)
        self.port = self.sock.getsockname()[1]
        self.server = uvicorn.Server(_config(app, host, self.port, limits or NodeLimits()))
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "NodeServer":
        """Serve from a background thread; returns once the server accepts connections."""
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       name=f"node-{self.port}", daemon=True)
        self.thread.start()
        while not self.server.started and self.thread.is_alive():
            self.thread.join(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (the port is free again)."""
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(10)
        self.sock.close()

    def __enter__(self) -> "NodeServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
