"""The token roll at national size: token keys beside a roll of bare hashes H(serial), same run, same tokens.

Builds two rolls of ``--tokens`` entries (default 4,744,241, the seed's national early vote)
through the project's own :class:`TokenRoll` (``add`` in chunks, ``freeze``) from the same random
serials: one keyed as the roll is (:func:`roll_key`, each token's Ed25519 public key), and the
baseline keyed by a bare SHA-256 of the serial (what ballot format 1's roll held, before token keys:
the same 32-byte key, the cheapest one to make). It prints for each: what the key costs per token
on one core, insert and freeze time, file size, and the latency of single lookups of present and
absent keys (median and p95 of ``--lookups``), with the ratios token key / hash.

    .venv/bin/python bench/roll_bench.py [--tokens 4744241] [--lookups 20000] [--styles 250]
"""

from __future__ import annotations

import argparse
import hashlib
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
HASH_TAG = b"kiosk-token-ref/1\x00"   # the baseline's key: SHA-256(tag || fingerprint || serial)


def hash_key(fingerprint: bytes, serial: bytes) -> bytes:
    """The baseline's roll key: a bare hash of the serial."""
    return hashlib.sha256(HASH_TAG + fingerprint + serial).digest()


KEY_MAKERS = {"hash": hash_key, "token": roll_key}


def _keys(job: tuple[int, int, str]) -> list[bytes]:
    """Roll keys of serials seed..seed+count (deterministic, so both rolls get the same tokens)."""
    seed, count, kind = job
    rnd, make = random.Random(seed), KEY_MAKERS[kind]
    return [make(FINGERPRINT, rnd.randbytes(16)) for _ in range(count)]


def per_token_us(kind: str, n: int = 50_000) -> float:
    """Median over 5 runs of one core's time per roll key, in microseconds."""
    serials, make = [os.urandom(16) for _ in range(n)], KEY_MAKERS[kind]
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        for s in serials:
            make(FINGERPRINT, s)
        runs.append((time.perf_counter() - t) / n * 1e6)
    return statistics.median(runs)


def build(folder: Path, tokens: int, styles: int, kind: str, authority: SigningKey) -> dict:
    folder.mkdir()
    roll = TokenRoll(folder, FINGERPRINT, authority.verify_key)
    jobs = [(i, min(CHUNK, tokens - i), kind) for i in range(0, tokens, CHUNK)]
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
        for kind in KEY_MAKERS:
            built = build(Path(d) / kind, args.tokens, args.styles, kind, authority)
            rows[kind] = dict(built, key_us=per_token_us(kind),
                              lookup=lookups(Path(d) / kind, authority, built.pop("present"), args.lookups))
    print(f"token roll of {args.tokens:,} tokens, {args.styles} styles, {os.cpu_count()} cores for key making; "
          f"lookups: {args.lookups:,} single present and absent keys, in microseconds")
    print(f"{'':32}{'bare hash H(serial)':>20}{'token key (roll)':>20}{'ratio':>8}")

    def line(name: str, a: float, b: float, unit: str) -> None:
        print(f"{name:32}{a:>17.1f} {unit:2}{b:>17.1f} {unit:2}{b / a:>8.2f}")

    one, two = rows["hash"], rows["token"]
    line("roll key per token, one core", one["key_us"], two["key_us"], "us")
    line("insert (TokenRoll.add)", one["insert_s"], two["insert_s"], "s")
    line("freeze (root + signature)", one["freeze_s"], two["freeze_s"], "s")
    line("roll.sqlite size", one["size_mb"], two["size_mb"], "MB")
    line("lookup present, median", one["lookup"][0], two["lookup"][0], "us")
    line("lookup present, p95", one["lookup"][1], two["lookup"][1], "us")
    line("lookup absent, median", one["lookup"][2], two["lookup"][2], "us")
    print(f"token key making for the whole roll on one core: {two['key_us'] * args.tokens / 1e6:.0f} s")


if __name__ == "__main__":
    main()
