"""How large the results tape's signed closing statement is, and how many QR codes it takes.

    nice .venv/bin/python bench/closing_qr_bench.py [--stations 12 36] [--communities 872] [--seed 2017]

The 2017 Ttabok vote with the whole judging (members' likes, representatives' grades), stations
and voters as the replay plans them (``bench/replay/plan.py``, the same seed): each station's
statement is made from its plan's ballots with the station's own counter and privacy floor
(``count_contests``), signed, cut into the tape's codes (``kiosk.contract.closing_parts``), and
the whole results tape is printed by the real report code to the virtual printer's parser,
rendered to an image and read back by the project's decoder; the codes read are joined and the
signature checked. Per station count: the statement's characters (min / median / max), the
tapes by their codes (one code as is, or N parts), and how many tapes read back whole. Then, for
the last station count's statements that would fit one byte-mode code (997 to 2,331 characters,
up to version 40, which the tape printed before the parts), a rough phone photo (shrunk to a
number of pixels per printer dot, blurred, noisy, JPEG) of that one code beside the same
statement as printed now (codes of version 25 at most): statements read whole. No timing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

from judginghelp import body_of  # noqa: E402
from replay.plan import Voter, make_plan  # noqa: E402

from hardware.escpos import encode_document  # noqa: E402
from hardware.document import PAPER_80MM  # noqa: E402
from hardware.tape_image import tape_image  # noqa: E402
from hardware.virtual_printer import VirtualPrinter  # noqa: E402
from kiosk.app.printing import report_document  # noqa: E402
from kiosk.contract.closing import CLOSING_FORMAT, parse_closing, sign_closing  # noqa: E402
from kiosk.contract.closing_parts import SINGLE_MAX, assemble, tape_codes  # noqa: E402
from kiosk.contract.election import parse_election  # noqa: E402
from kiosk.contract.keys import SigningKey  # noqa: E402
from kiosk.contract.ttabok import ttabok_spec  # noqa: E402
from kiosk.contract.ttabok_judging import add_judging  # noqa: E402
from kiosk.station.reports import StationFacts, count_contests, results_tape  # noqa: E402
from scanner.decode import decode_frame  # noqa: E402


def selections(election, style_id: str, voter: Voter) -> dict:
    contest = election.style(style_id).contests[0]
    return {contest: dict(voter.grades)} if voter.grades else {contest: list(voter.likes)}


def statement(election, key: SigningKey, name: str, ballots: list[tuple[str, dict]]) -> tuple[str, list, dict]:
    counts = count_contests(election, ballots)
    turnout = dict(Counter(style for style, _ in ballots))
    contests = {c.contest: ({"ballots": c.ballots, "options": dict(c.by_option)} if c.shown else {"ballots": c.ballots})
                for c in counts}
    body = {"format": CLOSING_FORMAT, "election_hex": election.fingerprint_hex, "station": name, "mode": "official",
            "kiosk_key_hex": key.verify_key.hex, "ballots": len(ballots), "turnout": turnout, "contests": contests,
            "log_head": {"seq": 9 * len(ballots) + 40, "hash_hex": "cd" * 32},
            "batch": {"number": 480, "header_hash_hex": "ef" * 32}, "time": 1_495_893_600}
    return sign_closing(key, body), counts, turnout


def tape_reads_back(election, name: str, payload: str, counts: list, turnout: dict) -> bool:
    """Print the whole results tape, render it, decode every code, join, verify: the statement again?"""
    facts = StationFacts(election, name, "official", "0000-0000-0000-0000", "unattested", "ab" * 32, 1, "cd" * 32,
                         1_495_893_600, 1_495_893_700)
    tape = results_tape(facts, counts, sum(turnout.values()), turnout, {}, "#480", [], payload, "ko")
    device = VirtualPrinter()
    device.receive(encode_document(report_document(tape), PAPER_80MM))
    texts = decode_frame(np.array(tape_image(list(device.printed)).convert("L")))
    joined = assemble([(name, t) for t in texts])
    return not joined.refused and [p for _, p in joined.statements] == [payload] and bool(parse_closing(payload))


def photographed(image, scale: float, seed: int):
    """A phone photo of the tape, roughly: shrunk to ``scale`` px a printer dot, blurred, noisy, JPEG 70."""
    import io

    import cv2
    from PIL import Image

    gray = np.array(image.convert("L"), dtype=np.float32)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), 0.8) + np.random.default_rng(seed).normal(0, 6, small.shape)
    out = io.BytesIO()
    Image.fromarray(np.clip(small, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=70)
    return np.array(Image.open(io.BytesIO(out.getvalue())))


def code_tape(texts: list[str]):
    """A tape of just these QR codes, printed by the real printer path (as the results tape prints them)."""
    from kiosk.station.reports import Code, Report

    device = VirtualPrinter()
    report = Report("results_tape", "ko", tuple(Code(t, "") for t in texts))
    device.receive(encode_document(report_document(report), PAPER_80MM))
    return tape_image(list(device.printed))


def photo_rates(payloads: list[str], scales: list[float]) -> None:
    """Per scale: statements read whole from a photo, printed as one byte-mode code (as before the parts,
    up to version 40) beside as printed now (each code at most version 25)."""
    from scanner.decode import decode_still

    print(f"\n{'px/dot':>6} {'one code (v40 max)':>19} {'as printed (v25 max)':>21}   ({len(payloads)} statements)")
    tapes = [(p, code_tape([p]), code_tape(tape_codes(p))) for p in payloads]
    for scale in scales:
        whole = [0, 0]
        for n, (payload, single, parts) in enumerate(tapes):
            for i, tape in enumerate((single, parts)):
                joined = assemble([("", t) for t in decode_still(photographed(tape, scale, n))])
                whole[i] += [p for _, p in joined.statements] == [payload]
        print(f"{scale:6.2f} {whole[0]:>19} {whole[1]:>21}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--stations", type=int, nargs="+", default=[12, 36])
    p.add_argument("--communities", type=int, default=872)
    p.add_argument("--seed", type=int, default=2017)
    p.add_argument("--photo-scales", type=float, nargs="*", default=[1.0, 0.8, 0.6, 0.5, 0.4],
                   help="also photograph the tapes of the last --stations whose statement fits one code, at "
                        "these pixels per printer dot")
    args = p.parse_args(argv)
    spec = add_judging(ttabok_spec(args.communities))
    election = parse_election(body_of(spec))
    tokens = {s["id"]: list(range(9)) for s in spec["styles"]}
    key = SigningKey(bytes(range(32)))
    print(f"{'stations':>8} {'chars min':>9} {'median':>7} {'max':>6} {'tapes by codes':>22} {'read back':>10}")
    for n in args.stations:
        plan = make_plan(spec, tokens, n, args.seed)
        sizes, codes, read, payloads = [], Counter(), 0, []
        for station in plan.stations:
            ballots = [(v.style, selections(election, v.style, v)) for v in station.queue if isinstance(v, Voter)]
            payload, counts, turnout = statement(election, key, station.station, ballots)
            sizes.append(len(payload))
            payloads.append(payload)
            printed = tape_codes(payload)
            codes["as is" if printed == [payload] else f"{len(printed)} part{'s' * (len(printed) > 1)}"] += 1
            read += tape_reads_back(election, station.station, payload, counts, turnout)
        spread = ", ".join(f"{k}: {v}" for k, v in sorted(codes.items()))
        print(f"{n:8} {min(sizes):9,} {int(statistics.median(sizes)):7,} {max(sizes):6,} {spread:>22} "
              f"{read:>5}/{len(plan.stations)}")
    if args.photo_scales:
        photo_rates([p for p in payloads if SINGLE_MAX < len(p) <= 2331], args.photo_scales)
    return 0


if __name__ == "__main__":
    sys.exit(main())
