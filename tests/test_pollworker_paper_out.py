"""Printer out of paper in the middle of a report and in the middle of a paper record.

A report: the step stands (the polls are closed), the print is reported in both languages and
not logged as printed, and after a new roll the original prints in full. A paper record:
nothing is recorded and the token is not spent; after a new roll the voter goes on.
"""

from __future__ import annotations

from pollhelp import PIN, card_file, cli
from printer_rig import printer_rig
from storehelp import NOW, choices, make_station, verify_json

from booth_ui import flow
from hardware.virtual_printer import VirtualPrinter
from kiosk.app.port import StationPort
from kiosk.station.pollsteps import REPORT_PRINTED
from kiosk.station.station import Station


def test_out_of_paper_mid_results_tape(store_election, cards, tmp_path):
    root = make_station(store_election, tmp_path / "s", cards=cards)
    with printer_rig(tmp_path, VirtualPrinter(paper_lines=20)) as rig:
        code, out, err = cli(PIN + "\n", "close", "--data", root, "--card", card_file(tmp_path, cards.poll_worker),
                             "--printer", rig.pair.host, "--language", "en")
        assert code == 1 and "The polls are closed." in out
        assert "NOT printed" in err and "out of paper" in err and "용지가 없습니다" in err
        assert "kiosk report results --data" in err
        assert len(rig.device.printed) < 30 and rig.device.lines_lost > 0
        with Station.open(root) as station:
            assert station.state.value == "polls_closed"
            assert station.store.last_event((REPORT_PRINTED,)) is None

        rig.device.load_paper()
        printed_before = len(rig.device.printed)
        code, out, err = cli("", "report", "results", "--data", root, "--printer", rig.pair.host, "--language", "en")
        assert code == 0 and "The report is printed." in out
        tape = rig.device.transcript()[printed_before:]
        assert tape[0] == "[center,bold] Results tape" and "*** REPRINT ***" not in tape and tape[-1] == "(cut)"
    assert verify_json(root)[0] == 0


def test_out_of_paper_mid_paper_record(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    style, payload = store_election.test[0]
    chosen = choices(store_election.election, style)
    with printer_rig(tmp_path, VirtualPrinter(paper_lines=4)) as rig, Station.open(root) as station:
        port = StationPort(station, rig.printer, clock=lambda: NOW)
        assert port.print_paper_record(payload, style, chosen, "ko") == flow.PrintFailed("printer_out_of_paper")
        assert station.ballots == 0 and rig.device.lines_lost > 0 and len(rig.device.printed) <= 4
        rig.device.load_paper()
        done = port.print_paper_record(payload, style, chosen, "ko")  # the same token: it was not spent
        assert isinstance(done, flow.PrintDone)
        assert isinstance(port.cast(payload, style, chosen, done.ballot_id), flow.CastDone)
        assert station.ballots == 1
