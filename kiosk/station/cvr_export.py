"""A closed station's cast vote records (``kiosk export-cvr``), for a ballot-comparison audit.

Only after the polls closed (the ballot box no longer moves, and the closing statement already
holds its counts), official or test store alike; the records come out of the unordered ballot
box sorted by ballot id, so the file tells nothing of the order of casting
(:mod:`kiosk.contract.cvr`).
"""

from __future__ import annotations

import json

from kiosk.contract.cvr import CastVoteRecord, sign_cvrs
from kiosk.errors import KioskError
from kiosk.station.lifecycle import StationState
from kiosk.station.station import Station


class NotClosed(KioskError):
    """Cast vote records leave a kiosk only after its polls closed."""


def cvr_export(station: Station) -> tuple[bytes, int]:
    """The signed export file's bytes and its record count."""
    if station.state is not StationState.POLLS_CLOSED:
        raise NotClosed(f"the polls are {station.state.value}: cast vote records are exported only after closing / "
                        "투표 마감 후에만 투표 기록을 내보낼 수 있습니다",
                        hint="close the polls first (kiosk close)")
    records = [CastVoteRecord(r.ballot_id.hex(), r.style, json.loads(r.selections))
               for r in station.store.ballots()]
    data = sign_cvrs(station.key, station.election.fingerprint_hex, station.config.station, station.mode, records)
    return data, len(records)
