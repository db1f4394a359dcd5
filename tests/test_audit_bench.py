"""bench/audit_sim.py runs (two trials) and its figures have the shape docs/audit.md quotes."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "audit_sim.py"


def test_audit_simulation_runs_and_says_what_docs_quote():
    spec = importlib.util.spec_from_file_location("audit_sim", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert module.main(["--trials", "2", "--json", "--cap", "0.5"]) == 0
    figures = json.loads(out.getvalue())
    assert "tie at place 200" in figures["ttabok_replay_top_200"]["not_auditable"][0]
    assert figures["national_wide_52_46_polling_right"]["stopped"] == 2
    assert figures["national_close_comparison_right"]["median_papers"] < 1000
    assert figures["national_close_comparison_1pct_flipped"]["trials"] == 2


def test_the_d_sweep_behind_the_audit_constants_runs():
    spec = importlib.util.spec_from_file_location("audit_sim", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert module.main(["--d-sweep", "--trials", "2", "--json"]) == 0
    rows = json.loads(out.getvalue())
    assert set(rows) == {"100", "1000", "10000", "bravo_asn_52_46"}
    # with right records every value is the same constant: d = 100 sinks the bet, d = 10,000 does not
    assert rows["100"]["comparison_49.9_48.1_median_papers"] > 2 * rows["10000"]["comparison_49.9_48.1_median_papers"]
