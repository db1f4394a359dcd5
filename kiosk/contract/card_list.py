"""The card list: the authority's signed list of the cards one kiosk may unlock, with their PINs'
verifiers sealed to that kiosk's key.

A card's QR holds nothing about its PIN (:mod:`kiosk.contract.cards`); the kiosk learns each
PIN's argon2id hash from this list, which the technician loads (``kiosk cards load``) after
the kiosk is on the roster. A signed envelope (context ``kiosk-card-list/1``, signed by the
authority key the package names) whose body is exactly::

    {"format": "kiosk-card-list/1", "election_hex", "kiosk_key_hex", "station", "issued",
     "cards": [{"card_id", "role", "not_after", "sealed_b64"}, ...]}    sorted by card_id, each once

``sealed_b64`` is a NaCl SealedBox made to the kiosk's key (:meth:`VerifyKey.seal`) holding the
canonical JSON ``{"card_id", "kiosk_key_hex", "pin_hash"}``: only that kiosk opens it, so the
list may travel on any stick, and a verifier moved to another card id or another kiosk does
not open as one. ``issued`` (Unix seconds) orders lists: a kiosk refuses one older than the
list it holds, so an old list cannot bring back a card the authority left out.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Iterable

from kiosk.contract.canonical import b64url, canonical_bytes, from_b64url, parse_json
from kiosk.contract.cards import CARD_ID_PATTERN, ROLES, CardPin, is_pin_hash
from kiosk.contract.envelope import open_envelope, seal_envelope
from kiosk.contract.keys import SigningKey, VerifyKey
from kiosk.errors import KioskError, SignatureError

LIST_CONTEXT = "kiosk-card-list/1"
LIST_FORMAT = "kiosk-card-list/1"
MAX_LIST_BYTES = 4 * 1024 * 1024
MAX_CARDS = 10_000
HEX64 = re.compile(r"[0-9a-f]{64}")


class CardListRefusal(enum.Enum):
    MALFORMED = "malformed"
    UNKNOWN_VERSION = "unknown_version"
    BAD_SIGNATURE = "bad_signature"
    OTHER_ELECTION = "other_election"
    OTHER_KIOSK = "other_kiosk"
    OTHER_STATION = "other_station"
    OLDER = "older"


CARD_LIST_REFUSAL_TEXT = {
    CardListRefusal.MALFORMED: ("this is not a card list, or it is damaged",
                                "카드 목록이 아니거나 손상되었습니다"),
    CardListRefusal.UNKNOWN_VERSION: ("this card list is of a format this kiosk does not know",
                                      "이 단말기가 모르는 형식의 카드 목록입니다"),
    CardListRefusal.BAD_SIGNATURE: ("this card list is not signed by this election's authority",
                                    "이 선거 관리 기관이 서명한 카드 목록이 아닙니다"),
    CardListRefusal.OTHER_ELECTION: ("this card list is for another election",
                                     "다른 선거의 카드 목록입니다"),
    CardListRefusal.OTHER_KIOSK: ("this card list was made for another kiosk's key",
                                  "다른 단말기 키로 만든 카드 목록입니다"),
    CardListRefusal.OTHER_STATION: ("this card list is for another polling station",
                                    "다른 투표소의 카드 목록입니다"),
    CardListRefusal.OLDER: ("this card list is older than the one this kiosk holds",
                            "이 단말기에 있는 카드 목록보다 오래된 목록입니다"),
}
CARD_LIST_HINT = ("ask the election office for this kiosk's list: kiosk-central cards list --kiosk "
                  "DATA/registration.json / 선거 관리 담당자에게 이 단말기의 카드 목록을 받으세요")


@dataclass(frozen=True)
class CardListRefused:
    reason: CardListRefusal

    def __str__(self) -> str:
        english, korean = CARD_LIST_REFUSAL_TEXT[self.reason]
        return f"{english} / {korean}"


@dataclass(frozen=True)
class ListedCard:
    """One card on a list: its id, role, end of validity and sealed verifier."""

    card_id: str
    role: str
    not_after: int
    sealed: bytes


@dataclass(frozen=True)
class CardList:
    """A checked card list for one kiosk."""

    election_hex: str
    kiosk_key_hex: str
    station: str
    issued: int
    cards: dict[str, ListedCard]

    def verifier(self, card_id: str, key: SigningKey) -> str | None:
        """The PIN verifier of ``card_id``, opened with the kiosk's key (None: not listed, or
        its box does not open to a verifier for this card and this kiosk)."""
        listed = self.cards.get(card_id)
        if listed is None:
            return None
        try:
            inner = parse_json(key.open_sealed(listed.sealed), "sealed PIN verifier")
        except KioskError:
            return None
        if not isinstance(inner, dict) or set(inner) != {"card_id", "kiosk_key_hex", "pin_hash"} \
                or inner["card_id"] != card_id or inner["kiosk_key_hex"] != key.verify_key.hex \
                or not is_pin_hash(inner["pin_hash"]):
            return None
        return inner["pin_hash"]


def make_card_list(authority: SigningKey, election_hex: str, kiosk_key_hex: str, station: str,
                   pins: Iterable[CardPin], issued: int) -> dict:
    """The signed envelope of the list for one kiosk: every card in ``pins`` for its station or
    ``*`` and still valid at ``issued``, each verifier sealed to the kiosk's key."""
    kiosk = VerifyKey.from_hex(kiosk_key_hex, "kiosk key")
    cards = []
    for pin in sorted(pins, key=lambda p: p.card_id):
        if pin.station not in ("*", station) or pin.not_after <= issued:
            continue
        inner = canonical_bytes({"card_id": pin.card_id, "kiosk_key_hex": kiosk.hex, "pin_hash": pin.pin_hash})
        cards.append({"card_id": pin.card_id, "role": pin.role, "not_after": pin.not_after,
                      "sealed_b64": b64url(kiosk.seal(inner))})
    body = {"format": LIST_FORMAT, "election_hex": election_hex, "kiosk_key_hex": kiosk.hex, "station": station,
            "issued": issued, "cards": cards}
    return seal_envelope(LIST_CONTEXT, body, authority)


