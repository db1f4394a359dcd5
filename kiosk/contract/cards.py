"""Poll-worker and technician cards: a QR signed by the authority, unlocked with a PIN.

Payload: ``KC2:`` + the canonical JSON of the body + ``.`` + the authority's signature
(unpadded base64url) over ``kiosk-card/2 || 0x00 || body``: ASCII only, QR byte mode. The body
names the role, the station (or ``*``), the election tag, a validity window in Unix seconds and a
random card id: **nothing about the PIN**, so a photo of a card gives nothing to guess a PIN
against offline. The PIN's slow salted hash (argon2id, NaCl ``pwhash``) reaches each kiosk in the
card list the authority signs for that kiosk, sealed to the kiosk's key
(:mod:`kiosk.contract.card_list`).

Format 1 (``KC1:``) carried the PIN's hash in the QR (a 4-digit PIN was found from a photo in
186 s on 2 cores); a kiosk refuses such a card as ``old_format``. ``check_card`` returns the card
or a refusal reason; ``pin_matches`` checks a PIN against a verifier.
"""

from __future__ import annotations

import base64
import enum
import os
import re
from dataclasses import dataclass

import nacl.exceptions
import nacl.pwhash

from kiosk.contract.canonical import b64url, canonical_bytes, from_b64url, parse_json
from kiosk.errors import KioskError, SignatureError, ValidationError
from kiosk.contract.keys import SigningKey, VerifyKey

PREFIX = "KC2:"
OLD_PREFIX = "KC1:{"  # a format-1 card; "KC1:TAG:ID:SEED" is a checked ballot's code (spoiled_qr)
CARD_CONTEXT = "kiosk-card/2"
ROLES = ("poll-worker", "technician")
PIN_PATTERN = re.compile(r"[0-9]{6,12}")          # what a kiosk checks a PIN against a verifier
NEW_PIN_PATTERN = PIN_PATTERN                    # what a new card may be minted with (and not trivial)
MAX_PAYLOAD = 2000
CARD_ID_PATTERN = re.compile(r"[A-Z2-7]{16}")    # 10 random bytes in base32


class CardRefusal(enum.Enum):
    MALFORMED = "malformed"
    UNKNOWN_VERSION = "unknown_version"
    OLD_FORMAT = "old_format"
    BAD_SIGNATURE = "bad_signature"
    OTHER_ELECTION = "other_election"
    WRONG_STATION = "wrong_station"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"


CARD_REFUSAL_TEXT = {
    CardRefusal.MALFORMED: "this is not a poll-worker card, or it is damaged",
    CardRefusal.UNKNOWN_VERSION: "this card is of a format version this kiosk does not know",
    CardRefusal.OLD_FORMAT: "this card is of the old format that carried its PIN: get a new card",
    CardRefusal.BAD_SIGNATURE: "this card is not signed by the election authority",
    CardRefusal.OTHER_ELECTION: "this card belongs to another election",
    CardRefusal.WRONG_STATION: "this card is for another station",
    CardRefusal.NOT_YET_VALID: "this card is not valid yet",
    CardRefusal.EXPIRED: "this card has expired",
}


@dataclass(frozen=True)
class Card:
    card_id: str
    role: str
    station: str
    election_tag: str
    not_before: int
    not_after: int


@dataclass(frozen=True)
class CardPin:
    """What the authority keeps of a card it minted, to put in kiosks' card lists: the card's
    id, role, station and end of validity, and its PIN's argon2id hash (the verifier)."""

    card_id: str
    role: str
    station: str
    not_after: int
    pin_hash: str

    def __repr__(self) -> str:  # the verifier stays out of logs
        return f"CardPin({self.card_id}, {self.role}, station={self.station})"


@dataclass(frozen=True)
class MintedCard:
    """A new card: its QR payload (public) and its PIN record (for the authority only)."""

    payload: str
    pin: CardPin


@dataclass(frozen=True)
class CardRefused:
    reason: CardRefusal

    def __str__(self) -> str:
        return CARD_REFUSAL_TEXT[self.reason]


def hash_pin(pin: str) -> str:
    """A slow salted argon2id hash of a PIN (the only form a PIN is ever kept in)."""
    if not isinstance(pin, str) or not PIN_PATTERN.fullmatch(pin):
        raise ValidationError("the PIN", [("pin", "must be 6 to 12 digits")])
    return nacl.pwhash.argon2id.str(pin.encode("ascii"),
                                    opslimit=nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE,
                                    memlimit=nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE).decode("ascii")


