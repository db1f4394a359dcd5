"""The card list a kiosk holds (``DATA/cards.json``): loading one, and finding a card's PIN verifier.

The technician loads the authority's list for this kiosk (``kiosk cards load``) after the kiosk
is on the roster; no card is needed for that, because only the authority can sign a list, only
this kiosk's key opens its verifiers, and an older list than the one held is refused. The file
is checked again (signature, kiosk, station) each time a card is unlocked, so a list edited on
the SD card opens nothing.
"""

from __future__ import annotations

import logging

from kiosk.contract.canonical import parse_json
from kiosk.contract.card_list import CARD_LIST_HINT, CardList, CardListRefused, parse_card_list
from kiosk.contract.envelope import write_envelope
from kiosk.errors import CHECKED, KioskError
from kiosk.files import read_input
from kiosk.station.station import Station

log = logging.getLogger(__name__)

LOADED = "card_list_loaded"


class CardListRefusedError(KioskError):
    """A card list this kiosk will not load (exit 1: the thing checked is bad)."""

    origin = CHECKED


def held_card_list(station: Station) -> CardList | CardListRefused | None:
    """The list this kiosk holds, checked again (None when none was loaded)."""
    path = station.data.card_list
    if not path.exists():
        return None
    return _parse(station, read_input(path, "the held card list"), None)


def _parse(station: Station, data: bytes, held_issued: int | None) -> CardList | CardListRefused:
    return parse_card_list(data, station.package.authority, station.config.election_hex,
                           station.config.kiosk_key_hex, station.config.station, held_issued)


def load_card_list(station: Station, data: bytes, now: int) -> CardList:
    """Check ``data`` (the bytes of a card list) for this kiosk and make it the held list.

    A refusal is a :class:`CardListRefusedError` naming it in English and Korean, with what to do. The file is
    written atomically, then a ``card_list_loaded`` entry (issue time and count only) is logged.
    """
    held = held_card_list(station)
    held_issued = held.issued if isinstance(held, CardList) else None
    result = _parse(station, data, held_issued)
    if isinstance(result, CardListRefused):
        log.info("card list refused: %s", result.reason.value)
        raise CardListRefusedError(f"card list refused: {result}", hint=CARD_LIST_HINT)
    write_envelope(station.data.card_list, parse_json(data, "card list"))
    if not station.archived:
        with station.store.transaction():
            station.store.append(LOADED, {"issued": result.issued, "cards": len(result.cards),
                                          "station": station.config.station, "time": now})
    log.info("card list loaded: %d cards", len(result.cards))
    return result


def list_summary(result: CardList | CardListRefused | None) -> dict:
    """What ``kiosk cards show`` says of the held list: loaded, valid, issue time, card ids and roles
    (never a verifier)."""
    if result is None:
        return {"loaded": False}
    if isinstance(result, CardListRefused):
        return {"loaded": True, "valid": False, "reason": result.reason.value, "text": str(result)}
    return {"loaded": True, "valid": True, "station": result.station, "issued": result.issued,
            "cards": [{"card_id": c.card_id, "role": c.role, "not_after": c.not_after} for c in result.cards.values()]}
