"""Ballot format 2: an encrypted ballot signed by its token's own key and by the kiosk (issues 14 and 21).

What leaves the kiosk in format 2 (the canonical JSON of)::

    SEALED BALLOT/2 = {"ballot_id_hex", "encrypted_b64", "sig_b64", "style", "token_key_hex", "token_sig_b64"}

- ``encrypted_b64``: :func:`kiosk.contract.crypto.encrypted_ballot.ballot_bytes`, the ballot's
  ciphertexts and proofs (fixed length per style); the proofs bind election, style and ballot id.
- ``token_key_hex``: the token's own Ed25519 public key, derived from its serial
  (:func:`token_signing_key`); a roll of format 2 lists these keys, so nodes and observers check
  roll membership and the signature without ever seeing a serial, and the board hands out none.
- ``token_sig_b64``: the token key's signature over ``"kiosk-token-ballot/2" 0x00 ||
  canonical({ballot_id_hex, encrypted_b64, style, token_key_hex})``. Only who read the token's QR
  (the voter's kiosk) can make it: a stolen kiosk key alone stuffs nothing.
- ``sig_b64``: the kiosk key's signature over ``"kiosk-sealed-ballot/2" 0x00 || canonical(the
  object without sig_b64)``.

The Merkle leaf is the canonical JSON of the whole object; the tracking code is its hash as before.
The kiosk casts these (:mod:`kiosk.contract.ballot_row` is its
ballot-box row); the node judges them in batch format 2 (:mod:`kiosk.contract.sealed_batch`).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.contract.canonical import b64url, canonical_bytes, from_b64url, from_hex, parse_json
from kiosk.contract.crypto.encrypted_ballot import encrypted_length, parse_ballot_bytes, verify_ballot
from kiosk.contract.election import Election
from kiosk.contract.keys import SigningKey, VerifyKey
from kiosk.contract.merkle import leaf_hash
from kiosk.contract.tokens import TOKEN_KEY_CONTEXT, token_signing_key  # noqa: F401 (re-exported: the token key lives with the token)
from kiosk.errors import FormatError, ProofError, SignatureError

TOKEN_BALLOT_CONTEXT = "kiosk-token-ballot/2"
SEALED_BALLOT_CONTEXT = "kiosk-sealed-ballot/2"
FIELDS = frozenset({"ballot_id_hex", "encrypted_b64", "sig_b64", "style", "token_key_hex", "token_sig_b64"})


@dataclass(frozen=True)
class SealedBallot:
    """A format-2 ballot as it leaves the kiosk."""

    ballot_id: bytes
    style: str
    encrypted: bytes
    token_key: bytes
    token_sig: bytes
    sig: bytes

    def token_message(self) -> bytes:
        """What the token key signs (after its context)."""
        return canonical_bytes({"ballot_id_hex": self.ballot_id.hex(), "encrypted_b64": b64url(self.encrypted),
                                "style": self.style, "token_key_hex": self.token_key.hex()})

    def kiosk_message(self) -> bytes:
        """What the kiosk key signs (after its context)."""
        body = self.to_json()
        del body["sig_b64"]
        return canonical_bytes(body)

    def to_json(self) -> dict:
        """The object as JSON."""
        return {"ballot_id_hex": self.ballot_id.hex(), "encrypted_b64": b64url(self.encrypted), "sig_b64": b64url(self.sig),
                "style": self.style, "token_key_hex": self.token_key.hex(), "token_sig_b64": b64url(self.token_sig)}

    def leaf(self) -> bytes:
        """The Merkle leaf data: canonical JSON of the whole object."""
        return canonical_bytes(self.to_json())

    def leaf_hash(self) -> bytes:
        """RFC 6962 leaf hash: what the board logs and the tracking code shortens."""
        return leaf_hash(self.leaf())

    def signature_valid(self, key: VerifyKey) -> bool:
        """True when ``key`` (the kiosk's) signed this ballot; the token's signature is :func:`check_sealed_ballot`'s."""
        return key.is_valid(SEALED_BALLOT_CONTEXT, self.kiosk_message(), self.sig)


def seal_ballot(kiosk: SigningKey, election: Election, serial: bytes, ballot_id: bytes, style: str,
                encrypted: bytes) -> SealedBallot:
    """Sign an encrypted ballot with the token's key (from its serial) and the kiosk's key."""
    token = token_signing_key(election.fingerprint, serial)
    unsigned = SealedBallot(ballot_id, style, encrypted, token.verify_key.raw, b"", b"")
    token_sig = token.sign(TOKEN_BALLOT_CONTEXT, unsigned.token_message())
    half = SealedBallot(ballot_id, style, encrypted, token.verify_key.raw, token_sig, b"")
    return SealedBallot(ballot_id, style, encrypted, token.verify_key.raw, token_sig,
                        kiosk.sign(SEALED_BALLOT_CONTEXT, half.kiosk_message()))


def parse_sealed_ballot(data: bytes, election: Election, what: str = "the ballot") -> SealedBallot:
    """Parse a leaf strictly: exactly the fields, canonical bytes, the style's encrypted length."""
    value = parse_json(data, what)
    if not isinstance(value, dict) or set(value) != FIELDS:
        raise FormatError(f"{what}: expected exactly the fields {sorted(FIELDS)}", "regenerate the ballot")
    style = value["style"]
    if not isinstance(style, str) or election.style(style) is None:
        raise FormatError(f"{what}: ballot style {str(style)[:40]!r} is not in this election", "use this election's package")
    ballot = SealedBallot(from_hex(value["ballot_id_hex"], f"{what}.ballot_id_hex", 16), style,
                          from_b64url(value["encrypted_b64"], f"{what}.encrypted_b64"),
                            from_hex(value["token_key_hex"], f"{what}.token_key_hex", 32),
                            from_b64url(value["token_sig_b64"], f"{what}.token_sig_b64"),
                            from_b64url(value["sig_b64"], f"{what}.sig_b64"))
    if len(ballot.encrypted) != encrypted_length(election, style):
        raise FormatError(f"{what}: the encrypted ballot has the wrong length for style {style}", "regenerate the ballot")
    if len(ballot.token_sig) != 64 or len(ballot.sig) != 64:
        raise FormatError(f"{what}: a signature is not 64 bytes", "regenerate the ballot")
    if ballot.leaf() != data:
        raise FormatError(f"{what}: not canonical JSON", "regenerate the ballot")
    return ballot


def check_signatures(ballot: SealedBallot, kiosk: VerifyKey) -> None:
    """The token's and the kiosk's signatures (no proofs): :class:`SignatureError` naming the ballot."""
    name = ballot.ballot_id.hex()
    if not VerifyKey(ballot.token_key).is_valid(TOKEN_BALLOT_CONTEXT, ballot.token_message(), ballot.token_sig):
        raise SignatureError(f"ballot {name}: the token's signature does not verify",
                             "the ballot was not made with this token, or it was altered")
    if not kiosk.is_valid(SEALED_BALLOT_CONTEXT, ballot.kiosk_message(), ballot.sig):
        raise SignatureError(f"ballot {name}: the kiosk's signature does not verify", "the ballot was altered")


def check_sealed_ballot(ballot: SealedBallot, election: Election, kiosk: VerifyKey, public_key: bytes) -> None:
    """Both signatures, then every proof. Roll membership of ``token_key`` is the caller's check.

    Raises :class:`SignatureError` or :class:`ProofError` naming the ballot and what failed.
    """
    name = ballot.ballot_id.hex()
    check_signatures(ballot, kiosk)
    try:
        verify_ballot(public_key, election, parse_ballot_bytes(ballot.encrypted, election, ballot.style, name))
    except FormatError as e:
        raise ProofError(f"ballot {name}: {e.message}", e.hint) from None