def pin_problem(pin: object) -> str | None:
    """Why ``pin`` may not be a new card's PIN (None when it may), in English and Korean.

    At least 6 digits (a 4-digit PIN's hash, read off a photo of the card, was found offline in
    186 s on 2 cores), and not trivial: one digit repeated, a run up or down (``123456``,
    ``987654``, wrapping at 9), or a block of two or three digits repeated (``121212``, ``123123``).
    """
    if not isinstance(pin, str) or not NEW_PIN_PATTERN.fullmatch(pin):
        return "must be 6 to 12 digits / PIN은 6~12자리 숫자여야 합니다"
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:])}
    if steps in ({0}, {1}, {9}):
        return "is a repeated digit or a run (like 111111 or 123456): choose another / 너무 쉬운 PIN입니다"
    if any(len(pin) % n == 0 and pin == pin[:n] * (len(pin) // n) for n in (2, 3)):
        return "repeats a block of digits (like 121212): choose another / 너무 쉬운 PIN입니다"
    return None


def is_pin_hash(text: object) -> bool:
    """True when ``text`` looks like an argon2id hash string of :func:`hash_pin` (ASCII, bounded)."""
    return isinstance(text, str) and text.startswith("$argon2id$") and text.isascii() and len(text) <= 200


def pin_matches(pin_hash: str, pin: str) -> bool:
    """True when ``pin`` is the PIN whose argon2id hash is ``pin_hash`` (slow on purpose)."""
    if not isinstance(pin, str) or not PIN_PATTERN.fullmatch(pin) or not is_pin_hash(pin_hash):
        return False
    try:
        return nacl.pwhash.verify(pin_hash.encode("ascii"), pin.encode("ascii"))
    except (nacl.exceptions.InvalidkeyError, nacl.exceptions.CryptoError, ValueError):
        return False


def card_body(election_tag: str, role: str, station: str, not_before: int,
              not_after: int, card_id: str | None = None) -> dict:
    """The body of a card, checked; ``card_id`` defaults to 50 random bits in base32."""
    problems = []
    if role not in ROLES:
        problems.append(("role", f"must be one of {', '.join(ROLES)}"))
    if station != "*" and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}", station):
        problems.append(("station", "must be a station id or *"))
    if not_after <= not_before:
        problems.append(("valid_until", "must be after the start of validity"))
    if problems:
        raise ValidationError("the card", problems)
    return {"v": 2, "card_id": card_id or base64.b32encode(os.urandom(10)).decode("ascii"), "role": role,
            "station": station, "election": election_tag, "not_before": not_before, "not_after": not_after}


def sign_card(key: SigningKey, body: dict) -> str:
    """The QR payload of a card body signed by the authority."""
    message = canonical_bytes(body)
    return PREFIX + message.decode("ascii") + "." + b64url(key.sign(CARD_CONTEXT, message))


def mint_card(key: SigningKey, election_tag: str, role: str, station: str, pin: str,
              not_before: int, not_after: int) -> MintedCard:
    """Sign a new card and hash its PIN: the QR payload and the PIN record (a PIN
    :func:`pin_problem` refuses is a ValidationError)."""
    problem = pin_problem(pin)
    if problem:
        raise ValidationError("the card", [("pin", problem)])
    body = card_body(election_tag, role, station, not_before, not_after)
    return MintedCard(sign_card(key, body), CardPin(body["card_id"], role, station, not_after, hash_pin(pin)))


def parse_card(text: object, authority: VerifyKey) -> Card | CardRefused:
    """Parse a card payload and check the authority's signature; any text gives a value."""
    if not isinstance(text, str) or not text.startswith("KC") or len(text) > MAX_PAYLOAD:
        return CardRefused(CardRefusal.MALFORMED)
    if text.startswith(OLD_PREFIX):
        return CardRefused(CardRefusal.OLD_FORMAT)
    if not text.startswith(PREFIX):
        return CardRefused(CardRefusal.UNKNOWN_VERSION if text[2:3].isdigit() else CardRefusal.MALFORMED)
    message, _, sig_text = text[len(PREFIX):].rpartition(".")
    try:
        body = parse_json(message, "card")
        if not isinstance(body, dict) or canonical_bytes(body).decode("utf-8") != message:
            return CardRefused(CardRefusal.MALFORMED)
        authority.verify(CARD_CONTEXT, message.encode("utf-8"), from_b64url(sig_text, "card signature"))
    except SignatureError:
        return CardRefused(CardRefusal.BAD_SIGNATURE)
    except KioskError:
        return CardRefused(CardRefusal.MALFORMED)
    fields = {"v", "card_id", "role", "station", "election", "not_before", "not_after"}
    if set(body) != fields or body["v"] != 2:
        return CardRefused(CardRefusal.MALFORMED)
    ints = (body["not_before"], body["not_after"])
    if any(isinstance(i, bool) or not isinstance(i, int) for i in ints) or body["role"] not in ROLES \
            or not all(isinstance(body[k], str) for k in ("card_id", "station", "election")) \
            or not CARD_ID_PATTERN.fullmatch(body["card_id"]):
        return CardRefused(CardRefusal.MALFORMED)
    return Card(body["card_id"], body["role"], body["station"], body["election"], body["not_before"],
                body["not_after"])


def check_card(text: object, authority: VerifyKey, election_tag: str, station: str,
               now: int) -> Card | CardRefused:
    """A card valid for this election and station at ``now`` (Unix seconds), or the refusal."""
    card = parse_card(text, authority)
    if isinstance(card, CardRefused):
        return card
    if card.election_tag != election_tag:
        return CardRefused(CardRefusal.OTHER_ELECTION)
    if card.station not in ("*", station):
        return CardRefused(CardRefusal.WRONG_STATION)
    if now < card.not_before:
        return CardRefused(CardRefusal.NOT_YET_VALID)
    if now >= card.not_after:
        return CardRefused(CardRefusal.EXPIRED)
    return card
