"""Talking to one central node over HTTP (httpx): node info, holdings, submitting a batch.

Every network failure (refused connection, timeout, a connection cut mid-upload or
mid-answer, an answer that is not what the API promises) becomes a :class:`NodeUnavailable`
naming what happened; the daemon then backs off and tries again. An answer the node gives
on purpose about a request (``400 malformed``, ``413 too_large``) is a :class:`NodeRefused`.
"""

from __future__ import annotations

import json

import httpx

from kiosk.errors import CHECKED, KioskError, NetworkError

DEFAULT_TIMEOUT_S = 30.0


class SyncError(KioskError):
    """Base of the sync daemon's errors."""


class NodeUnavailable(SyncError, NetworkError):
    """The node could not be reached or its answer was lost or garbled: try again later."""


class NodeRefused(SyncError):
    """The node refused the request itself (``code`` is its reason code)."""

    origin = CHECKED

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"the node refused the request: {code}: {detail}",
                         hint="the batch file may be damaged: run kiosk verify")
        self.code = code


class NodeClient:
    """One node's HTTP API. ``transport`` is for tests that hand requests to an in-process app."""

    def __init__(self, url: str, timeout_s: float = DEFAULT_TIMEOUT_S,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.url = url.rstrip("/")
        self.http = httpx.Client(base_url=self.url, transport=transport,
                                 timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)))

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def _request(self, method: str, path: str, **kwargs) -> httpx.Response:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as e:  # connect, timeout, reset, truncated answer ...
            raise NodeUnavailable(f"{self.url}: {type(e).__name__}: {e}"[:300],
                                  hint="the daemon tries again with backoff") from e
        if response.status_code in (400, 413):
            try:
                body = response.json()
                raise NodeRefused(str(body["error"])[:40], str(body.get("detail", ""))[:300])
            except (ValueError, KeyError, TypeError):
                pass
        if response.status_code != 200:
            raise NodeUnavailable(f"{self.url}{path}: HTTP {response.status_code}")
        return response

    def _json(self, path: str) -> dict:
        response = self._request("GET", path)
        try:
            body = json.loads(response.content)
        except ValueError as e:
            raise NodeUnavailable(f"{self.url}{path}: the answer is not JSON") from e
        if not isinstance(body, dict):
            raise NodeUnavailable(f"{self.url}{path}: the answer is not a JSON object")
        return body

    def info(self) -> dict:
        """``GET /v1/node``: id, key, election, mode, checkpoint."""
        return self._json("/v1/node")

    def accepted_through(self, kiosk_key_hex: str) -> int:
        """The highest batch number the node has accepted from this kiosk (0 for none)."""
        n = self._json(f"/v1/kiosks/{kiosk_key_hex}").get("accepted_through")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise NodeUnavailable(f"{self.url}: the holdings answer has no batch number")
        return n

    def submit(self, body: bytes) -> bytes:
        """``POST /v1/batches``: the acknowledgement's bytes (not yet checked: the caller checks)."""
        return self._request("POST", "/v1/batches", content=body,
                             headers={"content-type": "application/json"}).content
