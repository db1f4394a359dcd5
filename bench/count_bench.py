"""Format 2's tally of the whole Ttabok election on the real path, medians, beside its bare-libsodium bound.

All 872 proposals (73 groups of 12, every proposal an aggregate of the 11 other communities'
ballots of its group, 9 members each: 99 ballots) as ``kiosk-aggregates/1`` JSON; then, timed:

- **trustee**: one trustee's ``trustee decrypt`` work: parse the aggregates file, a share and a
  proof per aggregate, the partial decryption's JSON (each trustee on their own machine: this is
  the time of each, not of all in turn);
- **node**: the node's (and any observer's) work: parse k partials, check every proof, combine k,
  read the counts (:func:`sync.central.count.decrypted_counts`).

Each is timed side by side with a function that makes exactly the group operations it counted
(``bench/crypto_bench.py``'s bound): the ratio bound/measured is the share of the time spent in
libsodium (1.0: nothing on top).

    .venv/bin/python bench/count_bench.py [--repeat 5] [--trustees 3 --threshold 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from ceremonyhelp import format2_election, seeded_ceremony  # noqa: E402
from crypto_bench import bare_ops, bundle, count_ops  # noqa: E402
from kiosk.contract.crypto import group  # noqa: E402
from kiosk.contract.crypto.elgamal import encrypt  # noqa: E402
from kiosk.contract.crypto.records import Aggregates  # noqa: E402
from kiosk.contract.crypto.threshold import partial_decrypt  # noqa: E402
from kiosk.contract.ttabok import GROUP_SIZE, TOKENS_PER_COMMUNITY, TTABOK_COMMUNITIES, ttabok_spec  # noqa: E402
from sync.central.count import ElectionKey, decrypted_counts, parse_partials  # noqa: E402


def setup(trustees: int, threshold: int):
    """The election, a dealerless key, and an aggregate per proposal of known count."""
    spec = ttabok_spec(TTABOK_COMMUNITIES)
    election = format2_election(spec, trustees=trustees, threshold=threshold)
    local = seeded_ceremony(spec["id"], trustees, threshold)
    key, shares = ElectionKey.from_json(local.record), local.key_shares
    items, counts = [], []
    ballots = (GROUP_SIZE - 1) * TOKENS_PER_COMMUNITY
    for contest in election.contests:
        for n, option in enumerate(contest.options):
            m = (7 * n + len(items)) % (ballots + 1)
            counts.append(m)
            items.append((contest.id, option.id, encrypt(key.public_key, m, group.random_scalar()), ballots))
    return election, key, shares, json.dumps(Aggregates(election.id, tuple(items)).to_json()), counts


def timed(fn, bound, repeat: int) -> tuple[float, float]:
    """Medians (s) of ``fn`` and ``bound``, run alternately so both see the same load."""
    a, b = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        a.append(time.perf_counter() - t)
        t = time.perf_counter()
        bound()
        b.append(time.perf_counter() - t)
    return statistics.median(a), statistics.median(b)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--trustees", type=int, default=3)
    parser.add_argument("--threshold", type=int, default=2)
    args = parser.parse_args(argv)
    election, key, shares, aggregates_text, counts = setup(args.trustees, args.threshold)
    floor = election.privacy_floor
    ops = bare_ops(2000)
    print("bare libsodium ristretto255 (median µs): " + ", ".join(f"{k} {v:.1f}" for k, v in ops.items()))

    def trustee(index: int = 1) -> str:
        aggregates = Aggregates.from_json(json.loads(aggregates_text))
        return json.dumps(partial_decrypt(key.ceremony, index, shares[index], aggregates.ciphertexts,
                                          aggregates.ballots, floor, aggregates.context).to_json())

    partial_texts = [trustee(i) for i in range(1, args.threshold + 1)]

    def node() -> list[int]:
        aggregates = Aggregates.from_json(json.loads(aggregates_text))
        partials = parse_partials(key, aggregates, [json.loads(t) for t in partial_texts])
        return decrypted_counts(key, aggregates, partials)

    assert node() == counts, "the combination does not give the counts encrypted"
    n = len(counts)
    results = {}
    for name, fn in (("trustee", trustee), ("node", node)):
        used = count_ops(fn)
        t, b = timed(fn, bundle(used), args.repeat)
        results[name] = t
        print(f"{name}: {t:.2f} s median of {args.repeat} for {n} aggregates; {used['mul']} mul + "
              f"{used['mul_base']} base + {used['add'] + used['sub']} add/sub, their bare cost {b:.2f} s in the "
              f"same run, ratio bound/measured {b / t:.2f}")
    total = results["trustee"] + results["node"]
    print(f"the tally of all {n} Ttabok proposals, {args.threshold} of {args.trustees} trustees: each trustee "
          f"{results['trustee']:.2f} s on their own machine, the node {results['node']:.2f} s; "
          f"{total:.2f} s one after the other (goal < 10 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
