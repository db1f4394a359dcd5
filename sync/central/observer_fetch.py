"""The observer's fetching: a node's published board over HTTP (checkpoint, cosigned note, every leaf)."""

from __future__ import annotations

import httpx

from kiosk.contract.board_checkpoint import parse_checkpoint
from kiosk.errors import FormatError, NetworkError
from sync.central.observer import InputError, Published

PAGE = 1000  # the most leaves the node serves per request


def fetch_board(url: str, transport: httpx.BaseTransport | None = None, timeout_s: float = 30.0) -> Published:
    """Download a node's checkpoint, cosigned checkpoint and every leaf (in pages) over HTTP."""
    try:
        with httpx.Client(base_url=url, transport=transport, timeout=timeout_s) as http:
            answer = http.get("/v1/board/checkpoint")
            if answer.status_code != 200:
                raise InputError(f"{url} serves no board checkpoint (HTTP {answer.status_code})")
            checkpoint = answer.content
            try:
                size = parse_checkpoint(checkpoint, None, None).tree_size
            except FormatError as e:
                raise InputError(f"the checkpoint {url} serves is not a checkpoint: {e}") from e
            leaves: list[bytes] = []
            for start in range(0, size, PAGE):
                end = min(size, start + PAGE)
                page = http.get("/v1/board/leaves", params={"start": start, "end": end})
                if page.status_code != 200:
                    raise InputError(f"{url} did not serve leaves {start}..{end - 1} (HTTP {page.status_code})")
                leaves += page.content.splitlines()
            cosigned = None
            answer = http.get("/v1/board/cosigned")
            if answer.status_code == 200:
                try:
                    cosigned = answer.json()["note"].encode("utf-8")
                except (ValueError, KeyError, TypeError, AttributeError):
                    cosigned = b"(not a JSON answer with a note)"
    except httpx.HTTPError as e:
        raise NetworkError(f"cannot reach {url}: {e}", hint="check the URL, or verify an exported directory") from e
    return Published(checkpoint, cosigned, leaves)
