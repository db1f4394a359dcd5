"""What the dashboard shows, gathered from the store's own aggregates (no pass over every batch).

The store answers with one row per kiosk it heard from (:meth:`NodeStore.kiosk_activity`, computed
by the database) and the acknowledgements added since the last look (:class:`HourlyTurnout`
keeps the ballots per hour up to date from those alone); this module
joins them to the roster, says what is wrong at each station, and sorts, filters and pages the
stations (4,745 national kiosks fit in pages of :data:`PAGE_SIZE`). Problems come first:
a doubly used token, a rejected batch, a batch held for a gap, a station never heard from, one
silent for longer than :data:`SILENT_AFTER_S` while its polls are open.

A station "blocks the tally" while none of its kiosks has sent its closing batch (the tally refuses
open stations unless overridden). Double uses come from the node's signed records
(``DATA/double-uses/MODE/*.json``): one file per token caught, never a pass over the board.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

from kiosk.contract.ack import parse_ack
from kiosk.contract.double_use import RECORDS_DIR, read_record
from kiosk.contract.keys import VerifyKey
from kiosk.contract.tally_rules import turnout_withheld
from kiosk.contract.witness import board_origin
from kiosk.errors import KioskError
from sync.central.node import CentralNode
from sync.central.store import KioskActivity
from sync.central.witnessing import Witnessing

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
SILENT_AFTER_S = 60 * 60  # two of a kiosk's default sealing intervals (30 min): a batch was due
REJECTED_SHOWN = 50
BLOCKING_SHOWN = 20
REF_SHORT = 12  # hex characters of a token reference shown

# problems, worst first (the default order of the stations table); then the two plain states
PROBLEMS = ("double_use", "rejected", "held", "never", "silent")
FILTERS = ("all", "problems", *PROBLEMS, "open", "closed")
SORTS = ("problems", "station", "contact", "ballots")


@dataclass
class KioskLine:
    """One kiosk of a station: its key and what the store says of it (None: nothing)."""

    key_hex: str
    activity: KioskActivity | None
    held_numbers: list[int] = field(default_factory=list)  # read for the stations on the page only

    @property
    def fingerprint(self) -> str:
        """Made for the kiosks shown only: a key's check costs more than the rest of its row."""
        return fingerprint(self.key_hex)


