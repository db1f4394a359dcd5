"""The count without a key, as the trustees and central staff type it, on the demo's or the replay's nodes.

Used by ``kiosk demo`` (:mod:`kiosk.app.election_demo`) and the 2017 replay (``bench/replay/day.py``),
on the nodes' layout of :class:`kiosk.app.demo_nodes.Nodes` (``ROOT/nodes/N`` with the public
package in ``ROOT/nodes/N/election``) and the trustees' folders of
:func:`sync.central.ceremony_cli.run_ceremony`:

1. every node publishes its aggregates (``tally --aggregates``; the files are byte for byte equal
   on every node: the same counted ballots sum to the same ciphertexts whatever the order of
   arrival);
2. two trustees decrypt the first node's aggregates on their own machines (``trustee decrypt``,
   each with the secret in their own folder): no single ballot is ever decrypted;
3. every node combines the partial decryptions and checks their proofs (``tally --partials``);
4. every node verifies its store (``verify``);
5. the observer re-derives the results with nothing secret, from the exported record (``board
   export``, ``verify --from DIR``) and from a node's URL (``verify --from URL``), with the closing
   statements read back from the results tapes.
"""

from __future__ import annotations

import json
from pathlib import Path

from kiosk.app.cliutil import EXIT_OK, call
from sync.central.ceremony_cli import ELECTION_KEY, secret_path
from sync.central.cli import main as central

DECRYPTING = (1, 3)   # any two of the three trustees


class CountError(RuntimeError):
    """A step of the count did not go as a person would expect; the message names it."""


def _ok(*argv) -> str:
    code, out = call(central, *argv)
    if code != EXIT_OK:
        raise CountError(f"`kiosk-central {' '.join(str(a) for a in argv[:2])}` exited {code}: {out[-600:]}")
    return out


def count(root: Path, trustees: Path, nodes: list[str], observer_url: str, closings: Path, floor: int,
          decrypting: tuple[int, ...] = DECRYPTING) -> dict:
    """Steps 1 to 5 (see the module docstring) under ``root``; what each step found.

    ``tallies`` maps each node to (exit code, its ``tally --json`` report, its results.csv bytes);
    the results go to ``ROOT/results/N/``, the observer's reports to ``ROOT/observer*.json``.
    """
    root = Path(root)
    data = {n: root / "nodes" / n for n in nodes}
    aggregates = {}
    for n in nodes:
        _ok("tally", "--data", data[n], "--election", data[n] / "election", "--aggregates")
        aggregates[n] = (data[n] / "record-official" / "aggregates.json").read_bytes()
    partials = []
    for i in decrypting:
        out = Path(trustees) / f"trustee-{i}" / f"partial-{i}.json"
        _ok("trustee", "decrypt", "--secret", secret_path(trustees, i), "--election-key",
            Path(trustees) / ELECTION_KEY, "--aggregates", data[nodes[0]] / "record-official" / "aggregates.json",
            "--floor", floor, "--out", out)
        partials.append(out)
    tallies = {}
    for n in nodes:
        out = root / "results" / n
        code, text = call(central, "tally", "--data", data[n], "--election", data[n] / "election", "--partials",
                          *partials, "--out", out, "--json")
        report = json.loads(text) if text.strip().startswith("{") else {"ok": False}
        csv = (out / "results.csv").read_bytes() if (out / "results.csv").exists() else b""
        tallies[n] = (code, report, csv)
    verified = {n: call(central, "verify", "--data", data[n], "--election", data[n] / "election")[0] == EXIT_OK
                for n in nodes}
    record = root / "record"
    _ok("board", "export", "--data", data[nodes[-1]], "--election", data[nodes[-1]] / "election", "--out", record)
    from_dir, text = call(central, "verify", "--from", record, "--election", record / "election", "--closing",
                          closings, "--json")
    (root / "observer-record.json").write_text(text)
    from_url, text = call(central, "verify", "--from", observer_url, "--election", root / "public", "--closing",
                          closings, "--json")
    (root / "observer.json").write_text(text)
    derived = json.loads((root / "observer-record.json").read_text()).get("results")
    return {"tallies": tallies, "verified": verified, "partials": partials,
            "aggregates_equal_on_every_node": len(set(aggregates.values())) == 1,
            "observer_from_record_ok": from_dir == EXIT_OK, "observer_from_url_ok": from_url == EXIT_OK,
            "observer_results": derived}
