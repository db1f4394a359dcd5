"""The ballot-box row: the selections (the digital twin) beside the sealed ballot.

A row of the ``ballots`` table holds:

- ``ballot_id``: 16 random bytes (the paper record prints it),
- ``token_ref``: the token key (what the roll lists; UNIQUE, so a token is spent once),
- ``serial``, ``style``, ``selections`` (canonical JSON: the kiosk's twin of the paper box),
- ``sealed``: the leaf of the :class:`~kiosk.contract.ballot.SealedBallot` (encrypted ballot
  with its proofs, token key and signature, kiosk signature), ``sealed_sig``: its kiosk signature,
- ``signature``: the kiosk key over ``"kiosk-ballot-row/2" 0x00 || canonical({ballot_id_hex,
  sealed_b64, selections, serial_hex, style})``.

**Never the nonce seed.** The encryption is made from a random 32-byte seed in memory
(:class:`PreparedEncryption`, made while the voter reviews); once the ballot is cast the seed is
dropped, so neither the store nor anything that leaves the kiosk can open the ciphertexts. Only a
ballot the voter *checks* instead of casting (Benaloh) reveals its seed, and that ballot never counts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from kiosk.contract.ballot import SealedBallot, check_sealed_ballot, parse_sealed_ballot, seal_ballot
from kiosk.contract.canonical import b64url, canonical_bytes, from_b64url, from_hex, parse_json
from kiosk.contract.crypto.encrypted_ballot import ballot_bytes, encrypt_ballot
from kiosk.contract.election import Election
from kiosk.contract.keys import SigningKey, VerifyKey
from kiosk.contract.rules import check_selections
from kiosk.contract.tokens import token_signing_key
from kiosk.errors import FormatError, KioskError

ROW_CONTEXT = "kiosk-ballot-row/2"
BALLOT_ID_BYTES = 16
_LEAF_TEXT = ("ballot_id_hex", "style", "encrypted_b64", "token_key_hex", "token_sig_b64", "sig_b64")
NONCE_SEED_BYTES = 32


@dataclass(frozen=True)
class PreparedEncryption:
    """A ballot's encryption and proofs made ahead of the cast, with the seed that opens it (memory only)."""

    ballot_id: bytes
    style: str
    selections: bytes      # canonical JSON the encryption is of
    encrypted: bytes       # encrypted_ballot.ballot_bytes
    nonce_seed: bytes

    def is_for(self, style: str, selections: bytes) -> bool:
        """True when this encryption is of exactly these selections (else the voter changed them: re-do it)."""
        return self.style == style and self.selections == selections

    def __repr__(self) -> str:  # the seed opens the ballot and the selections are secret
        return f"PreparedEncryption(style={self.style})"


def prepare_encryption(election: Election, style: str, selections: bytes, ballot_id: bytes | None = None,
                       nonce_seed: bytes | None = None) -> PreparedEncryption:
    """Encrypt and prove canonical, already checked selections under a fresh id and seed (given only by vectors)."""
    ballot_id = os.urandom(BALLOT_ID_BYTES) if ballot_id is None else ballot_id
    nonce_seed = os.urandom(NONCE_SEED_BYTES) if nonce_seed is None else nonce_seed
    encrypted = encrypt_ballot(election.election_public_key, election, style, ballot_id.hex(),
                               parse_json(selections, "selections"), nonce_seed)
    return PreparedEncryption(ballot_id, style, selections, ballot_bytes(encrypted), nonce_seed)


def sealed_of(leaf: bytes) -> SealedBallot:
    """The sealed ballot of a stored leaf (the kiosk wrote it; :func:`check_ballot_record` checks it strictly).

    A damaged leaf raises FormatError (never KeyError): ``kiosk verify`` names it and goes on.
    """
    v = parse_json(leaf, "the stored sealed ballot")
    if not isinstance(v, dict) or not all(isinstance(v.get(k), str) for k in _LEAF_TEXT):
        raise FormatError("the stored sealed ballot is damaged: it lacks a field or has one of another type",
                          hint="the store was changed outside the kiosk: keep it as evidence and report it")
    return SealedBallot(from_hex(v["ballot_id_hex"], "ballot_id_hex", 16), v["style"],
                        from_b64url(v["encrypted_b64"], "encrypted_b64"), from_hex(v["token_key_hex"], "token_key_hex", 32),
                          from_b64url(v["token_sig_b64"], "token_sig_b64"), from_b64url(v["sig_b64"], "sig_b64"))


