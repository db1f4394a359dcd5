"""Canonical JSON: the one byte form of every signed or hashed structure.

UTF-8, keys sorted by code point, no insignificant white space, integers only (no floats),
binary as lowercase hex or unpadded base64url in a field whose name says which (``*_hex``,
``*_b64``). Two writers that agree on the value agree on the bytes, so a hash or a signature
over them means the same everywhere.
"""

from __future__ import annotations

import binascii
import json
from typing import Any

from kiosk.errors import FormatError


def _check(value: Any, path: str) -> None:
    if value is None or isinstance(value, (bool, str)):
        return
    if isinstance(value, int):
        return
    if isinstance(value, float):
        raise FormatError(f"{path}: floats are not allowed in canonical JSON; use an integer")
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise FormatError(f"{path}: object keys must be strings, got {type(key).__name__}")
            _check(item, f"{path}.{key}")
        return
    raise FormatError(f"{path}: {type(value).__name__} cannot be encoded as canonical JSON")


def canonical_bytes(value: Any) -> bytes:
    """Return the canonical JSON encoding of ``value`` (refuses floats and non-string keys)."""
    _check(value, "$")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def parse_json(data: bytes | str, what: str) -> Any:
    """Parse JSON from outside, refusing floats, NaN and duplicate keys with a named reason."""

    def no_float(text: str) -> Any:
        raise ValueError(f"floats are not allowed ({text})")

    def no_constant(text: str) -> Any:
        raise ValueError(f"{text} is not allowed")

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for key, item in pairs:
            if key in out:
                raise ValueError(f"duplicate key {key!r}")
            out[key] = item
        return out

    try:
        if isinstance(data, bytes):
            data = data.decode("utf-8")
        return json.loads(data, parse_float=no_float, parse_constant=no_constant,
                          object_pairs_hook=no_duplicates)
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise FormatError(f"{what} is not valid JSON: {e}",
                          hint="check that the file is complete and was not edited by hand") from e


_TO_URL = bytes.maketrans(b"+/", b"-_")
_FROM_URL = bytes.maketrans(b"-_", b"+/")


def b64url(data: bytes) -> str:
    """Unpadded base64url text of ``data``."""
    return binascii.b2a_base64(data, newline=False).translate(_TO_URL).rstrip(b"=").decode("ascii")


def from_b64url(text: str, what: str) -> bytes:
    """Decode unpadded base64url, refusing anything that does not re-encode to the same text."""
    if not isinstance(text, str):
        raise FormatError(f"{what} must be base64url text")
    try:
        raw = text.encode("ascii")
        data = binascii.a2b_base64(raw.translate(_FROM_URL) + b"=" * (-len(raw) % 4))
    except (UnicodeEncodeError, binascii.Error) as e:
        raise FormatError(f"{what} is not valid base64url") from e
    # a2b_base64 skips characters outside the alphabet: the re-encoding refuses them, padding
    # and stray low bits alike
    if binascii.b2a_base64(data, newline=False).translate(_TO_URL).rstrip(b"=") != raw:
        raise FormatError(f"{what} is not canonical unpadded base64url")
    return data


def from_hex(text: str, what: str, length: int | None = None) -> bytes:
    """Decode lowercase hex of an optional exact byte length."""
    if not isinstance(text, str) or text != text.lower():
        raise FormatError(f"{what} must be lowercase hex")
    try:
        data = bytes.fromhex(text)
    except ValueError as e:
        raise FormatError(f"{what} is not valid hex") from e
    if length is not None and len(data) != length:
        raise FormatError(f"{what} must be {length} bytes, got {len(data)}")
    if len(text) != 2 * len(data):  # bytes.fromhex skips white space between bytes
        raise FormatError(f"{what} must be hex digits only")
    return data
