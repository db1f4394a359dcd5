"""One contest of an encrypted ballot: a ciphertext per shown option and the proofs that it is well formed.

For a contest whose ballot style shows n options under a rule (each option 0..``option_max``, the
sum in [``min_sum``, ``max_sum``]) the ballot carries, as in Belenios "Encrypted answers":

- n ciphertexts Enc_y(m_i; r_i);
- per option, :func:`~.proofs.prove_range` over 0..option_max (0/1 for ``single`` and
  ``approval``, 0..max for ``score``), under the option's own context;
- unless the per-option bounds already imply it, one range proof that the homomorphic sum
  (Σα, Σβ), whose nonce is Σ r_i, encrypts a value in [min_sum, max_sum] (Belenios
  ``overall_proof``).

Every context derives from :func:`ballot_context`: the election fingerprint, the ballot style,
the ballot's own id and the contest id, nothing that tells casting order. A proof made for one
ballot, contest or option therefore does not verify for another.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.contract.crypto.elgamal import Ciphertext, encrypt, total
from kiosk.contract.crypto.group import L, RandomScalar, random_scalar, transcript
from kiosk.contract.crypto.proofs import Proof, proofs_from_json, proofs_to_json, prove_range, verify_range
from kiosk.errors import FormatError, ProofError


@dataclass(frozen=True)
class ContestRule:
    """What a contest allows: ``options`` shown, each 0..``option_max``, their sum in [min_sum, max_sum]."""

    options: int
    option_max: int = 1
    min_sum: int = 0
    max_sum: int = 1

    def __post_init__(self) -> None:
        if not (self.options >= 1 and self.option_max >= 1 and 0 <= self.min_sum <= self.max_sum):
            raise ValueError(f"not a contest rule: {self}")

    @property
    def option_values(self) -> list[int]:
        """The values one option may take."""
        return list(range(self.option_max + 1))

    @property
    def sum_values(self) -> list[int] | None:
        """The values the sum may take, or None when the per-option proofs already bound it."""
        low, high = self.min_sum, min(self.max_sum, self.options * self.option_max)
        if low == 0 and high == self.options * self.option_max:
            return None
        return list(range(low, high + 1))

    def allows(self, selections: list[int]) -> bool:
        """Whether ``selections`` (one value per shown option) keep this rule."""
        return (len(selections) == self.options and all(0 <= s <= self.option_max for s in selections)
                and self.min_sum <= sum(selections) <= self.max_sum)


def ballot_context(election_fingerprint: bytes, style: str, ballot_id: str, contest_id: str) -> bytes:
    """The Fiat-Shamir context of one contest of one ballot (64 bytes)."""
    return transcript(b"contest", election_fingerprint, style.encode(), ballot_id.encode(), contest_id.encode())


def _option_context(context: bytes, index: int) -> bytes:
    return transcript(b"option", context, index.to_bytes(4, "big"))


def _sum_context(context: bytes) -> bytes:
    return transcript(b"sum", context)


@dataclass(frozen=True)
class EncryptedContest:
    """The ciphertexts of a contest and their proofs."""

    ciphertexts: tuple[Ciphertext, ...]
    option_proofs: tuple[tuple[Proof, ...], ...]
    sum_proof: tuple[Proof, ...] | None

    def to_json(self) -> dict:
        """``{"ciphertexts": [...], "proofs": [[...]...], "sum_proof": [...]}`` (the last only when needed)."""
        out = {"ciphertexts": [c.to_json() for c in self.ciphertexts],
               "proofs": [proofs_to_json(list(p)) for p in self.option_proofs]}
        if self.sum_proof is not None:
            out["sum_proof"] = proofs_to_json(list(self.sum_proof))
        return out

    @classmethod
    def from_json(cls, value: object, rule: ContestRule, what: str = "contest") -> "EncryptedContest":
        """Parse strictly against ``rule``: the option count, the proof counts and every encoding."""
        sums = rule.sum_values
        keys = {"ciphertexts", "proofs"} | ({"sum_proof"} if sums is not None else set())
        if not isinstance(value, dict) or set(value) != keys:
            raise FormatError(f"{what}: expected exactly the fields {sorted(keys)}", "regenerate the ballot")
        cts, proofs = value["ciphertexts"], value["proofs"]
        if not isinstance(cts, list) or not isinstance(proofs, list) or len(cts) != rule.options or len(proofs) != rule.options:
            raise FormatError(f"{what}: expected {rule.options} ciphertexts and proof lists", "regenerate the ballot")
        k = len(rule.option_values)
        return cls(tuple(Ciphertext.from_json(c, f"{what}.ciphertexts[{i}]") for i, c in enumerate(cts)),
                   tuple(tuple(proofs_from_json(p, f"{what}.proofs[{i}]", k)) for i, p in enumerate(proofs)),
                   None if sums is None else tuple(proofs_from_json(value["sum_proof"], f"{what}.sum_proof", len(sums))))


def encrypt_contest(public_key: bytes, rule: ContestRule, selections: list[int], context: bytes,
                    rng: RandomScalar = random_scalar) -> tuple[EncryptedContest, list[int]]:
    """Encrypt and prove ``selections``; also returns the nonces (the Benaloh check prints them)."""
    if not rule.allows(selections):
        raise ValueError("the selections break the contest rule")
    nonces = [rng() for _ in selections]
    cts = [encrypt(public_key, m, r) for m, r in zip(selections, nonces)]
    proofs = tuple(tuple(prove_range(public_key, ct, r, m, rule.option_values, _option_context(context, i), rng))
                   for i, (ct, r, m) in enumerate(zip(cts, nonces, selections)))
    sums = rule.sum_values
    sum_proof = None
    if sums is not None:
        sum_proof = tuple(prove_range(public_key, total(cts), sum(nonces) % L, sum(selections), sums,
                                      _sum_context(context), rng))
    return EncryptedContest(tuple(cts), proofs, sum_proof), nonces


def verify_contest(public_key: bytes, rule: ContestRule, contest: EncryptedContest, context: bytes,
                   what: str = "contest", option_names: list[str] | None = None) -> None:
    """Raise :class:`ProofError` naming the option (by ``option_names``, else 1-based position) or the sum."""
    if len(contest.ciphertexts) != rule.options or len(contest.option_proofs) != rule.options:
        raise ProofError(f"{what}: {len(contest.ciphertexts)} ciphertexts for {rule.options} options",
                         "the ballot is not of this style")
    for i, (ct, proofs) in enumerate(zip(contest.ciphertexts, contest.option_proofs)):
        verify_range(public_key, ct, list(proofs), rule.option_values, _option_context(context, i),
                     f"{what} option {option_names[i] if option_names else i + 1}")
    sums = rule.sum_values
    if (sums is None) != (contest.sum_proof is None):
        raise ProofError(f"{what}: the sum proof is {'missing' if sums else 'not expected'}", "regenerate the ballot")
    if sums is not None:
        verify_range(public_key, total(contest.ciphertexts), list(contest.sum_proof), sums, _sum_context(context),
                     f"{what} sum")


def aggregate(contests, options: int) -> list[Ciphertext]:
    """Per option, the homomorphic sum of that option's ciphertext over ``contests`` (verified ones only)."""
    sums = [[] for _ in range(options)]
    for contest in contests:
        if len(contest.ciphertexts) != options:
            raise ValueError("a contest of another style in the aggregate")
        for i, ct in enumerate(contest.ciphertexts):
            sums[i].append(ct)
    return [total(s) for s in sums]
