"""Sigma proofs made non-interactive with strong Fiat-Shamir, in the Belenios (challenge, response) form.

Every proof is a list of :class:`Proof` pairs (c, v). The verifier recomputes the prover's
commitments from them and checks that the challenges add up to the hash of the whole statement
and those commitments; so no commitment travels and a proof is 64 bytes per branch. The
statement hashed always includes the generator's role implicitly (one group, one g), the public
values, and a caller ``context`` (election fingerprint, ballot style, ballot id, contest, option).

- :func:`prove_knowledge` / :func:`verify_knowledge`: Schnorr proof of knowledge of x with X = x·g
  (Belenios "Trustee keys": A = g^w, c = H(X, A), v = w + x·c).
- :func:`prove_equal_logs` / :func:`verify_equal_logs`: Chaum-Pedersen proof that log_g X = log_α D
  (a correct decryption share D = x·α for a trustee key X = x·g; ElectionGuard "partial decryption").
- :func:`prove_range` / :func:`verify_range`: the disjunctive Chaum-Pedersen proof that (α, β)
  encrypts one of the values M_0..M_k under y (Belenios "Proofs of interval membership",
  ``iprove``: for j ≠ i simulate A_j = v_j·g − c_j·α, B_j = v_j·y − c_j·(β − M_j·g); for the true
  branch A_i = w·g, B_i = w·y, c_i = H(…) − Σ_{j≠i} c_j, v_i = w + r·c_i).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.contract.canonical import b64url, from_b64url
from kiosk.contract.crypto.elgamal import Ciphertext, encode_message
from kiosk.contract.crypto.group import L, RandomScalar, decode_scalar, hash_to_scalar, mul, mul_base, \
    random_scalar, scalar_bytes, sub
from kiosk.errors import FormatError, ProofError


@dataclass(frozen=True)
class Proof:
    """One (challenge, response) pair, both scalars modulo L."""

    c: int
    v: int

    def to_json(self) -> list[str]:
        """``[c, v]`` as unpadded base64url of their 32-byte little-endian encodings."""
        return [b64url(scalar_bytes(self.c)), b64url(scalar_bytes(self.v))]

    @classmethod
    def from_json(cls, value: object, what: str = "proof") -> "Proof":
        """Parse ``[c, v]``, refusing non-canonical scalars."""
        if not isinstance(value, list) or len(value) != 2 or not all(isinstance(x, str) for x in value):
            raise FormatError(f"{what}: a proof is a list of two base64url strings", "regenerate the file")
        return cls(decode_scalar(from_b64url(value[0], f"{what}.c"), f"{what}.c"),
                   decode_scalar(from_b64url(value[1], f"{what}.v"), f"{what}.v"))


def proofs_to_json(proofs: list[Proof]) -> list[list[str]]:
    """A list of proofs as JSON."""
    return [p.to_json() for p in proofs]


def proofs_from_json(value: object, what: str, count: int) -> list[Proof]:
    """Exactly ``count`` proofs from JSON."""
    if not isinstance(value, list) or len(value) != count:
        raise FormatError(f"{what}: expected a list of {count} proofs", "regenerate the file")
    return [Proof.from_json(p, f"{what}[{i}]") for i, p in enumerate(value)]


def _ints(values) -> bytes:
    return b"".join(int(v).to_bytes(4, "big", signed=True) for v in values)


def prove_knowledge(secret: int, public: bytes, context: bytes, rng: RandomScalar = random_scalar) -> Proof:
    """Schnorr proof of knowledge of ``secret`` with ``public`` = secret·g."""
    w = rng()
    a = mul_base(w)
    c = hash_to_scalar(b"pok", context, public, a)
    return Proof(c, (w + secret * c) % L)


def verify_knowledge(public: bytes, proof: Proof, context: bytes, what: str = "proof of knowledge") -> None:
    """Raise :class:`ProofError` naming ``what`` unless ``proof`` shows knowledge of log_g ``public``."""
    a = sub(mul_base(proof.v), mul(proof.c, public))
    if hash_to_scalar(b"pok", context, public, a) != proof.c:
        raise ProofError(f"{what}: the Schnorr proof does not verify", "the key was altered or the proof is not for it")


def prove_equal_logs(secret: int, base: bytes, public: bytes, share: bytes, context: bytes,
                     rng: RandomScalar = random_scalar) -> Proof:
    """Chaum-Pedersen: log_g ``public`` = log_``base`` ``share`` (= ``secret``)."""
    w = rng()
    a, b = mul_base(w), mul(w, base)
    c = hash_to_scalar(b"cp", context, public, base, share, a, b)
    return Proof(c, (w + secret * c) % L)


def verify_equal_logs(base: bytes, public: bytes, share: bytes, proof: Proof, context: bytes,
                      what: str = "decryption share") -> None:
    """Raise :class:`ProofError` naming ``what`` unless log_g public = log_base share."""
    a = sub(mul_base(proof.v), mul(proof.c, public))
    b = sub(mul(proof.v, base), mul(proof.c, share))
    if hash_to_scalar(b"cp", context, public, base, share, a, b) != proof.c:
        raise ProofError(f"{what}: the Chaum-Pedersen proof does not verify",
                         "this share is not the decryption by that trustee's key")


def _range_hash(public_key: bytes, ct: Ciphertext, values, commitments: list[bytes], context: bytes) -> int:
    return hash_to_scalar(b"range", context, public_key, ct.alpha, ct.beta, _ints(values), *commitments)


def prove_range(public_key: bytes, ct: Ciphertext, r: int, m: int, values: list[int], context: bytes,
                rng: RandomScalar = random_scalar) -> list[Proof]:
    """Prove that ``ct`` = Enc(m; r) with m one of ``values`` (one proof per value, in order)."""
    if m not in values:
        raise ValueError("the message is not one of the allowed values")
    index = values.index(m)
    commitments: list[bytes] = []
    proofs: list[Proof | None] = []
    w = 0
    for j, mj in enumerate(values):
        if j == index:
            w = rng()
            commitments += [mul_base(w), mul(w, public_key)]
            proofs.append(None)
        else:
            # The simulated branch's commitments, A_j = v_j·g − c_j·α and B_j = v_j·y − c_j·(β − M_j·g),
            # computed from what the prover knows (α = r·g, β = m·g + r·y): with t = v_j − c_j·r,
            # A_j = t·g and B_j = t·y − c_j·(m − M_j)·g. Same points, two scalar multiplications fewer.
            cj, vj = rng(), rng()
            t = (vj - cj * r) % L
            commitments += [mul_base(t), sub(mul(t, public_key), mul_base(cj * (m - mj)))]
            proofs.append(Proof(cj, vj))
    c = _range_hash(public_key, ct, values, commitments, context)
    ci = (c - sum(p.c for p in proofs if p is not None)) % L
    proofs[index] = Proof(ci, (w + r * ci) % L)
    return proofs  # type: ignore[return-value]


def verify_range(public_key: bytes, ct: Ciphertext, proofs: list[Proof], values: list[int], context: bytes,
                 what: str = "range proof") -> None:
    """Raise :class:`ProofError` naming ``what`` unless ``proofs`` show ``ct`` encrypts one of ``values``."""
    if len(proofs) != len(values):
        raise ProofError(f"{what}: {len(proofs)} proofs for {len(values)} values", "regenerate the ballot")
    commitments: list[bytes] = []
    for p, mj in zip(proofs, values):
        commitments += [sub(mul_base(p.v), mul(p.c, ct.alpha)),
                        sub(mul(p.v, public_key), mul(p.c, sub(ct.beta, encode_message(mj))))]
    if _range_hash(public_key, ct, values, commitments, context) != sum(p.c for p in proofs) % L:
        raise ProofError(f"{what}: the disjunctive proof does not verify",
                         "the ciphertext does not encrypt an allowed value, or it was altered")
