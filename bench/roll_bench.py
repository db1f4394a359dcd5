"""The token roll at national size: format 2 (token keys) beside format 1 (H(serial)), same run, same tokens.

Builds both rolls of ``--tokens`` entries (default 4,744,241, the seed's national early vote)
through the project's own :class:`TokenRoll` (``add`` in chunks, ``freeze``) from the same random
serials, then prints per format: what the roll key costs per token on one core (format 2 derives
an Ed25519 key pair, format 1 hashes), insert and freeze time, file size, and the latency of
single lookups of present and absent keys (median and p95 of ``--lookups``), with the ratios
format 2 / format 1.

    .venv/bin/python bench/roll_bench.py [--tokens 4744241] [--lookups 20000] [--styles 250]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.contract.keys import SigningKey  # noqa: E402
from kiosk.contract.roll import ROLL_FILE, TokenRoll  # noqa: E402
from kiosk.contract.tokens import roll_key  # noqa: E402

FINGERPRINT = bytes(range(32))
CHUNK = 100_000


def _keys(job: tuple[int, int, int]) -> list[bytes]:
    """Roll keys of serials seed..seed+count (deterministic, so both formats get the same tokens)."""
    seed, count, ballot_format = job
    rnd = random.Random(seed)
    return [roll_key(FINGERPRINT, rnd.randbytes(16), ballot_format) for _ in range(count)]


def per_token_us(ballot_format: int, n: int = 50_000) -> float:
    """Median over 5 runs of one core's time per roll key, in microseconds."""
    serials = [os.urandom(16) for _ in range(n)]
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        for s in serials:
            roll_key(FINGERPRINT, s, ballot_format)
        runs.append((time.perf_counter() - t) / n * 1e6)
    return statistics.median(runs)


def build(folder: Path, tokens: int, styles: int, ballot_format: int, authority: SigningKey) -> dict:
    folder.mkdir()
    roll = TokenRoll(folder, FINGERPRINT, authority.verify_key)
    jobs = [(i, min(CHUNK, tokens - i), ballot_format) for i in range(0, tokens, CHUNK)]
    insert_s, kept = 0.0, []
    with Pool(os.cpu_count()) as pool:
        for job, keys in zip(jobs, pool.imap(_keys, jobs)):
            t = time.perf_counter()
            roll.add((k, "official", f"ST-{(job[0] + n) % styles:04d}") for n, k in enumerate(keys))
            insert_s += time.perf_counter() - t
            if len(kept) < 100_000:
                kept.extend(keys[:2_000])
    t = time.perf_counter()
    roll.freeze(authority)
    freeze_s = time.perf_counter() - t
    roll.close()
    return {"insert_s": insert_s, "freeze_s": freeze_s, "size_mb": (folder / ROLL_FILE).stat().st_size / 1e6,
            "present": kept}


def lookups(folder: Path, authority: SigningKey, keys: list[bytes], n: int) -> tuple[float, float, float]:
    """(median present, p95 present, median absent) lookup time in microseconds, on a freshly opened roll."""
    roll = TokenRoll(folder, FINGERPRINT, authority.verify_key)
    rnd = random.Random(5)
    present, absent = [], []
    for _ in range(n):
        key = rnd.choice(keys)
        t = time.perf_counter()
        assert roll.lookup(key) is not None
        present.append(time.perf_counter() - t)
        other = rnd.randbytes(32)
        t = time.perf_counter()
        assert roll.lookup(other) is None
        absent.append(time.perf_counter() - t)
    roll.close()
    present.sort()
    return (statistics.median(present) * 1e6, present[int(0.95 * len(present))] * 1e6,
            statistics.median(absent) * 1e6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=4_744_241)
    parser.add_argument("--lookups", type=int, default=20_000)
    parser.add_argument("--styles", type=int, default=250)
    args = parser.parse_args()
    authority = SigningKey.generate()
    rows = {}
    with tempfile.TemporaryDirectory(dir=os.environ.get("ROLL_BENCH_DIR")) as d:
        for fmt in (1, 2):
            built = build(Path(d) / f"v{fmt}", args.tokens, args.styles, fmt, authority)
            rows[fmt] = dict(built, key_us=per_token_us(fmt),
                             lookup=lookups(Path(d) / f"v{fmt}", authority, built.pop("present"), args.lookups))
    print(f"token roll of {args.tokens:,} tokens, {args.styles} styles, {os.cpu_count()} cores for key making; "
          f"lookups: {args.lookups:,} single present and absent keys, in microseconds")
    print(f"{'':32}{'format 1 H(serial)':>20}{'format 2 token key':>20}{'2 / 1':>8}")

    def line(name: str, a: float, b: float, unit: str) -> None:
        print(f"{name:32}{a:>17.1f} {unit:2}{b:>17.1f} {unit:2}{b / a:>8.2f}")

    one, two = rows[1], rows[2]
    line("roll key per token, one core", one["key_us"], two["key_us"], "us")
    line("insert (TokenRoll.add)", one["insert_s"], two["insert_s"], "s")
    line("freeze (root + signature)", one["freeze_s"], two["freeze_s"], "s")
    line("roll.sqlite size", one["size_mb"], two["size_mb"], "MB")
    line("lookup present, median", one["lookup"][0], two["lookup"][0], "us")
    line("lookup present, p95", one["lookup"][1], two["lookup"][1], "us")
    line("lookup absent, median", one["lookup"][2], two["lookup"][2], "us")
    print(f"format 2 key making for the whole roll on one core: {two['key_us'] * args.tokens / 1e6:.0f} s")


if __name__ == "__main__":
    main()
