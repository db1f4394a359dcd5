"""The verifiable count's costs on one core: a Ttabok ballot encrypted and proved, verified, and the tally.

Side by side in one run:
- the bare libsodium operations (ristretto255 scalar multiplication, base multiplication,
  addition) timed alone;
- encrypt+prove and verify of one Ttabok ballot (one contest, 11 proposals shown, up to 6
  likes): medians, and the ratio of the bound (the count of each operation the code calls,
  times that operation's bare median) to the measured median: 1.0 means no cost on top of
  libsodium;
- the tally of all 872 Ttabok proposals: k trustees' partial decryptions with proofs, their
  checks, the k-of-n combination and the discrete logs.

- with ``--day N``: N Ttabok ballots (the 2017 day had 5,554) of every community's style checked
  by :mod:`sync.central.proof_pool` with 1 and then 2 worker processes, and the second worker's
  gain as a fraction of the ideal.

    .venv/bin/python bench/crypto_bench.py [--repeat 30] [--trustees 5 --threshold 3] [--day 5554]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from kiosk.contract.crypto import contest as contest_mod, elgamal, group, proofs, threshold  # noqa: E402
from kiosk.contract.crypto.contest import ContestRule, ballot_context, encrypt_contest, verify_contest  # noqa: E402
from kiosk.contract.crypto.elgamal import DiscreteLog, encrypt  # noqa: E402
from kiosk.contract.crypto.threshold import (Ceremony, check_partial, combine, election_key, make_trustee,  # noqa: E402
                                             partial_decrypt, secret_key_share)
from kiosk.contract.crypto.encrypted_ballot import ballot_bytes, encrypt_ballot, shown_options  # noqa: E402
from ceremonyhelp import format2_election  # noqa: E402
from kiosk.contract.ttabok import MAX_LIKES, TTABOK_COMMUNITIES, ttabok_spec  # noqa: E402
from sync.central.proof_pool import check_all  # noqa: E402

OPS = ("mul", "mul_base", "add", "sub")
MODULES = (elgamal, proofs, threshold, contest_mod)


def median_us(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e6


def bare_ops(n: int) -> dict[str, float]:
    s, p, q = group.random_scalar(), group.mul_base(group.random_scalar()), group.mul_base(group.random_scalar())
    return {"mul": median_us(lambda: group.mul(s, p), n), "mul_base": median_us(lambda: group.mul_base(s), n),
            "add": median_us(lambda: group.add(p, q), n), "sub": median_us(lambda: group.sub(p, q), n)}


def _reaches_libsodium(op: str, args) -> bool:
    """False for the identity and zero-scalar shortcuts of :mod:`group`, which cost no C call."""
    I = group.IDENTITY
    if op == "add":
        return I not in args
    if op == "sub":
        return args[1] != I
    if op == "mul":
        return args[0] % group.L != 0 and args[1] != I
    return args[0] % group.L != 0


def count_ops(fn) -> Counter:
    """How often ``fn`` makes each group operation in libsodium (wrapping the names the modules imported)."""
    counts: Counter = Counter()
    saved = []
    for module in MODULES:
        for op in OPS:
            if hasattr(module, op):
                original = getattr(module, op)
                saved.append((module, op, original))

                def wrapped(*a, _o=original, _n=op):
                    counts[_n] += _reaches_libsodium(_n, a)
                    return _o(*a)
                setattr(module, op, wrapped)
    try:
        fn()
    finally:
        for module, op, original in saved:
            setattr(module, op, original)
    return counts


def bundle(counts: Counter):
    """A function that makes exactly the counted group operations and nothing else (the bound)."""
    s, p, q = group.random_scalar(), group.mul_base(group.random_scalar()), group.mul_base(group.random_scalar())
    mul, mul_base, add, sub = group.mul, group.mul_base, group.add, group.sub

    def run():
        for _ in range(counts["mul"]):
            mul(s, p)
        for _ in range(counts["mul_base"]):
            mul_base(s)
        for _ in range(counts["add"]):
            add(p, q)
        for _ in range(counts["sub"]):
            sub(p, q)
    return run


def side_by_side(work, bound, repeat: int) -> tuple[float, float]:
    """Medians (µs) of ``work`` and ``bound``, timed alternately so both see the same machine load."""
    a, b = [], []
    for _ in range(repeat):
        a.append(median_us(work, 1))
        b.append(median_us(bound, 1))
    return statistics.median(a), statistics.median(b)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--trustees", type=int, default=5)
    parser.add_argument("--threshold", type=int, default=3)
    parser.add_argument("--proposals", type=int, default=TTABOK_COMMUNITIES)
    parser.add_argument("--day", type=int, default=0, metavar="N", help="also check N Ttabok ballots on 1 and 2 workers")
    args = parser.parse_args(argv)

    ops = bare_ops(max(200, args.repeat * 20))
    print("bare libsodium ristretto255 (median µs): " + ", ".join(f"{k} {v:.1f}" for k, v in ops.items()))

    x = group.random_scalar()
    y = group.mul_base(x)
    rule = ContestRule(options=11, option_max=1, min_sum=0, max_sum=MAX_LIKES)
    selections = [1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1]
    ctx = ballot_context(bytes(32), "C001", "ballot-1", "G01")
    ballot, _ = encrypt_contest(y, rule, selections, ctx)
    verify_contest(y, rule, ballot, ctx)
    enc_ops = count_ops(lambda: encrypt_contest(y, rule, selections, ctx))
    ver_ops = count_ops(lambda: verify_contest(y, rule, ballot, ctx))
    enc, enc_bound = side_by_side(lambda: encrypt_contest(y, rule, selections, ctx), bundle(enc_ops), args.repeat)
    ver, ver_bound = side_by_side(lambda: verify_contest(y, rule, ballot, ctx), bundle(ver_ops), args.repeat)
    for name, t, b, c in (("encrypt+prove", enc, enc_bound, enc_ops), ("verify", ver, ver_bound, ver_ops)):
        print(f"Ttabok ballot {name}: {t / 1000:.2f} ms median (goal <= 10 ms); "
              f"{c['mul']} mul + {c['mul_base']} base + {c['add'] + c['sub']} add/sub, their bare cost "
              f"{b / 1000:.2f} ms in the same run, ratio bound/measured {b / t:.2f} (goal >= 0.8)")
    print(f"  the Ttabok day's 5,554 ballots verified on one core: {5554 * ver / 1e6:.1f} s; on 2 cores "
          f"about {5554 * ver / 2e6:.1f} s (goal < 60 s)")

    # the tally: one aggregate per proposal, k of n trustees
    ceremony = Ceremony("bench", args.trustees, args.threshold)
    trustees = [make_trustee(ceremony, i) for i in range(1, args.trustees + 1)]
    announcements = {a.index: a for _, a in trustees}
    y = election_key(announcements)
    shares = {s.index: secret_key_share({t.index: t.share_for(s.index) for t, _ in trustees}) for s, _ in trustees}
    counts = [(i * 7) % 10 for i in range(args.proposals)]
    aggregates = [encrypt(y, m, group.random_scalar()) for m in counts]
    chosen = list(shares)[:args.threshold]
    t0 = time.perf_counter()
    partials = [partial_decrypt(ceremony, i, shares[i], aggregates, [10] * len(aggregates), 10, b"tally")
                for i in chosen]
    t1 = time.perf_counter()
    points = combine(ceremony, announcements, aggregates, partials, b"tally")   # checks every proof
    t2 = time.perf_counter()
    dl = DiscreteLog(5554)
    result = [dl.find(p) for p in points]
    t3 = time.perf_counter()
    assert result == counts
    check_partial(ceremony, announcements, aggregates, partials[0], b"tally")
    print(f"tally of {args.proposals} proposals, {args.threshold} of {args.trustees} trustees: "
          f"partial decryptions {t1 - t0:.2f} s (all trustees in turn; each on their own machine: "
          f"{(t1 - t0) / args.threshold:.2f} s), proofs checked and combined {t2 - t1:.2f} s, "
          f"discrete logs {t3 - t2:.2f} s; total {t3 - t0:.2f} s (goal < 10 s)")
    if args.day:
        day(args.day)
    return 0


_DAY: dict = {}


def _encrypt_range(span):
    election, y = _DAY["election"], _DAY["y"]
    out = []
    for b in range(*span):
        style = election.styles[b % len(election.styles)]
        contest = election.contest(style.contests[0])
        chosen = shown_options(election, style.id, contest)[:b % (MAX_LIKES + 1)]
        out.append((style.id, f"b{b}", ballot_bytes(encrypt_ballot(y, election, style.id, f"b{b}",
                                                                   {contest.id: chosen}, os.urandom(32)))))
    return out


def day(n: int) -> None:
    """N Ttabok ballots checked with 1 and 2 proof workers."""
    election = format2_election(ttabok_spec())
    y = group.mul_base(group.random_scalar())
    _DAY.update(election=election, y=y)
    spans = [(s, min(s + 100, n)) for s in range(0, n, 100)]
    t = time.perf_counter()
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        items = [i for part in pool.map(_encrypt_range, spans) for i in part]
    made = time.perf_counter() - t
    times = {}
    for workers in (1, 2):
        t = time.perf_counter()
        assert check_all(y, election, items, workers=workers) == []
        times[workers] = time.perf_counter() - t
    gain = (times[1] / times[2] - 1)
    print(f"the day: {n} Ttabok ballots (made on 2 processes in {made:.1f} s) checked in {times[1]:.1f} s on 1 worker, "
          f"{times[2]:.1f} s on 2 (goal < 60 s for 5,554); the second worker's gain {gain:.2f} of the ideal 1.0")


if __name__ == "__main__":
    raise SystemExit(main())
