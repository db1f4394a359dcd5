"""The replay's trustees for ballot format 2: the ceremony without a dealer, and the count without a key.

Every step is the command a trustee or central staff would type, each trustee in a folder of their
own (their "machine"); only announcements, sealed shares, the public election key, the aggregates
and the partial decryptions cross between folders.

- :func:`ceremony`: three trustees ``trustee keygen``, ``share``, ``accept``; anyone ``trustee
  check`` writes the public ``election-key.json``; the announcements' folder is what ``election init
  --trustees-from`` takes.
- :func:`count`: every node publishes its aggregates (``tally --aggregates``; the files must be byte
  for byte equal on every node: the same counted ballots sum to the same ciphertexts whatever the
  order of arrival); trustees 1 and 3 decrypt the first node's file on their own machines
  (``trustee decrypt``); every node combines them (``tally --partials``); every node verifies its
  store; the observer re-derives the results from the exported record (``board export``, ``verify
  --from DIR``) and from the node's URL (``verify --from URL``).
"""

from __future__ import annotations

import json
from pathlib import Path

from kiosk.app.cliutil import EXIT_OK, call
from sync.central.cli import main as central

TRUSTEES, THRESHOLD = 3, 2
DECRYPTING = (1, 3)   # any two of the three


def _ok(*argv) -> str:
    code, out = call(central, *argv)
    if code != EXIT_OK:
        raise RuntimeError(f"kiosk-central {' '.join(str(a) for a in argv[:2])} exited {code}: {out[-600:]}")
    return out


def ceremony(folder: Path, election_id: str) -> Path:
    """Run the whole ceremony under ``folder``; the folder of the published announcements."""
    public = folder / "public"
    public.mkdir(parents=True, exist_ok=True)
    for i in range(1, TRUSTEES + 1):
        _ok("trustee", "keygen", "--election-id", election_id, "--trustees", TRUSTEES, "--threshold", THRESHOLD,
            "--index", i, "--out", folder / f"trustee-{i}")
        name = f"trustee-{i}.announcement.json"
        (public / name).write_bytes((folder / f"trustee-{i}" / name).read_bytes())
    for i in range(1, TRUSTEES + 1):   # the sealed shares travel on a stick: one folder for all
        _ok("trustee", "share", "--secret", secret(folder, i), "--announcements", public, "--out", folder / "mail")
    for i in range(1, TRUSTEES + 1):
        _ok("trustee", "accept", "--secret", secret(folder, i), "--announcements", public, "--shares", folder / "mail")
    _ok("trustee", "check", "--election-id", election_id, "--trustees", TRUSTEES, "--threshold", THRESHOLD,
        "--announcements", public, "--out", folder / "election-key.json")
    return public


def secret(folder: Path, i: int) -> Path:
    """Trustee i's secret file (never leaves their folder)."""
    return folder / f"trustee-{i}" / f"trustee-{i}.secret.json"


def count(work: Path, trustees: Path, nodes: list[str], observer_url: str, closings: Path, floor: int) -> dict:
    """The count of format 2 on every node and by the observer (see the module docstring)."""
    aggregates = {}
    for n in nodes:
        data = work / "nodes" / n
        _ok("tally", "--data", data, "--election", data / "election", "--aggregates")
        aggregates[n] = (data / "record-official" / "aggregates.json").read_bytes()
    partials = []
    for i in DECRYPTING:
        out = trustees / f"trustee-{i}" / f"partial-{i}.json"
        _ok("trustee", "decrypt", "--secret", secret(trustees, i), "--election-key", trustees / "election-key.json",
            "--aggregates", work / "nodes" / nodes[0] / "record-official" / "aggregates.json", "--floor", floor,
            "--out", out)
        partials.append(out)
    tallies = {}
    for n in nodes:
        data, out = work / "nodes" / n, work / "results" / n
        code, text = call(central, "tally", "--data", data, "--election", data / "election", "--partials", *partials,
                          "--out", out, "--json")
        tallies[n] = (code, json.loads(text), (out / "results.csv").read_bytes())
    verified = {n: call(central, "verify", "--data", work / "nodes" / n, "--election",
                        work / "nodes" / n / "election")[0] == EXIT_OK for n in nodes}
    record = work / "record"
    _ok("board", "export", "--data", work / "nodes" / nodes[-1], "--election", work / "nodes" / nodes[-1] / "election",
        "--out", record)
    from_dir, text = call(central, "verify", "--from", record, "--election", record / "election", "--closing",
                          closings, "--json")
    (work / "observer-record.json").write_text(text)
    from_url, text = call(central, "verify", "--from", observer_url, "--election", work / "public", "--closing",
                          closings, "--json")
    (work / "observer.json").write_text(text)
    derived = json.loads((work / "observer-record.json").read_text()).get("results")
    return {"tallies": tallies, "verified": verified,
            "aggregates_equal_on_every_node": len(set(aggregates.values())) == 1,
            "observer_from_record_ok": from_dir == EXIT_OK, "observer_from_url_ok": from_url == EXIT_OK,
            "observer_results": derived}
