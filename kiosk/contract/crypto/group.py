"""ristretto255 through libsodium: points as canonical 32-byte encodings, scalars as integers.

libsodium (1.0.18 and later) has ristretto255; PyNaCl 1.6 does not bind it, so the calls go
through ``pysodium``'s handle on the system libsodium, with ``ctypes`` argument types set once so
that each group operation costs one C call. Every point that comes from outside passes
:func:`decode_point`, which accepts only canonical encodings of group elements (libsodium's
``crypto_core_ristretto255_is_valid_point``) or the identity (32 zero bytes). libsodium's scalar
multiplication refuses a zero scalar and the identity point (the result would be the identity);
:func:`mul` and :func:`mul_base` handle those cases explicitly, so ``0·P`` and ``s·O`` are the
identity as the algebra says.
"""

from __future__ import annotations

import ctypes
import hashlib
import secrets
from typing import Callable

import pysodium

from kiosk.errors import FormatError

#: The order of the ristretto255 group (and of its generator), 2^252 + 27742317777372353535851937790883648493.
L = 2**252 + 27742317777372353535851937790883648493
#: The identity element's canonical encoding.
IDENTITY = bytes(32)
#: A domain tag in front of every hash of this construction.
DOMAIN = b"kiosk-crypto/1"

# A handle of our own on the library pysodium loaded, so that setting argument types here does
# not change pysodium's own function objects.
_lib = ctypes.CDLL(pysodium.sodium._name)
_buf = ctypes.c_char_p
for _name, _argc in (("crypto_core_ristretto255_add", 3), ("crypto_core_ristretto255_sub", 3),
                     ("crypto_scalarmult_ristretto255", 3), ("crypto_scalarmult_ristretto255_base", 2),
                     ("crypto_core_ristretto255_is_valid_point", 1),
                     ("crypto_core_ristretto255_from_hash", 2)):
    _fn = getattr(_lib, _name)
    _fn.argtypes = [_buf] * _argc
    _fn.restype = ctypes.c_int
_add = _lib.crypto_core_ristretto255_add
_sub = _lib.crypto_core_ristretto255_sub
_mul = _lib.crypto_scalarmult_ristretto255
_mul_base = _lib.crypto_scalarmult_ristretto255_base
_valid = _lib.crypto_core_ristretto255_is_valid_point
_from_hash = _lib.crypto_core_ristretto255_from_hash

RandomScalar = Callable[[], int]


def scalar_bytes(s: int) -> bytes:
    """The canonical 32-byte little-endian encoding of a scalar (reduced modulo :data:`L`)."""
    return (s % L).to_bytes(32, "little")


def decode_scalar(data: bytes, what: str = "scalar") -> int:
    """A scalar from its canonical encoding; refuses anything but 32 bytes below :data:`L`."""
    if not isinstance(data, (bytes, bytearray)) or len(data) != 32:
        raise FormatError(f"{what}: a scalar is 32 bytes", "send the canonical encoding")
    s = int.from_bytes(data, "little")
    if s >= L:
        raise FormatError(f"{what}: scalar not reduced modulo the group order", "send the canonical encoding")
    return s


def is_point(data: bytes) -> bool:
    """Whether ``data`` is the canonical encoding of a ristretto255 element (identity included).

    The top bit is checked here too: libsodium 1.0.18 (Debian 12's) ignores it when decoding, so
    without this check two encodings would name one element (found by a property test).
    """
    return (isinstance(data, bytes) and len(data) == 32 and not data[31] & 0x80
            and (data == IDENTITY or _valid(data) == 1))


def decode_point(data: bytes, what: str = "point") -> bytes:
    """``data`` itself when it is a canonical group element, else :class:`FormatError` naming ``what``."""
    if not is_point(data):
        raise FormatError(f"{what}: not a canonical ristretto255 element", "the file was altered or is not of this election")
    return bytes(data)


def add(p: bytes, q: bytes) -> bytes:
    """p + q (the group law written additively)."""
    if p == IDENTITY:
        return q
    if q == IDENTITY:
        return p
    out = ctypes.create_string_buffer(32)
    _add(out, p, q)
    return out.raw


def sub(p: bytes, q: bytes) -> bytes:
    """p − q."""
    if q == IDENTITY:
        return p
    out = ctypes.create_string_buffer(32)
    _sub(out, p, q)
    return out.raw


def neg(p: bytes) -> bytes:
    """−p."""
    return sub(IDENTITY, p) if p != IDENTITY else p


def mul(s: int, p: bytes) -> bytes:
    """s·p; the identity when s ≡ 0 or p is the identity (libsodium refuses both)."""
    s %= L
    if s == 0 or p == IDENTITY:
        return IDENTITY
    out = ctypes.create_string_buffer(32)
    if _mul(out, s.to_bytes(32, "little"), p) != 0:  # pragma: no cover - prime order: cannot happen
        return IDENTITY
    return out.raw


def mul_base(s: int) -> bytes:
    """s·g for the standard generator g; the identity when s ≡ 0."""
    s %= L
    if s == 0:
        return IDENTITY
    out = ctypes.create_string_buffer(32)
    _mul_base(out, s.to_bytes(32, "little"))
    return out.raw


#: The standard ristretto255 generator g.
G = mul_base(1)


def hash_to_point(tag: bytes, *parts: bytes) -> bytes:
    """A group element nobody knows the discrete log of, from :func:`transcript` (Elligator map)."""
    out = ctypes.create_string_buffer(32)
    _from_hash(out, transcript(tag, *parts))
    return out.raw


def transcript(tag: bytes, *parts: bytes) -> bytes:
    """SHA-512 of DOMAIN, tag and parts, each preceded by its length as 4 bytes big-endian."""
    h = hashlib.sha512()
    for item in (DOMAIN, tag, *parts):
        h.update(len(item).to_bytes(4, "big"))
        h.update(item)
    return h.digest()


def hash_to_scalar(tag: bytes, *parts: bytes) -> int:
    """The Fiat-Shamir challenge: :func:`transcript` read little-endian, reduced modulo :data:`L`."""
    return int.from_bytes(transcript(tag, *parts), "little") % L


def random_scalar() -> int:
    """A uniform scalar from the operating system's generator (64 bytes reduced: bias < 2^-250)."""
    return int.from_bytes(secrets.token_bytes(64), "little") % L


class SeededScalars:
    """A deterministic scalar stream for known-answer vectors only (SHAKE-256 of a seed and a counter)."""

    def __init__(self, seed: bytes) -> None:
        self.seed = seed
        self.counter = 0

    def __call__(self) -> int:
        self.counter += 1
        block = hashlib.shake_256(self.seed + self.counter.to_bytes(8, "big")).digest(64)
        return int.from_bytes(block, "little") % L
