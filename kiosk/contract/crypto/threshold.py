"""The key ceremony without a dealer, partial decryptions with proofs, and their k-of-n combination.

Pedersen's distributed key generation with Feldman commitments, as in the Belenios specification
("Polynomials", "Vinputs", "Voutputs") and the ElectionGuard key ceremony:

1. Trustee i (1..n) draws, on their own machine, a polynomial f_i of degree k−1 with coefficients
   a_i0..a_i,k−1 and publishes an :class:`Announcement`: the commitments K_ij = a_ij·g, a Schnorr
   proof of knowledge of each a_ij (ElectionGuard), and an X25519 transport key.
2. Trustee i sends trustee l the share s_il = f_i(l), sealed to l's transport key
   (:func:`seal_share`). Anyone may relay it (a USB stick); only l can open it.
3. Trustee l checks every share against the sender's commitments,
   s_il·g = Σ_j l^j·K_ij (:func:`check_share`; a failure names the sender), and keeps
   x_l = Σ_i s_il. Nobody ever holds the election secret Σ_i a_i0.
4. Everyone computes from the announcements alone the election key y = Σ_i K_i0 and each trustee's
   verification key X_l = Σ_i Σ_j l^j·K_ij = x_l·g.

At the tally trustee l publishes D = x_l·α for each aggregate ciphertext (α, β) with a
Chaum-Pedersen proof that log_g X_l = log_α D (:func:`partial_decrypt`); any k of them combine by
Lagrange interpolation in the exponent: m·g = β − Σ_l λ_l·D_l, λ_l = Π_{m≠l} m/(m−l) mod L
(:func:`combine`). Only aggregates are decrypted: :func:`partial_decrypt` refuses a tally of fewer
ballots than the privacy floor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from kiosk.contract.canonical import b64url, canonical_bytes, from_b64url, from_hex
from kiosk.contract.crypto.elgamal import Ciphertext
from kiosk.contract.crypto.group import IDENTITY, L, RandomScalar, add, decode_point, decode_scalar, mul, \
    mul_base, random_scalar, scalar_bytes, sub, transcript
from kiosk.contract.crypto.proofs import Proof, prove_equal_logs, prove_knowledge, verify_equal_logs, verify_knowledge
from kiosk.contract.keys import EncryptionKey, seal_to
from kiosk.errors import FormatError, ProofError

ANNOUNCEMENT_FORMAT = "kiosk-trustee-announcement/1"
SHARE_FORMAT = "kiosk-trustee-dkg-share/1"
PARTIAL_FORMAT = "kiosk-partial-decryption/1"


@dataclass(frozen=True)
class Ceremony:
    """The public parameters every file of one ceremony is bound to."""

    election: str       # the election's id
    count: int          # n trustees, numbered 1..n
    threshold: int      # k of them decrypt

    def __post_init__(self) -> None:
        if not 1 <= self.threshold <= self.count:
            raise ValueError("need 1 <= threshold <= count")

    @property
    def context(self) -> bytes:
        """The 64-byte context of every proof of this ceremony."""
        return transcript(b"ceremony", self.election.encode(), self.count.to_bytes(4, "big"),
                          self.threshold.to_bytes(4, "big"))

    def coefficient_context(self, trustee: int, j: int) -> bytes:
        """The context of trustee's proof of knowledge of coefficient j."""
        return transcript(b"coefficient", self.context, trustee.to_bytes(4, "big"), j.to_bytes(4, "big"))

    def check_index(self, index: object, what: str) -> int:
        """``index`` when it is a trustee number of this ceremony, else :class:`FormatError`."""
        if type(index) is not int or not 1 <= index <= self.count:
            raise FormatError(f"{what}: trustee number must be 1..{self.count}", "use a file of this ceremony")
        return index


@dataclass(frozen=True)
class TrusteeSecret:
    """Trustee ``index``'s polynomial coefficients and transport key: never leave their machine."""

    index: int
    coefficients: tuple[int, ...]
    transport: EncryptionKey

    def share_for(self, recipient: int) -> int:
        """f_index(recipient) mod L (Horner)."""
        value = 0
        for a in reversed(self.coefficients):
            value = (value * recipient + a) % L
        return value

    def __repr__(self) -> str:
        return f"TrusteeSecret(index={self.index}, <secret>)"


