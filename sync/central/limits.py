"""What a node accepts from the network before it judges anything: body sizes, in-flight bytes,
strict numbers and keys in paths and queries.

Every body is read through :func:`bounded_body`: a declared ``Content-Length`` over the limit is
refused before a byte of the body is read, a chunked body as soon as it passes the limit, and the
bytes all requests hold at once (and one address holds) stay within a :class:`BodyBudget`, so a
node's memory does not grow with what an attacker sends. The connection-level deadlines (headers,
minimum body rate, connections per address) are :mod:`sync.central.guard`'s.
"""

from __future__ import annotations

import contextlib
import re
import threading
from dataclasses import dataclass
from typing import AsyncIterator

from starlette.requests import Request
from starlette.responses import JSONResponse

KEY_HEX = re.compile(r"[0-9a-f]{64}")
_DIGITS = re.compile(r"[0-9]{1,19}")


@dataclass(frozen=True)
class NodeLimits:
    """A node's limits on what clients may hold of it (sizes in bytes, times in seconds)."""

    inflight_bytes: int = 128 * 1024 * 1024      # all bodies being received at once
    inflight_per_address: int = 48 * 1024 * 1024  # what one client address may hold of that
    header_timeout_s: float = 10.0               # from connect (or the last answer) to whole headers
    body_window_s: float = 10.0                  # the body must arrive at min_body_rate ...
    min_body_rate: int = 4096                    # ... bytes per second over every such window
    connections_per_address: int = 32
    max_connections: int = 512                   # below the usual 1,024 descriptors
    tick_s: float = 1.0                          # how often the deadlines are checked


def ascii_int(text: str | None, low: int = 0, high: int = 2**62) -> int | None:
    """``text`` as a whole number if it is 1-19 ASCII digits within [low, high], else None.

    ``str.isdigit`` is not enough: it accepts ``²`` and other digits ``int`` refuses.
    """
    if text is None or not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def is_key_hex(text: str) -> bool:
    """True for exactly 64 lowercase hex characters (no trailing newline, unlike ``re.match``'s ``$``)."""
    return KEY_HEX.fullmatch(text) is not None


class BodyTooLarge(Exception):
    """The body is longer than the route's limit."""


class NodeBusy(Exception):
    """Receiving this body would pass the node's (or this address's) in-flight budget."""


class BodyBudget:
    """The bytes of request bodies held at once, in total and per client address."""

    def __init__(self, total: int, per_address: int) -> None:
        self.total, self.per_address = total, per_address
        self._used, self._by_address = 0, {}
        self._lock = threading.Lock()

    def take(self, address: str, n: int) -> None:
        """Reserve ``n`` bytes for ``address``, or raise :class:`NodeBusy` (nothing reserved)."""
        with self._lock:
            mine = self._by_address.get(address, 0)
            if self._used + n > self.total or mine + n > self.per_address:
                raise NodeBusy()
            self._used += n
            self._by_address[address] = mine + n

    def give_back(self, address: str, n: int) -> None:
        """Release ``n`` bytes reserved by ``address``."""
        with self._lock:
            self._used -= n
            left = self._by_address.get(address, 0) - n
            if left > 0:
                self._by_address[address] = left
            else:
                self._by_address.pop(address, None)

    @property
    def used(self) -> int:
        """The bytes reserved now."""
        return self._used


def client_address(request: Request) -> str:
    """The client's address (without port), or "" when the server does not know it."""
    return request.client.host if request.client else ""


@contextlib.asynccontextmanager
async def bounded_body(request: Request, limit: int, budget: BodyBudget | None = None) -> AsyncIterator[bytes]:
    """``async with bounded_body(...) as body``: the whole body, or :class:`BodyTooLarge` as soon as it
    passes ``limit`` (never read further), or :class:`NodeBusy` when the budget is spent.

    With a budget the bytes are reserved as they arrive (an attacker must send what it holds) and
    given back when the ``with`` block ends: a body waiting to be judged still counts.
    """
    declared_text = request.headers.get("content-length")
    declared = None if declared_text is None else ascii_int(declared_text.strip(), 0, 2**62)
    if declared_text is not None and declared is None:
        raise BodyTooLarge()  # not a number: treat as unbounded
    if declared is not None and declared > limit:
        raise BodyTooLarge()
    address, reserved = client_address(request), 0
    try:
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge()
            if budget is not None and size > reserved:
                budget.take(address, size - reserved)
                reserved = size
            chunks.append(chunk)
        yield b"".join(chunks)
    finally:
        if budget is not None and reserved:
            budget.give_back(address, reserved)


def too_large(limit: int, what: str = "request body") -> JSONResponse:
    """413 ``too_large``, in Korean and English."""
    return JSONResponse({"error": "too_large",
                         "detail": f"요청 본문이 너무 큽니다 (최대 {limit} 바이트) / the {what} is too large: "
                                   f"at most {limit} bytes; send a smaller one"}, status_code=413)


def busy() -> JSONResponse:
    """503 ``busy`` with Retry-After, in Korean and English."""
    return JSONResponse({"error": "busy",
                         "detail": "노드가 지금 다른 요청을 받고 있습니다. 잠시 후 다시 보내십시오 / the node is "
                                   "receiving too much at once: send again in a few seconds"},
                        status_code=503, headers={"Retry-After": "5"})
