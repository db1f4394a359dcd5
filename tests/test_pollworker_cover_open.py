"""The printer's cover open when the polls open: the polls open (the box was checked empty and
that is logged), the zero report is reported as not printed, and prints once the cover is shut."""

from __future__ import annotations

from pollhelp import PIN, card_file, cli
from printer_rig import printer_rig
from storehelp import make_station

from hardware.virtual_printer import VirtualPrinter
from kiosk.station.pollsteps import REPORT_PRINTED
from kiosk.station.station import Station


def test_cover_open_at_opening(store_election, cards, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False, cards=cards)
    with printer_rig(tmp_path, VirtualPrinter(cover_open=True)) as rig:
        code, out, err = cli(PIN + "\n", "open", "--data", root, "--card", card_file(tmp_path, cards.poll_worker),
                             "--printer", rig.pair.host, "--language", "en")
        assert code == 1 and "The polls are open." in out
        assert "The printer cover is open." in err and "덮개" in err and "kiosk report zero" in err
        assert rig.device.printed == []
        rig.device.close_cover()
        code, out, err = cli("", "report", "zero", "--data", root, "--printer", rig.pair.host, "--language", "en")
        assert code == 0 and rig.device.transcript()[0] == "[center,bold] Zero report (polls opening)"
    with Station.open(root) as station:
        assert station.state.value == "polls_open"
        assert station.store.last_event((REPORT_PRINTED,)).fields()["reprint"] is False