@dataclass(frozen=True)
class Announcement:
    """What trustee ``index`` publishes: Feldman commitments with proofs, and a transport key."""

    index: int
    commitments: tuple[bytes, ...]
    proofs: tuple[Proof, ...]
    transport_public: bytes

    def to_json(self) -> dict:
        """The announcement as JSON."""
        return {"format": ANNOUNCEMENT_FORMAT, "trustee": self.index,
                "commitments": [b64url(k) for k in self.commitments],
                "proofs": [p.to_json() for p in self.proofs], "transport_key_hex": self.transport_public.hex()}

    @classmethod
    def from_json(cls, value: object, ceremony: Ceremony) -> "Announcement":
        """Parse strictly (k commitments and proofs, canonical points) without checking the proofs."""
        keys = {"format", "trustee", "commitments", "proofs", "transport_key_hex"}
        if not isinstance(value, dict) or set(value) != keys or value["format"] != ANNOUNCEMENT_FORMAT:
            raise FormatError(f"not a {ANNOUNCEMENT_FORMAT} file", "use the file `trustee keygen` wrote")
        index = ceremony.check_index(value["trustee"], "announcement")
        what = f"trustee {index}'s announcement"
        cs, ps = value["commitments"], value["proofs"]
        if not isinstance(cs, list) or not isinstance(ps, list) or len(cs) != ceremony.threshold or len(ps) != ceremony.threshold:
            raise FormatError(f"{what}: expected {ceremony.threshold} commitments and proofs", "use a file of this ceremony")
        return cls(index,
                   tuple(decode_point(from_b64url(c, f"{what}.commitments[{j}]"), f"{what}.commitments[{j}]")
                         for j, c in enumerate(cs)),
                   tuple(Proof.from_json(p, f"{what}.proofs[{j}]") for j, p in enumerate(ps)),
                   from_hex(value["transport_key_hex"], f"{what}.transport_key_hex", 32))


def make_trustee(ceremony: Ceremony, index: int, rng: RandomScalar = random_scalar,
                 transport: EncryptionKey | None = None) -> tuple[TrusteeSecret, Announcement]:
    """Trustee ``index``'s secret polynomial and public announcement (run on the trustee's machine)."""
    ceremony.check_index(index, "keygen")
    coefficients = tuple(rng() for _ in range(ceremony.threshold))
    commitments = tuple(mul_base(a) for a in coefficients)
    proofs = tuple(prove_knowledge(a, k, ceremony.coefficient_context(index, j), rng)
                   for j, (a, k) in enumerate(zip(coefficients, commitments)))
    transport = transport or EncryptionKey.generate()
    return TrusteeSecret(index, coefficients, transport), Announcement(index, commitments, proofs, transport.public_raw)


def check_announcement(ceremony: Ceremony, announcement: Announcement) -> None:
    """Raise :class:`ProofError` naming the trustee and coefficient whose proof fails."""
    i = announcement.index
    for j, (k, p) in enumerate(zip(announcement.commitments, announcement.proofs)):
        verify_knowledge(k, p, ceremony.coefficient_context(i, j), f"trustee {i}'s commitment {j}")


def check_announcements(ceremony: Ceremony, announcements: list[Announcement]) -> dict[int, Announcement]:
    """All n announcements, one per trustee, each checked; keyed by trustee number."""
    by_index: dict[int, Announcement] = {}
    for a in announcements:
        if a.index in by_index:
            raise FormatError(f"two announcements of trustee {a.index}", "keep the one that trustee published")
        check_announcement(ceremony, a)
        by_index[a.index] = a
    missing = sorted(set(range(1, ceremony.count + 1)) - set(by_index))
    if missing:
        raise FormatError(f"no announcement of trustee {', '.join(map(str, missing))}", "collect every trustee's file")
    return by_index


def _commitment_at(announcement: Announcement, recipient: int) -> bytes:
    """Σ_j recipient^j·K_j: the public image f(recipient)·g of a trustee's polynomial."""
    point, power = IDENTITY, 1
    for k in announcement.commitments:
        point = add(point, mul(power, k))
        power = power * recipient % L
    return point


