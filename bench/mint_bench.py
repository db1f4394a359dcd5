"""Minting the full 2017 Ttabok roll: 872 communities x 9 tokens = 7,848 tokens.

Runs the same steps as ``kiosk-central tokens mint --all-styles --count 9`` (roll insert,
one PNG per token, the PDF sheet) and, side by side in the same run, the bare cost of the
library calls underneath (segno encode + PNG write alone; reportlab drawing alone is part of
the sheet step), so the overhead of our own code shows as a ratio.

    .venv/bin/python bench/mint_bench.py [--repeat 3] [--communities 872]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import segno

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.minting import mint_tokens  # noqa: E402
from kiosk.package import create_package  # noqa: E402
from kiosk.tokens import new_serial, token_payload  # noqa: E402
from kiosk.ttabok import TOKENS_PER_COMMUNITY, ttabok_spec  # noqa: E402
from sync.central.cli import main as central  # noqa: E402
from sync.central.sheets import save_png, token_qr, write_token_sheet  # noqa: E402


def one_run(communities: int, work: Path) -> dict[str, float]:
    package = create_package(work / "e", ttabok_spec(communities))
    e = package.election
    styles = [s.id for s in e.styles]
    t0 = time.perf_counter()
    minted = mint_tokens(package, [(s, TOKENS_PER_COMMUNITY) for s in styles], "official")
    t1 = time.perf_counter()
    (work / "png").mkdir()
    for i, token in enumerate(minted):
        save_png(token_qr(token.payload), work / "png" / f"{i}.png")
    t2 = time.perf_counter()
    pages = write_token_sheet(work / "sheet.pdf", e.title.ko, ((t.payload, e.style(t.style).title.ko) for t in minted))
    t3 = time.perf_counter()
    # the bare library: segno encode and PNG write of the same number of random payloads
    (work / "bare").mkdir()
    for i in range(len(minted)):
        segno.make(token_payload(e.tag, "official", new_serial()), error="m", boost_error=False).save(
            str(work / "bare" / f"{i}.png"), scale=8, border=4)
    t4 = time.perf_counter()
    # the whole command as a person runs it, in a fresh package
    package2 = create_package(work / "e2", ttabok_spec(communities))
    t5 = time.perf_counter()
    code = central(["tokens", "mint", "--election", str(package2.directory), "--all-styles",
                    "--count", str(TOKENS_PER_COMMUNITY), "--out", str(work / "cli")])
    t6 = time.perf_counter()
    assert code == 0
    return {"tokens": len(minted), "pages": pages, "roll_s": t1 - t0, "png_s": t2 - t1, "pdf_s": t3 - t2,
            "bare_png_s": t4 - t3, "command_s": t6 - t5}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--communities", type=int, default=872)
    args = parser.parse_args()
    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as d:
            runs.append(one_run(args.communities, Path(d)))
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    n = med["tokens"]
    print(f"{int(n)} tokens, {int(med['pages'])} PDF pages, median of {args.repeat} runs")
    print(f"  roll insert (serial, ref, SQLite)  {med['roll_s']:7.2f} s  {n / med['roll_s']:9.0f} tokens/s")
    print(f"  PNG per token (segno)              {med['png_s']:7.2f} s  {n / med['png_s']:9.0f} tokens/s")
    print(f"  PDF sheet (reportlab, vector QR)   {med['pdf_s']:7.2f} s  {n / med['pdf_s']:9.0f} tokens/s")
    print(f"  bare segno encode + PNG            {med['bare_png_s']:7.2f} s  {n / med['bare_png_s']:9.0f} tokens/s")
    print(f"  our PNG step / bare segno          {med['png_s'] / med['bare_png_s']:7.2f} x")
    print(f"  whole 'tokens mint' command        {med['command_s']:7.2f} s  {n / med['command_s']:9.0f} tokens/s")


if __name__ == "__main__":
    main()
