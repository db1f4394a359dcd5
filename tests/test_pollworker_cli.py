"""The poll worker's commands: kiosk open / pause / resume / close / reopen / mode / report.

Printing goes to ``file:PATH`` (the ESC/POS bytes), read back by the virtual printer's parser.
"""

from __future__ import annotations

from pollhelp import PIN, TECH_PIN, card_file, cli
from storehelp import make_station, verify_json

from hardware.virtual_printer import VirtualPrinter
from kiosk.station.station import Station


def paper(path) -> list[str]:
    """What the bytes in ``path`` print (text lines; Hangul lines show as images)."""
    device = VirtualPrinter()
    device.receive(path.read_bytes())
    return device.transcript()


def reports_in(lines: list[str]) -> list[str]:
    """The first line of each report on the paper."""
    starts = [0] + [i + 1 for i, line in enumerate(lines) if line == "(cut)"][:-1]
    return [lines[i] for i in starts]


def test_a_day_on_the_command_line(store_election, cards, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False, cards=cards)
    worker, tech = card_file(tmp_path, cards.poll_worker), card_file(tmp_path, cards.technician, "tech.txt")
    printer = tmp_path / "paper.bin"
    common = ("--data", root, "--printer", f"file:{printer}", "--language", "en")
    for step, said in (("open", "The polls are open."), ("pause", "The polls are paused."),
                       ("resume", "The polls are open again."), ("close", "The polls are closed.")):
        code, out, err = cli(PIN + "\n", step, "--card", worker, *common)
        assert code == 0 and said in out and "The report is printed." in out and "보고서를 인쇄했습니다." in out
    assert reports_in(paper(printer)) == ["[center,bold] Zero report (polls opening)", "[center,bold] Polls paused",
                                         "[center,bold] Polls resumed", "[center,bold] Results tape"]
    assert "*** TEST MODE - not a real vote ***" in paper(printer)  # a test-mode station says so on paper

    code, out, err = cli("", "report", "results", *common)
    assert code == 1 and "printed already" in err and "--reprint" in err
    code, out, err = cli("", "report", "results", "--reprint", *common)
    assert code == 0 and paper(printer)[-60:].count("*** REPRINT ***") == 1

    code, out, err = cli(TECH_PIN + "\n", "reopen", "--card", tech, *common)
    assert code == 0 and "The polls are paused." in out
    assert reports_in(paper(printer))[-1] == "[center,bold] Closing undone (technician)"
    code, out, err = cli("", "report", "results", "--reprint", *common)
    assert code == 1 and "present state" in err, "the results tape of a reopened station would not be the box"
    assert PIN not in out + err and TECH_PIN not in out + err
    assert verify_json(root)[0] == 0


def test_without_a_printer_the_report_is_shown_and_printed_later_as_the_original(store_election, cards, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False, cards=cards)
    code, out, err = cli(PIN + "\n", "open", "--data", root, "--card", card_file(tmp_path, cards.poll_worker))
    assert code == 0 and "투표 시작 보고서" in out and "No printer was given" in out
    assert "kiosk report zero --data" in out
    printer = tmp_path / "paper.bin"
    code, out, err = cli("", "report", "zero", "--data", root, "--printer", f"file:{printer}")
    assert code == 0 and not any("REPRINT" in line for line in paper(printer))
    code, out, err = cli("", "report", "zero", "--data", root)  # shown again: a screen, not paper
    assert code == 0 and "REPRINT" not in out and "투표함이 비어 있음을 확인합니다" in out


def test_reports_of_steps_not_taken_are_refused(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False)
    code, out, err = cli("", "report", "zero", "--data", root)
    assert code == 1 and "There is no such report yet" in err and "아직 없습니다" in err
    code, out, err = cli("", "report", "results", "--data", root, "--reprint")
    assert code == 1


def test_usage_and_input_errors_exit_2(store_election, cards, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False, cards=cards)
    card = card_file(tmp_path, cards.poll_worker)
    assert cli(PIN + "\n", "open", "--data", root, "--card", tmp_path / "missing.txt")[0] == 2
    code, out, err = cli("\n", "open", "--data", root, "--card", card)
    assert code == 2 and "standard input" in err
    assert cli(PIN + "\n", "open", "--data", tmp_path / "nothing", "--card", card)[0] == 2
    assert cli(PIN + "\n", "open", "--data", root, "--card", card, "--language", "fr")[0] == 2
    assert cli("", "report", "tomorrow", "--data", root)[0] == 2
    with Station.open(root) as station:
        assert station.state.value == "provisioned"


def test_mode_test_is_where_a_station_starts_and_official_is_final(store_election, cards, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False, cards=cards)
    tech = card_file(tmp_path, cards.technician)
    code, out, err = cli(TECH_PIN + "\n", "mode", "test", "--data", root, "--card", tech)
    assert code == 0 and "test mode already" in out
    assert cli(TECH_PIN + "\n", "mode", "official", "--data", root, "--card", tech)[0] == 0
    code, out, err = cli(TECH_PIN + "\n", "mode", "test", "--data", root, "--card", tech)
    assert code == 1 and "cannot go back to test mode" in err
    assert verify_json(root)[0] == 0
