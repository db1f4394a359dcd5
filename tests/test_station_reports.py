"""Reports of a real station: the software hash, refusals, acknowledgements, the text form."""

from __future__ import annotations

from storehelp import NOW, choices, make_station

from kiosk.station.casting import cast
from kiosk.station.reports import as_text
from kiosk.station.station import Station
from kiosk.station.station_reports import (SOFTWARE_ATTESTED, UNATTESTED, acknowledged_by, ballots_before, refused_by_reason,
                                   report_of, software_hash)


def test_facts_come_from_the_store(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    (style, payload), (style2, payload2) = store_election.test[:2]
    with Station.open(root) as station:
        assert software_hash(station.store) == UNATTESTED
        with station.store.transaction():
            station.store.append(SOFTWARE_ATTESTED, {"software_hash_hex": "ab" * 32, "time": NOW})
        assert software_hash(station.store) == "ab" * 32
        cast(station, payload, choices(store_election.election, style), NOW)
        cast(station, payload, choices(store_election.election, style), NOW)      # already used
        cast(station, "KT1TNOTATOKEN", {}, NOW)                                  # malformed
        mid = station.store.head_seq
        cast(station, payload2, choices(store_election.election, style2), NOW)
        assert refused_by_reason(station.store) == {"already_used": 1, "malformed": 1}
        assert refused_by_reason(station.store, before_seq=mid) == {"already_used": 1}
        assert ballots_before(station.store, mid) == 1 and ballots_before(station.store, station.store.head_seq) == 2
        text = as_text(report_of(station, "zero_report", NOW, "en"))
        assert "Software: abababababababab" in text and "Ballots in the box: 0" in text
        assert report_of(station, "results_tape", NOW, "en") is None  # not closed
    with Station.open(root) as station:
        assert acknowledged_by(station, 1) == []
        for node in ("n2", "n1"):  # files that are no node's signed acknowledgement are not listed
            (root / "acks" / "test" / node).mkdir(parents=True)
            (root / "acks" / "test" / node / "batch-000001.json").write_text("{}")
        assert acknowledged_by(station, 1) == []
