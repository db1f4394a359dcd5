"""A TCP proxy on loopback that delays, truncates and drops, one fault per connection.

``FaultProxy(upstream_port)`` listens on a free loopback port and forwards each connection to
the upstream. Faults queued with :meth:`FaultProxy.add` apply to the next connections, one
each, in order; once the queue is empty it forwards faithfully. Bytes counts let a test cut
an upload in the middle of the body or lose the answer after the node committed.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    """What to do to one connection."""

    delay_s: float = 0.0               # wait this long before relaying each part of the answer
    cut_upload_after: int | None = None  # forward this many request bytes, then cut both sides
    drop_answer: bool = False          # forward the whole request, swallow the answer, cut the client
    truncate_answer_after: int | None = None  # relay this many answer bytes, then cut
    from_upload_byte: int = 0          # answer faults start once this many request bytes passed


class FaultProxy:
    """Loopback proxy to ``127.0.0.1:upstream_port``; stop it with :meth:`stop` (or ``with``)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.faults: deque[Fault] = deque()
        self.connections = 0
        self.request_bytes = 0
        self._open: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                fault = self.faults.popleft() if self.faults else Fault()
                self.connections += 1
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
            except OSError:
                client.close()  # upstream down: the client sees a closed connection
                continue
            upstream.settimeout(None)
            uploaded = [0]  # request bytes of this connection so far (both pumps read it)
            with self._lock:
                self._open += [client, upstream]
            for source, sink, up in ((client, upstream, True), (upstream, client, False)):
                t = threading.Thread(target=self._pump, args=(source, sink, up, fault, client, upstream, uploaded),
                                     daemon=True)
                t.start()
                self._threads.append(t)

    def _pump(self, source, sink, upload: bool, fault: Fault, client, upstream, uploaded: list[int]) -> None:
        answered = 0
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if upload:
                    if fault.cut_upload_after is not None and uploaded[0] + len(data) > fault.cut_upload_after:
                        sink.sendall(data[:fault.cut_upload_after - uploaded[0]])
                        break
                    uploaded[0] += len(data)
                    with self._lock:
                        self.request_bytes += len(data)
                elif uploaded[0] >= fault.from_upload_byte:
                    if fault.drop_answer:
                        break
                    if fault.delay_s:
                        time.sleep(fault.delay_s)
                    if fault.truncate_answer_after is not None and answered + len(data) > fault.truncate_answer_after:
                        sink.sendall(data[:fault.truncate_answer_after - answered])
                        break
                    answered += len(data)
                sink.sendall(data)
        except OSError:
            pass
        for s in (client, upstream):  # one side ended: end the whole connection, as a cut cable would
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def stop(self) -> None:
        self._stopped.set()
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() that close() alone would not
        except OSError:
            pass
        self.listener.close()
        with self._lock:
            for s in self._open:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
        for t in self._threads:
            t.join(5)
        self._accepting.join(5)

    def __enter__(self) -> "FaultProxy":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
