"""bench/national.py's whole code path at a tiny size, so that the script cannot rot.

Corpus (roll, kiosks' signed format-2 batches), roster, ingest through the node (proofs checked on
two workers), bare insert, the tally (aggregates, two trustees' partial decryptions, combination)
and its bound, on SQLite only. Nothing about speed is asserted: the
bench itself compares the tally with the corpus's ground truth (ballots per style, likes per
option) and fails when they differ; here the counts must equal the ballots generated.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_national_bench_tallies_every_generated_ballot(tmp_path, capsys):
    sys.path.insert(0, str(BENCH))
    try:
        import national
    finally:
        sys.path.remove(str(BENCH))
    assert national.main(["--ballots", "300", "--steps", "100", "300", "--db", "sqlite", "--per-kiosk", "100",
                          "--batch", "40", "--cache", str(tmp_path / "cache"), "--work", str(tmp_path),
                          "--verify", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [s["ballots"] for s in out["steps"]] == [100, 300]
    for step in out["steps"]:
        assert step["kiosks"] == step["ballots"] // 100
        assert step["batches"] == step["kiosks"] * 3  # 40 + 40 + 20, the last one closing the polls
        assert step["sqlite"]["tally_counted"] == step["ballots"]
        assert step["sqlite"]["tally_matches_truth"]
        assert step["sqlite"]["verify_per_s"] > 0  # verify passed (the bench raises otherwise)
    assert out["corpus"]["roll_entries"] >= 300
