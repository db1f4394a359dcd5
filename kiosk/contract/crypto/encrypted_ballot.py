"""A whole ballot encrypted for the verifiable count, from an election's contests and a ballot style.

The bridge between the election definition and :mod:`.contest`: for each contest the style
shows, one ciphertext per option the style shows (in ballot order; options the style excludes
are not encrypted: the style fixes them to 0), each proved 0/1, and the number chosen proved to
lie in the contest's [min, max] (the ``single`` rule is min..1, ``approval`` min..max). Contexts bind
the election fingerprint, the style and the ballot id (:func:`.contest.ballot_context`).

Encryption nonces derive from one 32-byte ``nonce_seed`` (as ElectionGuard's ballot nonce seed):
nonce = H("nonce", seed, contest id, option index). The kiosk keeps only the seed until the ballot
is cast or checked; a Benaloh check prints the seed and :func:`open_with_seed` recovers the
selections from the published encrypted ballot and the seed alone. The proofs' own randomness is
independent of the seed, so revealing it reveals nothing but this ballot's selections.

The ballot format version that carries this (``kiosk-ballot/2``, with the token's own key and
signature of issue 21) wraps :meth:`EncryptedBallot.to_json`.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.contract.crypto.contest import ContestRule, EncryptedContest, ballot_context, encrypt_contest, verify_contest
from kiosk.contract.canonical import canonical_bytes, parse_json
from kiosk.contract.crypto.elgamal import Ciphertext, encrypt, total
from kiosk.contract.crypto.group import RandomScalar, hash_to_scalar, random_scalar
from kiosk.contract.election import Contest, Election
from kiosk.contract.rules import check_selections
from kiosk.errors import FormatError, ProofError


def shown_options(election: Election, style_id: str, contest: Contest) -> list[str]:
    """The ids of the options of ``contest`` that style ``style_id`` shows, in ballot order."""
    style = election.style(style_id)
    return [o.id for o in contest.options if o.id not in style.exclude]


def contest_rule(contest: Contest, shown: int) -> ContestRule:
    """The proof rule of a contest with ``shown`` options on a style."""
    if contest.is_score:  # each option 0..max; the sum is bounded by the per-option proofs alone
        return ContestRule(options=shown, option_max=contest.max, min_sum=0, max_sum=shown * contest.max)
    return ContestRule(options=shown, option_max=1, min_sum=contest.min, max_sum=min(contest.max, shown))


def _nonce(seed: bytes, contest_id: str, index: int) -> int:
    return hash_to_scalar(b"nonce", seed, contest_id.encode(), index.to_bytes(4, "big"))


class _Nonces:
    """The seed's nonces for one contest, then the proofs' randomness from ``rng``."""

    def __init__(self, seed: bytes, contest_id: str, count: int, rng: RandomScalar) -> None:
        self.queue = [_nonce(seed, contest_id, i) for i in range(count)]
        self.rng = rng

    def __call__(self) -> int:
        return self.queue.pop(0) if self.queue else self.rng()


@dataclass(frozen=True)
class EncryptedBallot:
    """The encrypted contests of one ballot, in the style's contest order."""

    style: str
    ballot_id: str
    contests: tuple[tuple[str, EncryptedContest], ...]

    def to_json(self) -> dict:
        """``{contest id: encrypted contest}`` (style and ballot id travel in the enclosing ballot)."""
        return {cid: c.to_json() for cid, c in self.contests}

    @classmethod
    def from_json(cls, value: object, election: Election, style_id: str, ballot_id: str) -> "EncryptedBallot":
        """Parse strictly against the style: exactly its contests, each with its shown options' count."""
        style = election.style(style_id)
        if style is None:
            raise FormatError(f"ballot style {style_id!r} is not in this election", "use the election's package")
        if not isinstance(value, dict) or set(value) != set(style.contests):
            raise FormatError(f"the encrypted ballot must have exactly the contests of style {style_id}",
                              "regenerate the ballot")
        out = []
        for cid in style.contests:
            contest = election.contest(cid)
            rule = contest_rule(contest, len(shown_options(election, style_id, contest)))
            out.append((cid, EncryptedContest.from_json(value[cid], rule, f"contest {cid}")))
        return cls(style_id, ballot_id, tuple(out))


