"""Connection deadlines uvicorn does not have: whole headers within a time, a body at a minimum
rate, a cap on connections per client address and in all.

uvicorn (0.55, h11) has a keep-alive timeout but no header deadline: a client that sends half a
request line holds its connection, and a file descriptor, for ever (slowloris), and a body sent a
byte a minute holds its buffer. :func:`guarded_protocol` makes a subclass of uvicorn's
``H11Protocol`` that a ticker checks once per ``tick_s``:

- waiting for headers (from connect or the last answer) longer than ``header_timeout_s``: the node
  answers ``408`` and closes;
- receiving less than ``min_body_rate`` bytes per second of body over any window of
  ``body_window_s`` from the headers on (time the node itself stopped reading does not count,
  and a fast start does not buy a long stall): ``408``, closed;
- a new connection from an address that already holds ``connections_per_address``, or when the
  node holds ``max_connections``: ``503`` and closed at once.

Passed to uvicorn as ``Config(http=guarded_protocol(limits))`` by :mod:`sync.central.serve`.
"""

from __future__ import annotations

import time

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from sync.central.limits import NodeLimits



def _answer(status: str, text: str, extra: str = "") -> bytes:
    body = text.encode("utf-8")
    return (f"HTTP/1.1 {status}\r\n{extra}Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode("ascii") + body


TIMEOUT_ANSWER = _answer("408 Request Timeout", "요청이 너무 느립니다 / request too slow: send it again, whole and faster\n")
FULL_ANSWER = _answer("503 Service Unavailable", "연결이 너무 많습니다 / too many connections: try again in a few seconds\n",
                      "Retry-After: 5\r\n")


def guarded_protocol(limits: NodeLimits, clock=time.monotonic) -> type:
    """An ``H11Protocol`` subclass enforcing ``limits``' deadlines and connection caps."""
    by_address: dict[str, int] = {}
    tick_s = limits.tick_s
    held = [0]

    class GuardedH11Protocol(H11Protocol):
        """uvicorn's HTTP/1.1 protocol with header and body deadlines and connection caps."""

        def connection_made(self, transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._address = self.client[0] if self.client else ""
            self._counted = False
            if by_address.get(self._address, 0) >= limits.connections_per_address or held[0] >= limits.max_connections:
                transport.write(FULL_ANSWER)
                transport.close()
                return
            by_address[self._address] = by_address.get(self._address, 0) + 1
            held[0] += 1
            self._counted = True
            self._waiting_since = clock()  # for headers
            self._body_since: float | None = None
            self._window_active, self._window_bytes, self._body_bytes = 0.0, 0, 0
            self._ticker = self.loop.call_later(tick_s, self._tick)

        def connection_lost(self, exc) -> None:
            if getattr(self, "_counted", False):
                self._counted = False
                held[0] -= 1
                left = by_address.get(self._address, 1) - 1
                if left > 0:
                    by_address[self._address] = left
                else:
                    by_address.pop(self._address, None)
                self._ticker.cancel()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if getattr(self, "_counted", False) and self._body_since is not None:
                self._body_bytes += len(data)
            super().data_received(data)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._waiting_since, self._body_since = clock(), None  # the next request's headers

        def _give_up(self) -> None:
            if self.cycle is None or not self.cycle.response_started:
                self.transport.write(TIMEOUT_ANSWER)
            if self.cycle is not None:
                self.cycle.keep_alive = False
            self.transport.close()

        def _tick(self) -> None:
            if self.transport.is_closing():
                return
            now, state = clock(), self.conn.their_state
            if state is h11.IDLE and self.conn.our_state is h11.IDLE:
                if now - self._waiting_since > limits.header_timeout_s:
                    return self._give_up()
            elif state is h11.SEND_BODY:
                if self._body_since is None:
                    self._body_since, self._body_bytes, self._window_bytes, self._window_active = now, 0, 0, 0.0
                elif not self.flow.read_paused:  # the node's own pause is not the client's slowness
                    self._window_active += tick_s
                    if self._window_active >= limits.body_window_s:
                        if self._body_bytes - self._window_bytes < limits.min_body_rate * self._window_active:
                            return self._give_up()
                        self._window_bytes, self._window_active = self._body_bytes, 0.0
            self._ticker = self.loop.call_later(tick_s, self._tick)

    return GuardedH11Protocol
