"""The observer's fetching: a node's published board over HTTP (checkpoint, cosigned note, every leaf)
and, when it serves them, the count's files of the election record (:mod:`sync.central.record_api`)."""

from __future__ import annotations

import httpx

from kiosk.contract.board_checkpoint import parse_checkpoint
from kiosk.errors import FormatError, NetworkError
from kiosk.contract.canonical import parse_json
from sync.central.observer import InputError, Published
from sync.central.record_check import CountFiles

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
            count = fetch_count(http)
    except httpx.HTTPError as e:
        raise NetworkError(f"cannot reach {url}: {e}", hint="check the URL, or verify an exported directory") from e
    return Published(checkpoint, cosigned, leaves, count)


def _json_or_none(http: httpx.Client, path: str) -> object | None:
    answer = http.get(path)
    if answer.status_code == 404:
        return None
    if answer.status_code != 200:
        raise InputError(f"the node did not serve {path} (HTTP {answer.status_code})")
    try:
        return parse_json(answer.content, path)
    except FormatError as e:
        raise InputError(f"{path} is not JSON: {e}") from e


def fetch_count(http: httpx.Client) -> CountFiles:
    """The count's files the node serves (absent ones None or empty: the checks say what is missing)."""
    partials = _json_or_none(http, "/v1/record/partials") or {"partials": []}
    items = partials.get("partials") if isinstance(partials, dict) else None
    if not isinstance(items, list) or not all(isinstance(p, dict) and isinstance(p.get("name"), str) for p in items):
        raise InputError("/v1/record/partials is not a list of {name, body}")
    spoiled = http.get("/v1/record/spoiled")
    if spoiled.status_code not in (200, 404):
        raise InputError(f"the node did not serve /v1/record/spoiled (HTTP {spoiled.status_code})")
    return CountFiles(_json_or_none(http, "/v1/record/aggregates"),
                      tuple((p["name"][:80], p.get("body")) for p in items),
                      _json_or_none(http, "/v1/record/results"),
                      tuple(spoiled.content.splitlines()) if spoiled.status_code == 200 else (),
                      _json_or_none(http, "/v1/record/selection"))
