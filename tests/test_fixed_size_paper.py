"""Nothing the printer is sent, and nothing the operator log says, varies with the voter's choice
(issue 21: "printed paper_record: N lines, B bytes" identified 19 of 30 ballots).

Every selection pattern of both styles of the two-contest apartment example, in Korean and in
English (whose option names are ASCII and used to go out as text of their own length), and a
spread of Ttabok patterns, make paper records of one byte length and line count per style and
language; printed on the real printer code over a socat pty to the virtual printer, the job's
bytes are that length and the operator log gains no line.
"""

from __future__ import annotations

import itertools
import logging
import random
from pathlib import Path

import pytest

from hardware.document import PAPER_58MM, PAPER_80MM
from hardware.escpos import encode_document
from hardware.layout import layout
from ceremonyhelp import format2_election
from kiosk.app.printing import report_document
from kiosk.contract.spec import read_spec
from kiosk.contract.ttabok import ttabok_spec
from kiosk.station.reports import paper_record
from printer_rig import printer_rig

KEY = "ab" * 32
ROOT = Path(__file__).resolve().parent.parent


def election_of(spec):
    return format2_election(spec, KEY)


APARTMENT = election_of(read_spec(ROOT / "docs/examples/apartment.toml"))
TTABOK = election_of(ttabok_spec(24))


def patterns(election, style_id: str, limit: int | None = None, seed: int = 21) -> list[dict]:
    """Every allowed selection of a style (or ``limit`` of them at random, always with none, each
    option alone and the longest-titled full choices)."""
    style = election.style(style_id)
    per_contest = []
    for contest_id in style.contests:
        contest = election.contest(contest_id)
        ids = [o.id for o in contest.options if o.id not in style.exclude]
        choices = [list(c) for n in range(contest.min, contest.max + 1) for c in itertools.combinations(ids, n)]
        if limit is not None and len(choices) > limit:
            longest = sorted(ids, key=lambda i: -len(contest.option(i).title.ko))[:contest.max]
            rng = random.Random(seed)
            choices = [[], longest, *[[i] for i in ids], *rng.sample(choices, limit)]
        per_contest.append([(contest_id, c) for c in choices])
    return [dict(combo) for combo in itertools.product(*per_contest)]


def record_bytes(election, style, selections, language, profile=PAPER_80MM, ballot_id=None):
    ballot_id = ballot_id or random.Random(str(selections)).randbytes(16).hex()
    document = report_document(paper_record(election, style, selections, ballot_id, "official", language))
    return encode_document(document, profile), len(layout(document, profile))


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("style", ["owner", "tenant"])
def test_every_apartment_choice_prints_the_same_length(style, language):
    sizes = {record_bytes(APARTMENT, style, p, language)[1:] + (len(record_bytes(APARTMENT, style, p, language)[0]),)
             for p in patterns(APARTMENT, style)}
    assert len(patterns(APARTMENT, style)) == (21 if style == "owner" else 7)
    assert len(sizes) == 1, sizes


@pytest.mark.parametrize("profile", [PAPER_80MM, PAPER_58MM])
def test_ttabok_choices_print_the_same_length(profile):
    for style in [s.id for s in TTABOK.styles][:3]:
        found = {(len(data), lines) for data, lines in
                 (record_bytes(TTABOK, style, p, "ko", profile) for p in patterns(TTABOK, style, limit=40))}
        assert len(found) == 1, (style, found)


def test_the_paper_still_shows_the_choice_and_blank_slots_only():
    from hardware.virtual_device import legend_of

    document = report_document(paper_record(APARTMENT, "owner", {"chair": ["kim"], "works": []}, "00" * 16,
                                            "official", "en"))
    shown = [line.source for line in layout(document, PAPER_80MM) if hasattr(line, "source")]
    from kiosk.station.reports import w

    assert shown[:3] == ["[V] Kim Min-ji", w("en", "no_choice"), ""]  # the works' 2nd slot is blank
    assert legend_of(document, PAPER_80MM)  # the test printer can still read every line back


def test_printing_paper_records_leaves_no_log_line_and_the_same_bytes(tmp_path, caplog):
    sent = []
    with printer_rig(tmp_path) as rig:
        for p in patterns(APARTMENT, "owner")[:6]:
            document = report_document(paper_record(APARTMENT, "owner", p, random.randbytes(16).hex(),
                                                    "official", "ko"))
            before = rig.device.bytes_received
            with caplog.at_level(logging.DEBUG, logger="hardware"):
                rig.printer.print(document)
            sent.append(rig.device.bytes_received - before)
    assert len(set(sent)) == 1, sent
    said = [r.getMessage() for r in caplog.records if r.name == "hardware.printer"
            and not r.getMessage().startswith("printer port opened")]
    assert said == [], said  # no "printed paper_record: N lines, B bytes", no time per voter