def encrypt_ballot(public_key: bytes, election: Election, style_id: str, ballot_id: str, selections: dict,
                   nonce_seed: bytes, rng: RandomScalar = random_scalar) -> EncryptedBallot:
    """Encrypt and prove valid ``selections`` (``{contest id: [option id, ...]}``)."""
    if check_selections(election, style_id, selections):
        raise ValueError("the selections break the ballot style's rules")
    if len(nonce_seed) != 32:
        raise ValueError("the nonce seed is 32 bytes")
    style = election.style(style_id)
    out = []
    for cid in style.contests:
        contest = election.contest(cid)
        shown = shown_options(election, style_id, contest)
        if contest.is_score:
            grades = selections.get(cid, {})
            values = [int(grades.get(o, 0)) for o in shown]
        else:
            chosen = set(selections.get(cid, []))
            values = [int(o in chosen) for o in shown]
        ctx = ballot_context(election.fingerprint, style_id, ballot_id, cid)
        encrypted, _ = encrypt_contest(public_key, contest_rule(contest, len(shown)), values, ctx,
                                       _Nonces(nonce_seed, cid, len(shown), rng))
        out.append((cid, encrypted))
    return EncryptedBallot(style_id, ballot_id, tuple(out))


def verify_ballot(public_key: bytes, election: Election, ballot: EncryptedBallot) -> None:
    """Check every proof; :class:`ProofError` names the ballot, the contest and the option or the sum."""
    for cid, encrypted in ballot.contests:
        contest = election.contest(cid)
        shown = shown_options(election, ballot.style, contest)
        ctx = ballot_context(election.fingerprint, ballot.style, ballot.ballot_id, cid)
        try:
            verify_contest(public_key, contest_rule(contest, len(shown)), encrypted, ctx, f"contest {cid}", shown)
        except ProofError as e:
            raise ProofError(f"ballot {ballot.ballot_id}: {e.message}", e.hint) from None


def open_with_seed(public_key: bytes, election: Election, ballot: EncryptedBallot, nonce_seed: bytes) -> dict:
    """The selections a checked (spoiled) ballot encrypts, from the published ballot and its seed alone."""
    out = {}
    for cid, encrypted in ballot.contests:
        contest = election.contest(cid)
        shown = shown_options(election, ballot.style, contest)
        values = range(contest.max + 1) if contest.is_score else (1, 0)
        found = {}
        for i, (option, ct) in enumerate(zip(shown, encrypted.ciphertexts)):
            r = _nonce(nonce_seed, cid, i)
            value = next((m for m in values if ct == encrypt(public_key, m, r)), None)
            if value is None:
                raise ProofError(f"ballot {ballot.ballot_id}: contest {cid} option {option} is not an encryption "
                                 "with this seed", "the printed code is not this ballot's")
            if value:
                found[option] = value
        out[cid] = found if contest.is_score else list(found)
    return out


def aggregate_ballots(election: Election, ballots: list[EncryptedBallot]) -> dict[tuple[str, str], tuple[Ciphertext, int]]:
    """Per (contest, option): the homomorphic sum over the ballots that showed it, and their count.

    Ballots of different styles add by option id; a style that excludes an option adds nothing
    to it (its fixed 0). The count is what the privacy floor is checked against.
    """
    grouped: dict[tuple[str, str], list[Ciphertext]] = {}
    for ballot in ballots:
        for cid, encrypted in ballot.contests:
            shown = shown_options(election, ballot.style, election.contest(cid))
            for option, ct in zip(shown, encrypted.ciphertexts):
                grouped.setdefault((cid, option), []).append(ct)
    return {key: (total(cts), len(cts)) for key, cts in grouped.items()}


def ballot_bytes(ballot: EncryptedBallot) -> bytes:
    """The canonical JSON of an encrypted ballot: what a sealed ballot's ``sealed`` field carries in format 2.

    Every point and scalar encodes to 43 base64url characters and the structure follows the style,
    so every ballot of one style has the same length (:func:`encrypted_length`), whatever it holds.
    """
    return canonical_bytes(ballot.to_json())


def parse_ballot_bytes(data: bytes, election: Election, style_id: str, ballot_id: str) -> EncryptedBallot:
    """Parse :func:`ballot_bytes` strictly (canonical JSON only); proofs are checked by :func:`verify_ballot`."""
    value = parse_json(data, "the encrypted ballot")
    if canonical_bytes(value) != data:
        raise FormatError("the encrypted ballot is not canonical JSON", "regenerate the ballot")
    return EncryptedBallot.from_json(value, election, style_id, ballot_id)


def encrypted_length(election: Election, style_id: str) -> int:
    """The byte length of :func:`ballot_bytes` for every ballot of ``style_id``."""
    style = election.style(style_id)
    body = {}
    for cid in style.contests:
        contest = election.contest(cid)
        rule = contest_rule(contest, len(shown_options(election, style_id, contest)))
        p, ct = ["A" * 43] * 2, ["A" * 43] * 2
        body[cid] = {"ciphertexts": [ct] * rule.options, "proofs": [[p] * len(rule.option_values)] * rule.options}
        if rule.sum_values is not None:
            body[cid]["sum_proof"] = [p] * len(rule.sum_values)
    return len(canonical_bytes(body))
