"""Minting the full 2017 Ttabok roll: 872 communities x 9 tokens = 7,848 tokens.

Times the ``kiosk-central tokens mint --all-styles --count 9`` command as a person runs it
(roll insert, one PNG per token, the PDF sheet), and, side by side in the same run on the
same number of tokens, the bare library work underneath: segno encoding one symbol and
writing its PNG on one core. The ratio shows what our own code and the PDF cost on top.

    .venv/bin/python bench/mint_bench.py [--repeat 3] [--communities 872]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

import segno

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from ceremonyhelp import format2_package  # noqa: E402
from kiosk.contract.tokens import new_serial, token_payload  # noqa: E402
from kiosk.contract.ttabok import TOKENS_PER_COMMUNITY, ttabok_spec  # noqa: E402
from sync.central.cli import main as central  # noqa: E402


def one_run(communities: int, work: Path) -> dict[str, float]:
    package, _ = format2_package(work / "e", ttabok_spec(communities))
    t0 = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        code = central(["tokens", "mint", "--election", str(package.directory), "--all-styles",
                        "--count", str(TOKENS_PER_COMMUNITY), "--out", str(work / "out")])
    t1 = time.perf_counter()
    assert code == 0
    tokens = len((work / "out" / "payloads.tsv").read_text().splitlines())
    (work / "bare").mkdir()
    t2 = time.perf_counter()
    for i in range(tokens):
        segno.make(token_payload(package.election.tag, "official", new_serial()), error="m",
                   boost_error=False).save(str(work / "bare" / f"{i}.png"), scale=8, border=4)
    t3 = time.perf_counter()
    return {"tokens": tokens, "command_s": t1 - t0, "bare_s": t3 - t2,
            "pdf_mb": (work / "out" / "sheet.pdf").stat().st_size / 1e6}


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
    print(f"{int(n)} tokens, median of {args.repeat} runs (PDF {med['pdf_mb']:.1f} MB)")
    print(f"  'kiosk-central tokens mint' (roll + PNGs + PDF, all cores) {med['command_s']:7.1f} s "
          f"{n / med['command_s']:7.0f} tokens/s")
    print(f"  bare segno encode + PNG, one core                          {med['bare_s']:7.1f} s "
          f"{n / med['bare_s']:7.0f} tokens/s")
    print(f"  ratio command / bare                                       {med['command_s'] / med['bare_s']:7.2f} x")


if __name__ == "__main__":
    main()