@dataclass
class StationRow:
    """One station of the roster with its kiosks and what is wrong there (figures set once, then sorted)."""

    station: str
    kiosks: list[KioskLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    closed: bool = False               # a kiosk of the station sent its closing batch
    last_contact: int | None = None    # the latest of its kiosks'
    ballots: int = 0

    def rank(self) -> int:
        """Worst problem first, then open stations, then closed ones."""
        if self.problems:
            return PROBLEMS.index(self.problems[0])
        return len(PROBLEMS) + (1 if self.closed else 0)


@dataclass(frozen=True)
class Query:
    """The page asked for: ``?sort=…&show=…&q=…&page=…&per=…&refresh=1`` (unknown values fall back).

    The page reloads itself only when asked (``refresh=1``): a page that changes under a reader before
    they could stop it fails WCAG 2.2.1, so the reload is turned on, not off."""

    sort: str = "problems"
    show: str = "all"
    q: str = ""
    page: int = 1
    refresh: bool = False
    per_page: int = PAGE_SIZE

    @classmethod
    def from_params(cls, params) -> "Query":
        """Read the query string leniently: a bad value gives the default, never an error page."""
        def number(name: str, default: int, low: int, high: int) -> int:
            try:
                return max(low, min(int(params.get(name, default)), high))
            except ValueError:
                return default

        sort, show = params.get("sort", "problems"), params.get("show", "all")
        return cls(sort if sort in SORTS else "problems", show if show in FILTERS else "all",
                   params.get("q", "")[:40].strip(), number("page", 1, 1, 1_000_000), params.get("refresh", "0") == "1",
                   number("per", PAGE_SIZE, 10, MAX_PAGE_SIZE))


@dataclass
class View:
    """Everything the page shows."""

    node_id: str
    mode: str
    election_title: tuple[str, str]   # (Korean, English)
    now: float
    query: Query
    stations: list[StationRow]        # this page's stations, in the order asked for
    matching: int                     # stations matching the filter (all pages)
    pages: int
    counts: dict[str, int]            # stations per problem, and "open" / "closed" / "stations"
    blocking: list[str]               # stations still open (first BLOCKING_SHOWN), blocking the tally
    batches: int
    ballots: int
    tokens: int                       # tokens on the roll for this node's mode
    held: int
    per_hour: dict[int, int]
    double_uses: list[tuple[str, list[str]]]
    rejected: list[dict]
    board_size: int
    cosigned: dict
    other_nodes: list[str]
    witnessed: dict[str, int | None] = field(default_factory=dict)  # other node -> size this node last cosigned
    by_style: list[tuple[str, str, int | None, int]] = field(default_factory=list)  # style_rows
    privacy_floor: int = 1


def fingerprint(key_hex: str) -> str:
    """A kiosk key's short fingerprint (the key's start if it is not a key)."""
    try:
        return VerifyKey.from_hex(key_hex).fingerprint
    except KioskError:
        return key_hex[:16]


def utc_offset_s(t: float) -> int:
    """Seconds east of UTC of the local clock at ``t`` (the hours of the chart are local hours)."""
    return time.localtime(t).tm_gmtoff


class HourlyTurnout:
    """Ballots accepted per hour of this node's clock, kept up to date from the acknowledgements added
    since the last look (the first look reads them all; later ones only the new ones).

    Each accepted batch counts once, at its latest acknowledgement that delivered it: a batch the
    kiosk sent again moves to the hour of the resend, as the per-batch figures did before.
    """

    def __init__(self) -> None:
        self.after_id = 0
        self.batches: dict[tuple[str, int], tuple[int, int]] = {}   # (kiosk, number) -> (hour, ballots)
        self.hours: dict[int, int] = {}
        self.offset_s: int | None = None

    def update(self, store, offset_s: int) -> dict[int, int]:
        """The figures with every acknowledgement the store holds now (hours ``offset_s`` east of UTC)."""
        if offset_s != self.offset_s:  # a new local offset (daylight saving): count again from the start
            self.__init__()
            self.offset_s = offset_s
        for row_id, kiosk, number, at, count in store.deliveries_after(self.after_id):
            self.after_id = max(self.after_id, row_id)
            hour = (at + offset_s) // 3600 * 3600 - offset_s
            old = self.batches.get((kiosk, number))
            if old is not None:
                self.hours[old[0]] -= old[1]
            self.batches[(kiosk, number)] = (hour, count)
            self.hours[hour] = self.hours.get(hour, 0) + count
        return {h: n for h, n in self.hours.items() if n}


class StyleTurnout:
    """Ballots on the board per ballot style, kept up to date from the leaves added since the last look
    (the board only grows: each look counts the new positions only, by the primary key)."""

    def __init__(self) -> None:
        self.size = 0
        self.ballots: dict[str, int] = {}

    def update(self, store, size: int) -> dict[str, int]:
        """The figures for the board's first ``size`` leaves."""
        for style, n in store.styles_between(self.size, size).items():
            self.ballots[style] = self.ballots.get(style, 0) + n
        self.size = max(self.size, size)
        return dict(self.ballots)


def style_rows(node: CentralNode, ballots: dict[str, int],
               tokens: dict[str, int]) -> list[tuple[str, str, int | None, int]]:
    """(title ko, title en, ballots or None when withheld, tokens on the roll) per ballot style of the
    election, as the results tape shows participation: a style with some ballots but fewer than k is
    withheld (:func:`turnout_withheld`); one with none shows 0."""
    k, rows = node.election.privacy_floor, []
    for style in node.election.styles:
        n = ballots.get(style.id, 0)
        rows.append((style.title.ko, style.title.en, None if turnout_withheld(n, k) else n, tokens.get(style.id, 0)))
    return rows


def witnessed(node: CentralNode, witnessing: Witnessing) -> dict[str, int | None]:
    """For each other node of the package: the tree size of its board this node last cosigned (None: never)."""
    out = {}
    for n in node.election.nodes:
        if n.id != node.node_id:
            last = witnessing.store.last(board_origin(node.election.fingerprint_hex, node.mode, n.id))
            out[n.id] = last.size if last else None
    return out


def double_uses(node: CentralNode, station_of: dict[str, str]) -> list[tuple[str, list[str]]]:
    """(token reference short form, stations) of every double use this node caught and signed."""
    out = []
    for path in sorted((node.data_dir / RECORDS_DIR / node.mode).glob("*.json")):
        try:
            body = read_record(path, node.key.verify_key)
        except KioskError:
            continue  # not a record of this node's: nothing to show for it
        where = sorted({station_of.get(b["kiosk_key_hex"], "?") for b in body["ballots"]})
        out.append((body["token_ref_hex"][:REF_SHORT], where))
    return out


def rejected(node: CentralNode, activity: list[KioskActivity], station_of: dict[str, str]) -> list[dict]:
    """The latest rejected batches (of the kiosks the store counted any for): station, kiosk, batch,
    reason code and detail, node time; newest first, at most :data:`REJECTED_SHOWN`."""
    out = []
    for a in activity:
        for data in node.store.rejected_acks(a.kiosk_key_hex) if a.rejected else ():
            ack = parse_ack(data, None)
            out.append({"station": station_of.get(a.kiosk_key_hex, "?"), "kiosk": fingerprint(a.kiosk_key_hex),
                        "batch": ack.batch.number, "reason": ack.reason or "", "detail": ack.detail, "time": ack.time})
    return sorted(out, key=lambda r: -r["time"])[:REJECTED_SHOWN]


def station_rows(node: CentralNode, activity: list[KioskActivity], doubles: list[tuple[str, list[str]]],
                 now: float) -> list[StationRow]:
    """Every roster station (and any kiosk heard from that is not on it, under "?") with its problems."""
    by_key = {a.kiosk_key_hex: a for a in activity}
    rows: dict[str, StationRow] = {s: StationRow(s) for s in node.roster.stations}
    listed = set()
    for k in node.roster.kiosks:
        rows.setdefault(k.station, StationRow(k.station)).kiosks.append(
            KioskLine(k.kiosk_key_hex, by_key.get(k.kiosk_key_hex)))
        listed.add(k.kiosk_key_hex)
    for key, a in by_key.items():
        if key not in listed:
            rows.setdefault("?", StationRow("?")).kiosks.append(KioskLine(key, a))
    doubled = {s for _, where in doubles for s in where}
    for row in rows.values():
        heard = [k.activity for k in row.kiosks if k.activity]
        row.closed = any(a.closed for a in heard)
        row.last_contact = max((a.last_contact for a in heard if a.last_contact is not None), default=None)
        row.ballots = sum(a.ballots for a in heard)
        found = {"double_use": row.station in doubled,
                 "rejected": any(a.rejected for a in heard),
                 "held": any(a.held for a in heard),
                 "never": not heard,
                 "silent": bool(heard) and not row.closed and now - (row.last_contact or 0) > SILENT_AFTER_S}
        row.problems = [p for p in PROBLEMS if found[p]]
    return list(rows.values())


def _keep(row: StationRow, query: Query) -> bool:
    if query.q and query.q.lower() not in row.station.lower():
        return False
    show = query.show
    if show == "all":
        return True
    if show == "problems":
        return bool(row.problems)
    if show in ("open", "closed"):
        return row.closed == (show == "closed")
    return show in row.problems


_ORDER = {
    "problems": lambda r: (r.rank(), r.station),
    "station": lambda r: r.station,
    "contact": lambda r: (r.last_contact is not None, r.last_contact or 0, r.station),  # never, then oldest
    "ballots": lambda r: (-r.ballots, r.station),
}


def build_view(node: CentralNode, witnessing: Witnessing, query: Query, tokens: int,
               turnout: HourlyTurnout | None = None, styles: StyleTurnout | None = None,
               tokens_by_style: dict[str, int] | None = None) -> View:
    """The page's figures for ``query``: the store's aggregates, the roster, the signed records."""
    now = node.clock()
    activity = node.store.kiosk_activity()
    station_of = {k.kiosk_key_hex: k.station for k in node.roster.kiosks}
    doubles = double_uses(node, station_of)
    rows = station_rows(node, activity, doubles, now)
    counts = {p: sum(1 for r in rows if p in r.problems) for p in PROBLEMS}
    counts |= {"stations": len(rows), "closed": sum(1 for r in rows if r.closed)}
    counts["open"] = counts["stations"] - counts["closed"]
    counts["problems"] = sum(1 for r in rows if r.problems)
    chosen = sorted((r for r in rows if _keep(r, query)), key=_ORDER[query.sort])
    per = query.per_page
    pages = max(1, -(-len(chosen) // per))
    page = min(query.page, pages)
    blocking = sorted(r.station for r in rows if not r.closed)[:BLOCKING_SHOWN]
    shown = chosen[(page - 1) * per: page * per]
    for line in (k for r in shown for k in r.kiosks if k.activity and k.activity.held):
        line.held_numbers = node.store.held_numbers(line.key_hex)
    size, _ = node.store.checkpoint()
    title = node.election.title
    per_hour = (turnout or HourlyTurnout()).update(node.store, utc_offset_s(now))
    return View(node.node_id, node.mode, (title.ko, title.en), now, dataclasses.replace(query, page=page),
                shown, len(chosen), pages, counts, blocking, sum(a.last_batch for a in activity), size, tokens,
                sum(a.held for a in activity), per_hour, doubles, rejected(node, activity, station_of), size,
                witnessing.cosigned(), [n.id for n in node.election.nodes if n.id != node.node_id],
                witnessed(node, witnessing),
                style_rows(node, (styles or StyleTurnout()).update(node.store, size), tokens_by_style or {}),
                node.election.privacy_floor)

