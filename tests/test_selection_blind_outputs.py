"""Nothing that leaves a cast varies with the selection (issue 21: "a test that casts every selection
pattern of a style and finds the operator log, the printer bytes' length and the outbox identical
in everything but random ids").

Every pattern of the apartment example's owner style (21: a blank or one of two for chair, none to
two of three works) is cast on one real station through the booth's own port, a paper record
printed to a file printer first. Per ballot: the operator log lines, the printer bytes' length, the
signed log's new entries and the sealed ballot in the outbox have one shape, where a shape keeps
every text and number and replaces only hex and base64 (random ids, signatures, ciphertexts) by
their length.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from pathlib import Path

import pytest

from storehelp import NOW

from kiosk.app.port import StationPort
from kiosk.app.printing import open_printer
from kiosk.contract.minting import mint_tokens
from ceremonyhelp import format2_package
from kiosk.contract.spec import read_spec
from kiosk.station.polls import close_polls, open_polls
from kiosk.station.provisioning import provision
from kiosk.station.station import Station

ROOT = Path(__file__).resolve().parents[1]
OPAQUE = re.compile(r"[0-9a-f]{16,}|[A-Za-z0-9_-]{22,}={0,2}")


def shape(value):
    """``value`` with every hex or base64 text replaced by its length (and nothing else changed)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    if isinstance(value, str) and OPAQUE.fullmatch(value):
        return f"<{len(value)}>"
    return value


def owner_patterns(election) -> list[dict]:
    style = election.style("owner")
    per_contest = []
    for contest_id in style.contests:
        contest = election.contest(contest_id)
        ids = [o.id for o in contest.options if o.id not in style.exclude]
        per_contest.append([(contest_id, list(c)) for n in range(contest.min, contest.max + 1)
                            for c in itertools.combinations(ids, n)])
    return [dict(combo) for combo in itertools.product(*per_contest)]


@pytest.mark.parametrize("receipt", [False, True])
def test_every_owner_pattern_leaves_the_same_traces(tmp_path, caplog, receipt):
    """With a receipt asked for, each voter's paper also carries the tracking code: still one size."""
    spec = read_spec(ROOT / "docs/examples/apartment.toml")
    if receipt:
        spec["receipt"] = True
    package = format2_package(tmp_path / "e", spec)[0]
    election = package.election
    patterns = owner_patterns(election)
    assert len(patterns) == 21
    tokens = [t.payload for t in mint_tokens(package, [("owner", len(patterns) + 1)], "test")]
    roll = package.roll()
    roll.freeze(package.authority_key())
    roll.close()
    provision(tmp_path / "e", "S01", tmp_path / "s", NOW, seal_interval_s=0)
    paper = tmp_path / "printer.escpos"
    traces = []
    with Station.open(tmp_path / "s") as station:
        open_polls(station, NOW)
        port = StationPort(station, open_printer(f"file:{paper}"), clock=lambda: NOW + 60)
        # the first voter opens the printer's port (a log line of its own): cast pattern 0 once first
        for payload, selections in zip(tokens, [patterns[0], *patterns]):
            before_bytes = paper.stat().st_size if paper.exists() else 0
            before_seq = max((e.seq for e in station.store.events()), default=0)
            caplog.clear()
            with caplog.at_level(logging.DEBUG):
                printed = port.print_paper_record(payload, "owner", selections, "ko")
                done = port.cast(payload, "owner", selections, printed.ballot_id)
            assert type(done).__name__ == "CastDone", done
            entries = [(e.kind, shape(e.fields())) for e in station.store.events() if e.seq > before_seq]
            traces.append({"code": done.tracking_code, "log": [r.getMessage() for r in caplog.records],
                           "printer_bytes": paper.stat().st_size - before_bytes, "events": entries})
        close_polls(station, NOW + 600)
    traces = traces[1:]
    assert traces[0]["printer_bytes"] > 0
    printed = paper.read_bytes()
    assert all((t["code"].encode() in printed) == receipt for t in traces)   # the receipt carries the code
    # a cast that completed a batch of k = 10 also logs the sealing: compare like with like
    sealing = [t for t in traces if any(kind == "batch_sealed" for kind, _ in t["events"])]
    plain = [t for t in traces if t not in sealing]
    assert len(sealing) == 2 and len(plain) == 19
    for group in (plain, sealing):
        for trace in group[1:]:
            assert trace["log"] == group[0]["log"]
            assert trace["printer_bytes"] == group[0]["printer_bytes"] == traces[0]["printer_bytes"]
            assert [kind for kind, _ in trace["events"]] == [kind for kind, _ in group[0]["events"]]
    assert all("ballot_cast" in [kind for kind, _ in t["events"]] for t in traces)
    sealed = []
    for path in sorted((tmp_path / "s" / "outbox" / "test").glob("batch-*.json")):
        sealed += json.loads(path.read_text())["ballots"]
    assert len(sealed) == len(patterns) + 1
    assert len({json.dumps(shape(b), sort_keys=True) for b in sealed}) == 1   # one shape for every choice
    assert len({len(json.dumps(b, sort_keys=True)) for b in sealed}) == 1     # and one length