def _int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2 ** 53


def _cards(items: object) -> dict[str, ListedCard] | None:
    if not isinstance(items, list) or len(items) > MAX_CARDS:
        return None
    out: dict[str, ListedCard] = {}
    last = ""
    for item in items:
        if not isinstance(item, dict) or set(item) != {"card_id", "role", "not_after", "sealed_b64"}:
            return None
        card_id, role = item["card_id"], item["role"]
        if not isinstance(card_id, str) or not CARD_ID_PATTERN.fullmatch(card_id) or role not in ROLES \
                or not _int(item["not_after"]) or not isinstance(item["sealed_b64"], str) \
                or len(item["sealed_b64"]) > 1024 or card_id <= last:
            return None
        last = card_id
        out[card_id] = ListedCard(card_id, role, item["not_after"], from_b64url(item["sealed_b64"], "sealed_b64"))
    return out


def parse_card_list(data: object, authority: VerifyKey, election_hex: str, kiosk_key_hex: str,
                    station: str, held_issued: int | None = None) -> CardList | CardListRefused:
    """Check a card list's bytes for this kiosk; any input gives a value.

    Refused when it is not a list, is signed by another key, names another election, kiosk key
    or station, or (``held_issued``: the list the kiosk holds) was issued before the held one.
    """
    if not isinstance(data, bytes) or len(data) > MAX_LIST_BYTES:
        return CardListRefused(CardListRefusal.MALFORMED)
    try:
        envelope = parse_json(data, "card list")
        if isinstance(envelope, dict) and envelope.get("context") != LIST_CONTEXT:
            context = envelope.get("context")
            known = isinstance(context, str) and context.startswith("kiosk-card-list/")
            return CardListRefused(CardListRefusal.UNKNOWN_VERSION if known else CardListRefusal.MALFORMED)
        body = open_envelope(envelope, LIST_CONTEXT, authority, "card list")
    except SignatureError:
        return CardListRefused(CardListRefusal.BAD_SIGNATURE)
    except KioskError:
        return CardListRefused(CardListRefusal.MALFORMED)
    fields = {"format", "election_hex", "kiosk_key_hex", "station", "issued", "cards"}
    if set(body) != fields or body["format"] != LIST_FORMAT or not _int(body["issued"]) \
            or not all(isinstance(body[k], str) for k in ("election_hex", "kiosk_key_hex", "station")):
        return CardListRefused(CardListRefusal.MALFORMED)
    try:
        cards = _cards(body["cards"])
    except KioskError:
        cards = None
    if cards is None:
        return CardListRefused(CardListRefusal.MALFORMED)
    if body["election_hex"] != election_hex:
        return CardListRefused(CardListRefusal.OTHER_ELECTION)
    if body["kiosk_key_hex"] != kiosk_key_hex:
        return CardListRefused(CardListRefusal.OTHER_KIOSK)
    if body["station"] != station:
        return CardListRefused(CardListRefusal.OTHER_STATION)
    if held_issued is not None and body["issued"] < held_issued:
        return CardListRefused(CardListRefusal.OLDER)
    return CardList(body["election_hex"], body["kiosk_key_hex"], body["station"], body["issued"], cards)
