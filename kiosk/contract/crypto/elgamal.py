"""Exponential ElGamal on ristretto255: Enc_y(m; r) = (r·g, m·g + r·y).

Ciphertexts add component-wise, so the product (in additive notation, the sum) of encryptions
of m_1..m_n under one key is an encryption of m_1 + … + m_n with nonce r_1 + … + r_n (Belenios
specification, "Encrypted answers"; ElectionGuard 1.x "exponential ElGamal"). Decryption yields
m·g; :class:`DiscreteLog` recovers m when it is small (a tally is at most the ballot count).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isqrt

from kiosk.contract.canonical import b64url, from_b64url
from kiosk.contract.crypto.group import G, IDENTITY, add, decode_point, mul, mul_base, sub
from kiosk.errors import FormatError


@dataclass(frozen=True)
class Ciphertext:
    """An ElGamal pair: ``alpha`` = r·g, ``beta`` = m·g + r·y (canonical encodings)."""

    alpha: bytes
    beta: bytes

    def __add__(self, other: "Ciphertext") -> "Ciphertext":
        return Ciphertext(add(self.alpha, other.alpha), add(self.beta, other.beta))

    def to_json(self) -> list[str]:
        """``[alpha, beta]`` as unpadded base64url."""
        return [b64url(self.alpha), b64url(self.beta)]

    @classmethod
    def from_json(cls, value: object, what: str = "ciphertext") -> "Ciphertext":
        """Parse ``[alpha, beta]``; every point is checked to be a canonical group element."""
        if not isinstance(value, list) or len(value) != 2 or not all(isinstance(v, str) for v in value):
            raise FormatError(f"{what}: a ciphertext is a list of two base64url strings", "regenerate the file")
        return cls(decode_point(from_b64url(value[0], f"{what}.alpha"), f"{what}.alpha"),
                   decode_point(from_b64url(value[1], f"{what}.beta"), f"{what}.beta"))


#: The encryption of 0 with nonce 0: the neutral element of ciphertext addition.
ZERO = Ciphertext(IDENTITY, IDENTITY)


def encode_message(m: int) -> bytes:
    """m·g, with the two values every ballot uses (0 and 1) free."""
    if m == 0:
        return IDENTITY
    if m == 1:
        return G
    return mul_base(m)


def encrypt(public_key: bytes, m: int, r: int) -> Ciphertext:
    """Enc_y(m; r). ``r`` must be uniform in [1, L) and never reused."""
    return Ciphertext(mul_base(r), add(encode_message(m), mul(r, public_key)))


def total(ciphertexts) -> Ciphertext:
    """The homomorphic sum of ``ciphertexts`` (:data:`ZERO` for none)."""
    alpha, beta = IDENTITY, IDENTITY
    for c in ciphertexts:
        alpha, beta = add(alpha, c.alpha), add(beta, c.beta)
    return Ciphertext(alpha, beta)


def decrypt_point(secret: int, c: Ciphertext) -> bytes:
    """m·g = beta − x·alpha (only for tests and for a whole key that no real election has)."""
    return sub(c.beta, mul(secret, c.alpha))


class DiscreteLog:
    """Recovers m in [0, bound] from m·g by baby-step giant-step (table of about √bound points)."""

    def __init__(self, bound: int) -> None:
        if bound < 0:
            raise ValueError("bound must be >= 0")
        self.bound = bound
        self.step = max(1, isqrt(bound) + 1)
        self.table: dict[bytes, int] = {}
        point = IDENTITY
        for j in range(self.step):
            self.table[point] = j
            point = add(point, G)
        self.giant = mul_base(self.step)

    def find(self, point: bytes) -> int | None:
        """m with m·g = ``point`` and 0 ≤ m ≤ bound, else None."""
        for i in range(self.step + 1):
            j = self.table.get(point)
            if j is not None:
                m = i * self.step + j
                return m if m <= self.bound else None
            point = sub(point, self.giant)
        return None
