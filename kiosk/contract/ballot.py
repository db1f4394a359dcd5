"""A ballot as the kiosk records it: padded and sealed selections, and the kiosk's two signatures.

The plaintext sealed to the election key is ``len(selections) (2 bytes, big-endian) ||
selections (canonical JSON) || zero bytes`` up to the ballot style's padded length: the
length of the longest selections the style allows. Every sealed form of one style is then
equally long (padded length + 48 bytes of SealedBox overhead), so it does not tell how many
options were chosen.

Two signatures, because two things are signed:

* the **sealed ballot** (what leaves the kiosk; see :mod:`kiosk.contract.batch`) is signed without the
  plain selections, so a central node can check it before anyone opens it;
* the **ballot row** is signed over everything in it, plain selections included, so that
  ``kiosk verify`` notices a changed selection on the kiosk itself::

    "kiosk-ballot/1" 0x00 || canonical JSON {"ballot_id_hex", "selections", "sealed_b64",
                                             "serial_hex", "style"}
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

from kiosk.contract.batch import SealedBallot, sign_sealed_ballot
from kiosk.contract.canonical import b64url, canonical_bytes, parse_json
from kiosk.contract.election import Election
from kiosk.errors import FormatError
from kiosk.contract.keys import SigningKey, VerifyKey, seal_to
from kiosk.contract.rules import check_selections
from kiosk.contract.tokens import token_ref

BALLOT_CONTEXT = "kiosk-ballot/1"
BALLOT_ID_BYTES = 16
SEALED_OVERHEAD = 48  # SealedBox: 32-byte ephemeral public key + 16-byte MAC


def padded_length(election: Election, style_id: str) -> int:
    """Plaintext length of every sealed form of this ballot style (the largest choice, framed)."""
    style = election.style(style_id)
    worst = {}
    for contest_id in style.contests:
        contest = election.contest(contest_id)
        # canonical JSON length grows only with the option ids chosen: take the longest allowed
        ids = sorted((o.id for o in contest.options if o.id not in style.exclude), key=len, reverse=True)
        # a score contest: every shown option with the grade of the most digits (max)
        worst[contest_id] = {o: contest.max for o in ids} if contest.is_score else ids[:contest.max]
    return 2 + len(canonical_bytes(worst))


def pad_selections(selections_json: bytes, length: int) -> bytes:
    """Frame and zero-pad canonical selections to ``length`` bytes."""
    if len(selections_json) + 2 > length:
        raise ValueError("the selections are longer than the ballot style allows")
    return struct.pack(">H", len(selections_json)) + selections_json + bytes(length - 2 - len(selections_json))


def unpad_selections(plaintext: bytes) -> bytes:
    """The canonical selections inside an opened sealed form (FormatError if the framing is wrong)."""
    if len(plaintext) < 2:
        raise FormatError("an opened ballot is shorter than its length prefix")
    (n,) = struct.unpack(">H", plaintext[:2])
    if 2 + n > len(plaintext) or any(plaintext[2 + n:]):
        raise FormatError("an opened ballot's padding is not all zero bytes after its stated length")
    return plaintext[2:2 + n]


@dataclass(frozen=True)
class BallotRecord:
    """One row of the ballot box."""

    ballot_id: bytes
    token_ref: bytes
    serial: bytes
    style: str
    selections: bytes    # canonical JSON
    sealed: bytes
    sealed_sig: bytes
    signature: bytes

    @property
    def sealed_ballot(self) -> SealedBallot:
        """What leaves the kiosk: never the plain selections."""
        return SealedBallot(self.ballot_id, self.serial, self.style, self.sealed, self.sealed_sig)

    def __repr__(self) -> str:  # selections and serials are secret: never print them
        return f"BallotRecord(style={self.style})"


def ballot_message(ballot_id: bytes, serial: bytes, style: str, selections: bytes, sealed: bytes) -> bytes:
    """The bytes the ballot row's signature covers (after the context)."""
    return canonical_bytes({"ballot_id_hex": ballot_id.hex(), "selections": parse_json(selections, "selections"),
                            "sealed_b64": b64url(sealed), "serial_hex": serial.hex(), "style": style})


def make_ballot(key: SigningKey, election: Election, style: str, serial: bytes, selections: bytes,
                ballot_id: bytes | None = None) -> BallotRecord:
    """Seal and sign canonical, already checked selections. The id is random unless given (vectors)."""
    ballot_id = os.urandom(BALLOT_ID_BYTES) if ballot_id is None else ballot_id
    plaintext = pad_selections(selections, padded_length(election, style))
    sealed = seal_to(bytes.fromhex(election.encryption_key_hex), plaintext)
    return sign_ballot(key, election, ballot_id, serial, style, selections, sealed)


def sign_ballot(key: SigningKey, election: Election, ballot_id: bytes, serial: bytes, style: str,
                selections: bytes, sealed: bytes) -> BallotRecord:
    """Sign a ballot whose sealed form is already made (split out so vectors can fix it)."""
    sealed_sig = sign_sealed_ballot(key, SealedBallot(ballot_id, serial, style, sealed, b""))
    signature = key.sign(BALLOT_CONTEXT, ballot_message(ballot_id, serial, style, selections, sealed))
    return BallotRecord(ballot_id, token_ref(election.fingerprint, serial), serial, style, selections,
                        sealed, sealed_sig, signature)


def twin_problem(record: BallotRecord, election: Election) -> str | None:
    """What is wrong with a row's style and selections (the digital twin), in either ballot format, or None."""
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


def check_ballot(record: BallotRecord, election: Election, key: VerifyKey) -> str | None:
    """What is wrong with a ballot row, or None when every part of it verifies."""
    if not isinstance(record.ballot_id, bytes) or len(record.ballot_id) != BALLOT_ID_BYTES:
        return "the ballot id is not 16 bytes"
    if not isinstance(record.serial, bytes) or record.token_ref != token_ref(election.fingerprint, record.serial):
        return "the token reference does not match the token serial"
    wrong = twin_problem(record, election)
    if wrong:
        return wrong
    if not isinstance(record.sealed, bytes) or \
            len(record.sealed) != padded_length(election, record.style) + SEALED_OVERHEAD:
        return "the sealed form has the wrong length for its ballot style"
    if not record.sealed_ballot.signature_valid(key):
        return "the sealed ballot's kiosk signature does not verify"
    message = ballot_message(record.ballot_id, record.serial, record.style, record.selections, record.sealed)
    if not key.is_valid(BALLOT_CONTEXT, message, record.signature):
        return "the ballot's kiosk signature does not verify"
    return None
