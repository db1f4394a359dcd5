"""Ballot tokens: the QR payload a voter shows to the camera, and its check.

Payload (38 characters, QR alphanumeric mode, ECC M: a version 2 symbol)::

    KT1 O ABCDEFGH ABCDEFGHIJKLMNOPQRSTUVWXYZ
    |   | |        serial: 128 random bits, RFC 4648 base32 without padding (26 characters)
    |   | election tag: base32 of the first 5 bytes of the election fingerprint (8 characters)
    |   mode: O official, T test
    format and version

The roll holds each token's own Ed25519 public key (:func:`token_signing_key`, derived from the
serial), which signs the ballot cast with it: publishing the roll reveals no token, and
:func:`roll_key` gives what the roll holds for a serial. Parsing is strict: a payload that does not re-encode
to exactly the same text is refused, so no two payloads name the same token.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import os
from dataclasses import dataclass
from typing import Protocol

from kiosk.contract.keys import SigningKey

PREFIX = "KT"
VERSION = "1"
PAYLOAD_LENGTH = 38
SERIAL_BYTES = 16
MODES = {"O": "official", "T": "test"}
MODE_LETTER = {v: k for k, v in MODES.items()}
TOKEN_KEY_CONTEXT = b"kiosk-token-key/2"


class RefusalReason(enum.Enum):
    """Why a token is refused. Values are stable ids used in logs, reports and the UI catalog."""

    MALFORMED = "malformed"
    UNKNOWN_VERSION = "unknown_version"
    OTHER_ELECTION = "other_election"
    WRONG_MODE = "wrong_mode"
    NOT_ON_ROLL = "not_on_roll"
    STYLE_NOT_HERE = "style_not_here"          # the package binds its ballot style to other stations
    ROLL_NOT_FROZEN = "roll_not_frozen"
    ALREADY_USED = "already_used"
    POLLS_NOT_OPEN = "polls_not_open"
    SELECTIONS_INVALID = "selections_invalid"  # the choices break the ballot style's rules
    DISK_FULL = "disk_full"                    # the ballot could not be stored: out of service


REFUSAL_TEXT = {
    RefusalReason.MALFORMED: "this is not a ballot token, or it is damaged",
    RefusalReason.UNKNOWN_VERSION: "this token is of a format version this kiosk does not know",
    RefusalReason.OTHER_ELECTION: "this token belongs to another election",
    RefusalReason.WRONG_MODE: "this token is for another mode (test or official)",
    RefusalReason.NOT_ON_ROLL: "this token is not on the token roll",
    RefusalReason.STYLE_NOT_HERE: "this token's ballot is not taken at this polling station: vote at your own station",
    RefusalReason.ROLL_NOT_FROZEN: "the token roll has not been frozen and signed yet",
    RefusalReason.ALREADY_USED: "this token was already used",
    RefusalReason.POLLS_NOT_OPEN: "the polls are not open",
    RefusalReason.SELECTIONS_INVALID: "the choices do not fit this ballot's rules; please review them",
    RefusalReason.DISK_FULL: "the kiosk's storage is full: the ballot was not cast; call a poll worker",
}


@dataclass(frozen=True)
class BallotToken:
    """A parsed token payload (not yet checked against any roll)."""

    mode: str          # "official" or "test"
    election_tag: str
    serial: bytes

    @property
    def payload(self) -> str:
        return token_payload(self.election_tag, self.mode, self.serial)

    def ref(self, fingerprint: bytes) -> bytes:
        """What the roll holds for this token: its token key (:func:`roll_key`)."""
        return roll_key(fingerprint, self.serial)

    def __repr__(self) -> str:  # a token is a secret: never print the serial
        return f"BallotToken(mode={self.mode}, election_tag={self.election_tag})"


@dataclass(frozen=True)
class Refused:
    """A refusal value: the reason only."""

    reason: RefusalReason

    def __str__(self) -> str:
        return REFUSAL_TEXT[self.reason]


@dataclass(frozen=True)
class Valid:
    """A token that checks: its ballot style."""

    token: BallotToken
    style: str
    ref: bytes


def new_serial() -> bytes:
    """128 bits from the OS random source."""
    return os.urandom(SERIAL_BYTES)


def token_payload(election_tag: str, mode: str, serial: bytes) -> str:
    """The QR text of a token."""
    if len(serial) != SERIAL_BYTES or len(election_tag) != 8 or mode not in MODE_LETTER:
        raise ValueError("a token needs a 16-byte serial, an 8-character tag and a known mode")
    b32 = base64.b32encode(serial).decode("ascii").rstrip("=")
    return f"{PREFIX}{VERSION}{MODE_LETTER[mode]}{election_tag}{b32}"


def token_signing_key(fingerprint: bytes, serial: bytes) -> SigningKey:
    """The token's own key: Ed25519 from SHA-256(domain tag || election fingerprint || serial)."""
    return SigningKey(hashlib.sha256(TOKEN_KEY_CONTEXT + fingerprint + serial).digest())


def roll_key(fingerprint: bytes, serial: bytes) -> bytes:
    """What the roll lists for a serial: its token's public key (32 bytes)."""
    return token_signing_key(fingerprint, serial).verify_key.raw


def parse_token(text: object) -> BallotToken | Refused:
    """Parse a scanned payload strictly; any text gives a token or a refusal, never an exception."""
    if not isinstance(text, str) or not text.startswith(PREFIX):
        return Refused(RefusalReason.MALFORMED)
    if len(text) < 3 or text[2] != VERSION:
        return Refused(RefusalReason.UNKNOWN_VERSION if len(text) >= 3 and text[2].isdigit()
                       else RefusalReason.MALFORMED)
    if len(text) != PAYLOAD_LENGTH or text[3] not in MODES:
        return Refused(RefusalReason.MALFORMED)
    tag, b32 = text[4:12], text[12:]
    try:
        base64.b32decode(tag, casefold=False)
        serial = base64.b32decode(b32 + "======", casefold=False)
    except (binascii.Error, ValueError):
        return Refused(RefusalReason.MALFORMED)
    token = BallotToken(MODES[text[3]], tag, serial)
    if len(serial) != SERIAL_BYTES or token.payload != text:
        return Refused(RefusalReason.MALFORMED)
    return token


class RollLookup(Protocol):
    """What the token check needs of a token roll."""

    @property
    def frozen(self) -> bool: ...

    def lookup(self, ref: bytes) -> tuple[str, str] | None:
        """(mode, ballot style) of a reference, or None."""


def check_token(text: object, election_tag: str, fingerprint: bytes, mode: str,
                roll: RollLookup) -> Valid | Refused:
    """Check a scanned payload for this election and station mode against the roll.

    ``Valid.ref`` is what the roll holds for it: the token key.
    """
    token = parse_token(text)
    if isinstance(token, Refused):
        return token
    if token.election_tag != election_tag:
        return Refused(RefusalReason.OTHER_ELECTION)
    if token.mode != mode:
        return Refused(RefusalReason.WRONG_MODE)
    if not roll.frozen:
        return Refused(RefusalReason.ROLL_NOT_FROZEN)
    ref = token.ref(fingerprint)
    entry = roll.lookup(ref)
    if entry is None or entry[0] != mode:
        return Refused(RefusalReason.NOT_ON_ROLL)
    return Valid(token, entry[1], ref)
