"""The ballot manifest: which boxes of paper exist, and how many papers each holds. Pure.

Built from what already exists: each kiosk's signed closing statement (its ballots cast, read
from the results tape's QR or the closing batch) and the poll workers' count of the papers in
each box (``--papers STATION[/BOX]=N``, the number written on the box at closing). A box's papers
are numbered from 1 in the order they lie; a polling audit draws positions. Where the count of
papers and the ballots cast differ, the manifest says so and the audit takes the larger number:
a drawn position with no paper is a missing paper, counted against the reported outcome
(Arlo's and SHANGRLA's rule for phantoms).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from kiosk.contract.closing import ClosingStatement
from kiosk.errors import FormatError

_COUNT = re.compile(r"([A-Za-z0-9_.-]{1,64})(?:/([A-Za-z0-9_.-]{1,64}))?=([0-9]{1,9})")
DEFAULT_BOX = "1"


@dataclass(frozen=True)
class Box:
    """One container of paper records at one station."""

    station: str
    box: str
    papers: int

    def labels(self, positions: int) -> list[str]:
        """``station/box/position`` for positions 1..``positions``."""
        return [f"{self.station}/{self.box}/{i}" for i in range(1, positions + 1)]


@dataclass(frozen=True)
class Manifest:
    """Boxes per station, the ballots the kiosks reported, and what does not agree."""

    boxes: tuple[Box, ...]
    ballots: dict[str, int]             # station -> ballots cast (closing statements)
    problems: tuple[str, ...]

    def positions(self, station: str) -> int:
        """How many positions of this station the audit may draw: the larger of papers and ballots."""
        papers = sum(b.papers for b in self.boxes if b.station == station)
        return max(papers, self.ballots.get(station, 0))

    def labels(self) -> list[str]:
        """Every position that can be drawn; a station's surplus positions go into its last box."""
        out: list[str] = []
        for station in sorted({b.station for b in self.boxes} | set(self.ballots)):
            boxes = [b for b in self.boxes if b.station == station] or [Box(station, DEFAULT_BOX, 0)]
            surplus = self.positions(station) - sum(b.papers for b in boxes)
            for i, box in enumerate(boxes):
                out += box.labels(box.papers + (surplus if i == len(boxes) - 1 else 0))
        return out

    def has_paper(self, label: str) -> bool:
        """False for a position beyond the box's count of papers (a phantom: missing by definition)."""
        station, box, position = label.rsplit("/", 2)
        return any(b.station == station and b.box == box and int(position) <= b.papers for b in self.boxes)

    def to_json(self) -> dict:
        return {"boxes": [b.__dict__ for b in self.boxes], "ballots": self.ballots, "problems": list(self.problems)}

    @classmethod
    def from_json(cls, body: dict) -> "Manifest":
        return cls(tuple(Box(**b) for b in body["boxes"]), dict(body["ballots"]), tuple(body["problems"]))


def parse_paper_counts(texts: list[str]) -> dict[tuple[str, str], int]:
    """``STATION[/BOX]=N`` entries as {(station, box): papers}; FormatError names a bad one."""
    out: dict[tuple[str, str], int] = {}
    for text in texts:
        match = _COUNT.fullmatch(text)
        if match is None:
            raise FormatError(f"paper count {text!r} is not STATION=N or STATION/BOX=N (digits only) / "
                              "용지 수는 STATION=N 형식으로 적어 주세요")
        key = (match.group(1), match.group(2) or DEFAULT_BOX)
        if key in out:
            raise FormatError(f"paper count for {key[0]}/{key[1]} given twice")
        out[key] = int(match.group(3))
    return out


def build_manifest(statements: list[ClosingStatement], papers: dict[tuple[str, str], int]) -> Manifest:
    """The manifest of the stations whose closing statements are given, with every discrepancy named."""
    ballots: dict[str, int] = defaultdict(int)
    for s in statements:
        ballots[s["station"]] += s["ballots"]
    problems = []
    counted = defaultdict(int)
    for (station, _), n in papers.items():
        counted[station] += n
    for station in sorted(set(ballots) | set(counted)):
        if station not in counted:
            problems.append(f"station {station}: no count of papers (count the box, give --papers {station}=N); "
                            f"its {ballots[station]} ballots count as missing papers until then")
        elif station not in ballots:
            problems.append(f"station {station}: {counted[station]} papers but no closing statement")
        elif counted[station] != ballots[station]:
            problems.append(f"station {station}: {counted[station]} papers in the boxes, {ballots[station]} ballots "
                            f"on the closing statements")
    boxes = tuple(Box(station, box, n) for (station, box), n in sorted(papers.items()))
    return Manifest(boxes, dict(ballots), tuple(problems))