def seal_share(ceremony: Ceremony, secret: TrusteeSecret, recipient: Announcement) -> dict:
    """The share file from ``secret``'s trustee to ``recipient``, sealed to the recipient's transport key."""
    body = {"election": ceremony.election, "from": secret.index, "to": recipient.index,
            "share": b64url(scalar_bytes(secret.share_for(recipient.index)))}
    return {"format": SHARE_FORMAT, "from": secret.index, "to": recipient.index,
            "sealed": b64url(seal_to(recipient.transport_public, canonical_bytes(body)))}


def open_share(ceremony: Ceremony, secret: TrusteeSecret, sender: Announcement, value: object) -> int:
    """Open a share sent to ``secret``'s trustee by ``sender`` and check it against the commitments."""
    keys = {"format", "from", "to", "sealed"}
    if not isinstance(value, dict) or set(value) != keys or value["format"] != SHARE_FORMAT:
        raise FormatError(f"not a {SHARE_FORMAT} file", "use the file `trustee share` wrote")
    if value["to"] != secret.index or value["from"] != sender.index:
        raise FormatError(f"this share is from trustee {value['from']} to trustee {value['to']}",
                          f"trustee {secret.index} accepts only shares addressed to them")
    try:
        body = json.loads(secret.transport.open(from_b64url(value["sealed"], "share.sealed")))
    except Exception as e:  # a wrong key or altered bytes: CryptoError, or junk JSON
        raise ProofError(f"trustee {sender.index}'s share for trustee {secret.index} does not open",
                         "ask that trustee to send it again") from e
    if not isinstance(body, dict) or body.get("election") != ceremony.election or body.get("from") != sender.index \
            or body.get("to") != secret.index:
        raise ProofError(f"trustee {sender.index}'s share is not for this ceremony and trustee", "ask for it again")
    share = decode_scalar(from_b64url(body.get("share"), "share"), "share")
    check_share(sender, secret.index, share)
    return share


def check_share(sender: Announcement, recipient: int, share: int) -> None:
    """Feldman's check s·g = Σ_j recipient^j·K_j; :class:`ProofError` names the sender."""
    if mul_base(share) != _commitment_at(sender, recipient):
        raise ProofError(f"trustee {sender.index}'s share for trustee {recipient} does not match "
                         f"trustee {sender.index}'s published commitments",
                         f"refuse it and ask trustee {sender.index} to publish again or to send the right share")


def secret_key_share(shares: dict[int, int]) -> int:
    """x_l = Σ_i s_il over the checked shares from every trustee (the trustee's own included)."""
    return sum(shares.values()) % L


def election_key(announcements: dict[int, Announcement]) -> bytes:
    """y = Σ_i K_i0, computed from the published announcements alone."""
    y = IDENTITY
    for a in announcements.values():
        y = add(y, a.commitments[0])
    return y


def verification_key(announcements: dict[int, Announcement], index: int) -> bytes:
    """X_l = Σ_i f_i(l)·g: trustee ``index``'s public key share, from the announcements alone."""
    x = IDENTITY
    for a in announcements.values():
        x = add(x, _commitment_at(a, index))
    return x


@dataclass(frozen=True)
class PartialDecryption:
    """Trustee ``index``'s shares D = x_l·α of a list of ciphertexts, each with its proof."""

    index: int
    shares: tuple[bytes, ...]
    proofs: tuple[Proof, ...]

    def to_json(self) -> dict:
        """The partial decryption as JSON."""
        return {"format": PARTIAL_FORMAT, "trustee": self.index, "shares": [b64url(d) for d in self.shares],
                "proofs": [p.to_json() for p in self.proofs]}

    @classmethod
    def from_json(cls, value: object, ceremony: Ceremony, count: int) -> "PartialDecryption":
        """Parse strictly: ``count`` shares and proofs with canonical encodings."""
        keys = {"format", "trustee", "shares", "proofs"}
        if not isinstance(value, dict) or set(value) != keys or value["format"] != PARTIAL_FORMAT:
            raise FormatError(f"not a {PARTIAL_FORMAT} file", "use the file `trustee decrypt` wrote")
        index = ceremony.check_index(value["trustee"], "partial decryption")
        what = f"trustee {index}'s partial decryption"
        ds, ps = value["shares"], value["proofs"]
        if not isinstance(ds, list) or not isinstance(ps, list) or len(ds) != count or len(ps) != count:
            raise FormatError(f"{what}: expected {count} shares and proofs", "decrypt the published aggregates file")
        return cls(index, tuple(decode_point(from_b64url(d, f"{what}.shares[{n}]"), f"{what}.shares[{n}]")
                                for n, d in enumerate(ds)),
                   tuple(Proof.from_json(p, f"{what}.proofs[{n}]") for n, p in enumerate(ps)))


