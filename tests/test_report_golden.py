"""Golden transcripts of every poll-worker report, in Korean and English.

A whole day at an official station, through the same functions the touchscreen menu and the
``kiosk`` command use (check_unlock, take_step, print_job, print_and_record), printed by the
real ``Printer`` through a real socat pseudo-terminal pair to the virtual printer, which parses
the ESC/POS stream back. Hangul lines come back as images; each must equal, dot for dot, a fresh
rendering of its source text (``legend_of``), or it shows as an unknown image and the
comparison fails. What differs from run to run (keys, hashes, the roll root, the signed
statement) is masked; the statement itself is read back from the printed QR by the real decoder
and checked. ``UPDATE_GOLDEN=1`` rewrites the files under tests/golden/.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest
from pollhelp import PIN, TECH_PIN
from printer_rig import printer_rig
from storehelp import NOW, choices, make_station

from hardware.document import PAPER_80MM
from hardware.layout import ImageLine
from hardware.virtual_printer import legend_of
from kiosk.app.printing import Printed, print_and_record, report_document
from kiosk.station.casting import Cast, cast
from kiosk.contract.closing import check_closing, parse_closing
from kiosk.station.lifecycle import Action
from kiosk.station.pinpolicy import check_unlock
from kiosk.station.pollsteps import print_job, take_step
from kiosk.station.station import Station

GOLDEN = Path(__file__).resolve().parent / "golden"
G01 = [f"C{i:03d}" for i in range(1, 13)]   # group 1: twelve communities, 12 ballots (>= k)
G02 = ["C013", "C014", "C015"]              # group 2: 3 ballots (< k: withheld)
MASKS = [(re.compile(r"QR:KS1:\S+"), "QR:KS1:<signed closing statement>"),
         (re.compile(r"\b[0-9a-f]{4}(-[0-9a-f]{4}){3}\b"), "<kiosk key fingerprint>"),
         (re.compile(r"\b[0-9a-f]{16,}\b"), "<hex>")]


def mask(line: str) -> str:
    for pattern, text in MASKS:
        line = pattern.sub(text, line)
    return line


def first_token(tokens, style):
    return next(payload for s, payload in tokens.official if s == style)


def polling_day(tokens, cards, root: Path, printer, language: str) -> tuple[list, dict]:
    """Open, vote, pause, resume, close, reprint, reopen: every report printed; (jobs, legend)."""
    make_station(tokens, root, mode="official", polls_open=False, cards=cards)
    jobs, legend = [], {}

    def printed(station, job, now, by=None):
        jobs.append(job)
        legend.update(legend_of(report_document(job.report), PAPER_80MM))
        assert isinstance(print_and_record(station, printer, job, now, by), Printed)

    with Station.open(root) as station:
        worker = check_unlock(station, cards.poll_worker, PIN, NOW + 60)
        printed(station, take_step(station, Action.OPEN, worker, NOW + 60, language).job, NOW + 61)
        for n, style in enumerate(G01 + G02):
            payload = first_token(tokens, style)
            assert isinstance(cast(station, payload, choices(tokens.election, style), NOW + 120 + n), Cast)
        cast(station, first_token(tokens, "C001"), choices(tokens.election, "C001"), NOW + 200)  # refused: used
        for when, action in ((NOW + 3600, Action.PAUSE), (NOW + 3700, Action.RESUME), (NOW + 7200, Action.CLOSE)):
            printed(station, take_step(station, action, worker, when, language).job, when + 1)
        # no node acknowledged the closing batch (this election lists none): the tape says so; a tape
        # listing nodes whose signed acknowledgements verify is in test_central_commands.py
        printed(station, print_job(station, "results_tape", NOW + 7300, language, reprint=True), NOW + 7300)
        printed(station, print_job(station, "zero_report", NOW + 7400, language, reprint=True), NOW + 7400)
        technician = check_unlock(station, cards.technician, TECH_PIN, NOW + 7500)
        printed(station, take_step(station, Action.REOPEN, technician, NOW + 7500, language).job, NOW + 7500)
    return jobs, legend


@pytest.fixture(params=["ko", "en"])
def day(request, store_election, cards, tmp_path):
    with printer_rig(tmp_path) as rig:
        jobs, legend = polling_day(store_election, cards, tmp_path / "station", rig.printer, request.param)
        yield request.param, jobs, legend, list(rig.device.printed), rig.device.transcript(legend)


def test_every_report_matches_its_golden_transcript(day):
    language, jobs, legend, _, transcript = day
    assert [j.kind for j in jobs] == ["zero_report", "pause_slip", "resume_slip", "results_tape", "results_tape",
                                      "zero_report", "reopen_slip"]
    assert not any(line.startswith("[image ") for line in transcript), "an image that is not its text's rendering"
    masked = "\n".join(mask(line) for line in transcript) + "\n"
    path = GOLDEN / f"pollworker-day-{language}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(masked, encoding="utf-8")
    assert masked == path.read_text(encoding="utf-8")


def test_the_tape_qr_reads_back_as_the_signed_statement(day, store_election):
    from scanner.decode import decode_frame

    language, jobs, legend, printed, _ = day
    codes = [item for item in printed if isinstance(item, ImageLine) and legend.get(item.raster.sha256(), "")
             .startswith("QR:")]
    assert len(codes) == 2  # the results tape and its reprint: the same statement
    read = [decode_frame(np.array(c.raster.to_image().convert("L"))) for c in codes]
    assert read[0] == read[1] and len(read[0]) == 1
    statement = parse_closing(read[0][0])
    assert check_closing(statement, store_election.election) == []
    assert statement["ballots"] == 15 and statement["contests"]["G02"] == {"ballots": 3}
    assert sum(statement["contests"]["G01"]["options"].values()) == 24
