"""The printer unplugged (the socat pty pair killed) when the polls close: the polls close, the
results tape is reported as not printed, and once the cable is back it prints as the original."""

from __future__ import annotations

from pollhelp import PIN, card_file, cli
from printer_rig import printer_rig
from storehelp import make_station, verify_json

from hardware.virtual_printer import SerialServer, VirtualPrinter
from kiosk.station.station import Station


def test_unplugged_at_closing_then_plugged_back(store_election, cards, tmp_path):
    root = make_station(store_election, tmp_path / "s", cards=cards)
    with printer_rig(tmp_path) as rig:
        rig.pair.unplug()
        assert rig.server.ended.wait(2)
        code, out, err = cli(PIN + "\n", "close", "--data", root, "--card", card_file(tmp_path, cards.poll_worker),
                             "--printer", rig.pair.host)
        assert code == 1 and "투표를 마감했습니다" in out
        assert "The printer cannot be reached." in err and "프린터에 연결할 수 없습니다" in err
        with Station.open(root) as station:
            assert station.state.value == "polls_closed"

        rig.pair.plug()  # the cable is back: a printer switched off and on again
        device = VirtualPrinter()
        server = SerialServer(device, rig.pair.device).start()
        try:
            code, out, err = cli("", "report", "results", "--data", root, "--printer", rig.pair.host)
            assert code == 0
            tape = device.transcript()
            assert tape[0].startswith("[image") and tape[0].endswith(",center]") and tape[-1] == "(cut)"
            assert not any("REPRINT" in line for line in tape)
        finally:
            server.stop()
    assert verify_json(root)[0] == 0