def _share_context(ceremony: Ceremony, context: bytes, n: int) -> bytes:
    return transcript(b"decryption", ceremony.context, context, n.to_bytes(4, "big"))


def partial_decrypt(ceremony: Ceremony, index: int, key_share: int, ciphertexts: list[Ciphertext],
                    ballots: list[int], floor: int, context: bytes,
                    rng: RandomScalar = random_scalar) -> PartialDecryption:
    """Trustee ``index``'s decryption shares of aggregate ``ciphertexts``, each of ``ballots[n]`` ballots.

    Refuses (:class:`ProofError`) an aggregate of fewer than ``floor`` ballots: no trustee helps
    to decrypt one ballot or a handful.
    """
    if len(ballots) != len(ciphertexts):
        raise ValueError("one ballot count per ciphertext")
    small = [n for n, b in enumerate(ballots) if b < floor]
    if small:
        raise ProofError(f"aggregate {small[0] + 1} holds {ballots[small[0]]} ballots, fewer than the floor of {floor}",
                         "trustees decrypt only aggregates of at least the privacy floor")
    public = mul_base(key_share)
    shares, proofs = [], []
    for n, ct in enumerate(ciphertexts):
        d = mul(key_share, ct.alpha)
        shares.append(d)
        proofs.append(prove_equal_logs(key_share, ct.alpha, public, d, _share_context(ceremony, context, n), rng))
    return PartialDecryption(index, tuple(shares), tuple(proofs))


def check_partial(ceremony: Ceremony, announcements: dict[int, Announcement], ciphertexts: list[Ciphertext],
                  partial: PartialDecryption, context: bytes) -> None:
    """Raise :class:`ProofError` naming the trustee and the aggregate whose share is wrong."""
    if len(partial.shares) != len(ciphertexts):
        raise ProofError(f"trustee {partial.index}: {len(partial.shares)} shares for {len(ciphertexts)} aggregates",
                         "decrypt the published aggregates file")
    public = verification_key(announcements, partial.index)
    for n, (ct, d, p) in enumerate(zip(ciphertexts, partial.shares, partial.proofs)):
        verify_equal_logs(ct.alpha, public, d, p, _share_context(ceremony, context, n),
                          f"trustee {partial.index}'s decryption share of aggregate {n + 1}")


def lagrange_at_zero(indices: list[int]) -> dict[int, int]:
    """λ_l = Π_{m≠l} m / (m − l) mod L for each l of ``indices``."""
    out = {}
    for l in indices:
        num, den = 1, 1
        for m in indices:
            if m != l:
                num = num * m % L
                den = den * (m - l) % L
        out[l] = num * pow(den, -1, L) % L
    return out


def combine(ceremony: Ceremony, announcements: dict[int, Announcement], ciphertexts: list[Ciphertext],
            partials: list[PartialDecryption], context: bytes) -> list[bytes]:
    """m_n·g for each ciphertext from any ``threshold`` checked partial decryptions (others ignored)."""
    by_index: dict[int, PartialDecryption] = {}
    for p in partials:
        check_partial(ceremony, announcements, ciphertexts, p, context)
        by_index.setdefault(p.index, p)
    if len(by_index) < ceremony.threshold:
        raise ProofError(f"{len(by_index)} trustees decrypted, {ceremony.threshold} are needed",
                         "collect more trustees' partial decryptions")
    chosen = sorted(by_index)[:ceremony.threshold]
    lam = lagrange_at_zero(chosen)
    out = []
    for n, ct in enumerate(ciphertexts):
        acc = IDENTITY
        for l in chosen:
            acc = add(acc, mul(lam[l], by_index[l].shares[n]))
        out.append(sub(ct.beta, acc))
    return out