@dataclass(frozen=True)
class BallotRecord:
    """One row of the ballot box (its columns: the module docstring)."""

    ballot_id: bytes
    token_ref: bytes
    serial: bytes
    style: str
    selections: bytes    # canonical JSON
    sealed: bytes        # the sealed ballot's leaf
    sealed_sig: bytes
    signature: bytes

    @property
    def sealed_ballot(self) -> SealedBallot:
        """What leaves the kiosk: the encrypted ballot, never the plain selections nor the serial."""
        return sealed_of(self.sealed)

    def __repr__(self) -> str:  # selections and serials are secret: never print them
        return f"BallotRecord(style={self.style})"


def twin_problem(record: BallotRecord, election: Election) -> str | None:
    """What is wrong with a row's style and selections (the digital twin), or None."""
    if not isinstance(record.style, str) or election.style(record.style) is None:
        return "the ballot style is not in this election"
    try:
        selections = parse_json(record.selections, "selections")
        if canonical_bytes(selections) != record.selections:
            return "the selections are not canonical JSON"
    except FormatError:
        return "the selections are not canonical JSON"
    if check_selections(election, record.style, selections):
        return "the selections break the ballot style's rules"
    return None


def row_message(ballot_id: bytes, serial: bytes, style: str, selections: bytes, leaf: bytes) -> bytes:
    """The bytes the row's kiosk signature covers (after its context)."""
    return canonical_bytes({"ballot_id_hex": ballot_id.hex(), "sealed_b64": b64url(leaf),
                            "selections": parse_json(selections, "selections"), "serial_hex": serial.hex(),
                            "style": style})


def make_ballot(key: SigningKey, election: Election, serial: bytes, prepared: PreparedEncryption) -> BallotRecord:
    """Seal a prepared encryption with the token's and the kiosk's keys, and sign the row."""
    sealed = seal_ballot(key, election, serial, prepared.ballot_id, prepared.style, prepared.encrypted)
    leaf = sealed.leaf()
    signature = key.sign(ROW_CONTEXT, row_message(prepared.ballot_id, serial, prepared.style,
                                                  prepared.selections, leaf))
    return BallotRecord(prepared.ballot_id, sealed.token_key, serial, prepared.style, prepared.selections,
                        leaf, sealed.sig, signature)


def check_ballot_record(record: BallotRecord, election: Election, key: VerifyKey) -> str | None:
    """What is wrong with a ballot-box row, or None when every part verifies (signatures and every proof).

    Whether the ciphertexts hold the twin's selections cannot be checked: the seed is gone on
    purpose. The paper record and the count's aggregates are what tie them together.
    """
    if not isinstance(record.ballot_id, bytes) or len(record.ballot_id) != BALLOT_ID_BYTES:
        return "the ballot id is not 16 bytes"
    if not isinstance(record.serial, bytes) or \
            record.token_ref != token_signing_key(election.fingerprint, record.serial).verify_key.raw:
        return "the token key does not match the token serial"
    wrong = twin_problem(record, election)
    if wrong:
        return wrong
    try:
        sealed = parse_sealed_ballot(record.sealed, election, "the sealed ballot")
    except KioskError as e:
        return e.message
    if (sealed.ballot_id, sealed.style, sealed.token_key, sealed.sig) != \
            (record.ballot_id, record.style, record.token_ref, record.sealed_sig):
        return "the sealed ballot is not this row's (id, style, token key or signature differ)"
    try:
        check_sealed_ballot(sealed, election, key, election.election_public_key)
    except KioskError as e:
        return e.message
    message = row_message(record.ballot_id, record.serial, record.style, record.selections, record.sealed)
    if not key.is_valid(ROW_CONTEXT, message, record.signature):
        return "the ballot's kiosk signature does not verify"
    return None
