"""Board proof figures at millions of leaves, beside the raw SHA-256 rate in the same run.

Random 32-byte leaf hashes are held in memory as one bytes object per kept height and served
to :class:`kiosk.contract.proofs.TiledHashes` the way the node's store serves its board tables (heights
0, 8, 16, ...), so the figures are those of the proof code itself, not of SQLite. Measured:

- inclusion proofs per second (random leaves, tree of N) and consistency proofs per second
  (random older size to N), each verified once outside the timing;
- proof sizes in bytes (32 per hash; the JSON/base64 form is about 4/3 of it);
- SHA-256 of N 65-byte interior-node inputs (``hashlib``), the floor of building the tree.

Usage: .venv/bin/python bench/board_bench.py [--leaves N] [--proofs K]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.contract.proofs import (TILE_HEIGHT, TiledHashes, consistency_proof, fold_perfect, inclusion_proof,  # noqa: E402
                          verify_consistency, verify_inclusion)

H = 32


def build_levels(leaves: bytes, count: int) -> dict[int, bytes]:
    """The kept heights over ``count`` leaf hashes: each full tile of 256 folds into one above."""
    levels, height, below = {0: leaves}, 0, leaves
    while (count >> (height + TILE_HEIGHT)) > 0:
        n = len(below) // H // 256
        below = b"".join(fold_perfect([below[(t * 256 + i) * H:(t * 256 + i + 1) * H] for i in range(256)])
                         for t in range(n))
        height += TILE_HEIGHT
        levels[height] = below
    return levels


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--leaves", type=int, default=5_000_000)
    ap.add_argument("--proofs", type=int, default=2000)
    args = ap.parse_args()
    n, rng = args.leaves, random.Random(8)
    t = time.perf_counter()
    leaves = os.urandom(H * n)
    levels = build_levels(leaves, n)
    build_s = time.perf_counter() - t

    def read(height: int, start: int, end: int) -> list[bytes]:
        data = levels.get(height, b"")
        return [data[i * H:(i + 1) * H] for i in range(start, min(end, len(data) // H))]

    tiles = TiledHashes(read)
    root = tiles.subtree(0, n)

    def leaf(i: int) -> bytes:
        return leaves[i * H:(i + 1) * H]

    indexes = [rng.randrange(n) for _ in range(args.proofs)]
    t = time.perf_counter()
    inclusion = [inclusion_proof(i, n, tiles.subtree) for i in indexes]
    inc_rate = len(indexes) / (time.perf_counter() - t)
    assert all(verify_inclusion(leaf(i), i, n, p, root) for i, p in zip(indexes[:200], inclusion))
    olds = [rng.randrange(1, n) for _ in range(args.proofs)]
    t = time.perf_counter()
    consistency = [consistency_proof(m, n, tiles.subtree) for m in olds]
    con_rate = len(olds) / (time.perf_counter() - t)
    for m, p in list(zip(olds, consistency))[:50]:
        assert verify_consistency(m, n, tiles.subtree(0, m), root, p)
    payload = b"\x01" + bytes(64)
    t = time.perf_counter()
    for _ in range(n):
        hashlib.sha256(payload).digest()
    sha_rate = n / (time.perf_counter() - t)
    t = time.perf_counter()
    verified = sum(verify_inclusion(leaf(i), i, n, p, root) for i, p in zip(indexes, inclusion))
    ver_rate = verified / (time.perf_counter() - t)
    sizes_i = [len(p) * H for p in inclusion]
    sizes_c = [len(p) * H for p in consistency]
    print(f"leaves: {n:,} (random 32-byte leaf hashes; tiles built in {build_s:.1f} s)")
    print(f"inclusion proofs: {inc_rate:,.0f}/s generated, {ver_rate:,.0f}/s verified; "
          f"size median {statistics.median(sizes_i):.0f} B, max {max(sizes_i)} B")
    print(f"consistency proofs: {con_rate:,.0f}/s generated; size median {statistics.median(sizes_c):.0f} B, "
          f"max {max(sizes_c)} B")
    print(f"raw SHA-256 (65-byte node inputs): {sha_rate:,.0f} hashes/s; {n:,} of them take {n / sha_rate:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
