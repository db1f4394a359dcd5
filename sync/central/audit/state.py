"""The audit's folder: the plan, how many papers are drawn, and the audit boards' entries.

``plan.json`` is written once by ``audit plan`` (method, risk limit, seed, outcomes and their
assertions, the reported result, the manifest, the cast vote record files with their SHA-256);
``drawn.json`` holds the sample size drawn so far (the sample is always the first n labels of
the drawing order, so it only grows); ``records.jsonl`` is append-only, one line per entry of
one board member. A label counts once the latest entries of board 1 and board 2 agree.
The folder holds cast vote records' digests and the boards' readings: it is the audit board's,
not published until the audit ends (the report is).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import FormatError
from kiosk.files import read_input, write_atomic
from sync.central.audit.engine import Reading, STATUSES
from sync.central.audit.outcomes import Assertion, Beats, Paper, Threshold

PLAN_FORMAT = "kiosk-audit/1"
PLAN, DRAWN, RECORDS = "plan.json", "drawn.json", "records.jsonl"
BOARDS = (1, 2)


def assertion_to_json(a: Assertion) -> dict:
    if isinstance(a, Beats):
        return {"kind": "beats", "winner": a.winner, "loser": a.loser, "contests": sorted(a.contests),
                "offset": a.offset, "max_winner": a.max_winner, "max_loser": a.max_loser}
    return {"kind": "threshold", "option": a.option, "contest": a.contest, "share": a.share, "passes": a.passes}


def assertion_from_json(body: dict) -> Assertion:
    if body["kind"] == "beats":
        return Beats(body["winner"], body["loser"], frozenset(body["contests"]), body["offset"],
                     body["max_winner"], body["max_loser"])
    return Threshold(body["option"], body["contest"], body["share"], body["passes"])


def paper_to_json(p: Paper | None) -> dict | None:
    return None if p is None else {"shown": sorted(p.shown), "votes": dict(sorted(p.votes.items()))}


def paper_from_json(body: dict | None) -> Paper | None:
    return None if body is None else Paper(frozenset(body["shown"]), dict(body["votes"]))


@dataclass(frozen=True)
class Entry:
    """One board member's entry for one label."""

    label: str
    board: int
    status: str
    paper: Paper | None
    ballot_id_hex: str | None

    def same_reading(self, other: "Entry") -> bool:
        return (self.status, paper_to_json(self.paper), self.ballot_id_hex) == \
            (other.status, paper_to_json(other.paper), other.ballot_id_hex)

    def to_json(self) -> dict:
        return {"label": self.label, "board": self.board, "status": self.status,
                "paper": paper_to_json(self.paper), "ballot_id_hex": self.ballot_id_hex}


class AuditFolder:
    """Reading and writing one audit's folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def plan(self) -> dict:
        path = self.folder / PLAN
        if not path.is_file():
            raise FormatError(f"no audit plan in {self.folder} / 감사 계획이 없습니다",
                              hint="run kiosk-central audit plan first")
        body = json.loads(read_input(path, "the audit plan"))
        if body.get("format") != PLAN_FORMAT:
            raise FormatError(f"audit plan format {body.get('format')!r} is not {PLAN_FORMAT}")
        return body

    def write_plan(self, body: dict) -> None:
        if (self.folder / PLAN).exists():
            raise FormatError(f"{self.folder} already holds an audit plan: an audit is planned once",
                              hint="use a new folder for a new audit")
        write_atomic(self.folder / PLAN, (json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())

    def drawn(self) -> int:
        path = self.folder / DRAWN
        return json.loads(path.read_text())["drawn"] if path.is_file() else 0

    def set_drawn(self, n: int) -> None:
        write_atomic(self.folder / DRAWN, (json.dumps({"drawn": n}) + "\n").encode())

    def entries(self) -> list[Entry]:
        path = self.folder / RECORDS
        if not path.is_file():
            return []
        out = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            try:
                b = json.loads(line)
                out.append(Entry(b["label"], b["board"], b["status"], paper_from_json(b["paper"]), b["ballot_id_hex"]))
            except (ValueError, KeyError, TypeError) as e:
                raise FormatError(f"{path} line {number} is damaged ({e})",
                                  hint="restore the audit folder from its copy") from None
        return out

    def add_entry(self, entry: Entry) -> None:
        if entry.board not in BOARDS or entry.status not in STATUSES:
            raise ValueError("board 1 or 2, and a known status")
        with open(self.folder / RECORDS, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry.to_json(), ensure_ascii=False, sort_keys=True) + "\n")
            f.flush()


def agreed(entries: list[Entry]) -> tuple[dict[str, Reading], list[str]]:
    """Labels where both boards' latest entries agree, and the labels where they disagree."""
    latest: dict[tuple[str, int], Entry] = {}
    for e in entries:
        latest[(e.label, e.board)] = e
    readings, disagree = {}, []
    for label in sorted({e.label for e in entries}):
        one, two = latest.get((label, 1)), latest.get((label, 2))
        if one is None or two is None:
            continue
        if one.same_reading(two):
            readings[label] = Reading(label, one.status, one.paper)
        else:
            disagree.append(label)
    return readings, disagree
