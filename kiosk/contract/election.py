"""The election definition: contests, vote rules, ballot styles, tally rules, keys, nodes.

``parse_election(body)`` checks every field of an ``election.json`` body and either returns
a frozen :class:`Election` or raises :class:`ValidationError` listing each problem with the
exact path (``contests[3].options[1].id: ...``). It never raises anything else on any JSON
value, so it is safe on input from outside.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from kiosk.contract.canonical import canonical_bytes
from kiosk.contract.crypto.records import election_key_from_json
from kiosk.contract.crypto.threshold import Announcement, Ceremony
from kiosk.contract.judging_rules import check_judging
from kiosk.errors import FormatError, KioskError, ValidationError

ELECTION_FORMAT = "kiosk-election/1"
ELECTION_CONTEXT = "kiosk-election/1"
RULES = ("single", "approval", "score")
MAX_GRADE = 100  # a score contest grades each option min..max, at most 0..100
LANGUAGES = ("ko", "en")
ID_PATTERN = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,39}\Z")   # \Z: "$" would let "S01\n" through
DEFAULT_PRIVACY_FLOOR = 10


@dataclass(frozen=True)
class Title:
    """A name in Korean and English."""

    ko: str
    en: str

    def in_language(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


@dataclass(frozen=True)
class Option:
    id: str
    title: Title
    proposed_by: str | None = None  # the ballot style (community) whose proposal this is


@dataclass(frozen=True)
class Contest:
    id: str
    title: Title
    rule: str
    min: int
    max: int
    options: tuple[Option, ...]

    def option(self, option_id: str) -> Option | None:
        return self._options.get(option_id)

    @property
    def is_score(self) -> bool:
        """A score contest: each option gets a grade in min..max (0 = no grade, when min is 0)."""
        return self.rule == "score"

    @property
    def grades(self) -> tuple[int, ...]:
        """The grades a voter may give one option of a score contest, highest first (empty otherwise)."""
        return tuple(range(self.max, self.min - 1, -1)) if self.is_score else ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_options", {o.id: o for o in self.options})


@dataclass(frozen=True)
class BallotStyle:
    id: str
    title: Title
    contests: tuple[str, ...]
    exclude: frozenset[str] = frozenset()
    stations: frozenset[str] | None = None   # None: any station may accept it; else only these


@dataclass(frozen=True)
class BonusBand:
    min_participants: int
    points: int


@dataclass(frozen=True)
class Node:
    id: str
    url: str
    key_hex: str


@dataclass(frozen=True)
class Election:
    """A parsed, validated election definition (the body of ``election.json``)."""

    id: str
    title: Title
    contests: tuple[Contest, ...]
    styles: tuple[BallotStyle, ...]
    bonus_bands: tuple[BonusBand, ...]
    privacy_floor: int
    paper_record: bool
    authority_key_hex: str
    encryption_key_hex: str | None   # format 1's SealedBox key; None in format 2
    trustees_count: int
    trustees_threshold: int
    nodes: tuple[Node, ...]
    body: dict = field(repr=False, compare=False)
    # format 2 (the body carries ``election_key``): the dealerless ceremony and the ElGamal key it
    # gives, both re-checked from the announcements at parse; None for format 1
    ceremony: Ceremony | None = None
    election_public_key: bytes | None = None
    announcements: dict[int, Announcement] | None = field(default=None, repr=False, compare=False)
    judging: Any = field(default=None, repr=False, compare=False)  # judging_rules.JudgingRules, or None
    receipt: bool = False  # print the voter a receipt with the tracking code after the cast

    @cached_property
    def contest_floors(self) -> dict[str, int]:
        """Each contest's privacy floor *k*: the largest floor of the electorates whose ballot styles show it.

        An electorate may carry its own ``privacy_floor`` (docs/election-spec.md): the Ttabok
        representatives, one a community, grade each proposal on at most 11 ballots, where the members'
        likes fall on about 99. A style in no electorate, or in one without a floor of its own, counts
        with the election's ``privacy_floor``; so does a contest no style shows.
        """
        floor_of = {}
        for e in (self.judging.electorates if self.judging is not None else ()):
            for style_id in e.styles:
                floor_of[style_id] = e.privacy_floor or self.privacy_floor
        out = {}
        for c in self.contests:
            shown = [floor_of.get(s.id, self.privacy_floor) for s in self.styles if c.id in s.contests]
            out[c.id] = max(shown, default=self.privacy_floor)
        return out

    @property
    def lowest_floor(self) -> int:
        """The smallest floor of any contest: what a trustee's ``decrypt --floor`` is given."""
        return min(self.contest_floors.values(), default=self.privacy_floor)

    @property
    def ballot_format(self) -> int:
        """2 when ballots are ElGamal-encrypted to the ceremony's key, 1 for format 1's SealedBox."""
        return 1 if self.ceremony is None else 2

    @property
    def fingerprint(self) -> bytes:
        """SHA-256 of the canonical body: named by every token, card, log and batch."""
        return self._fingerprint

    @property
    def fingerprint_hex(self) -> str:
        return self.fingerprint.hex()

    @cached_property
    def tag(self) -> str:
        """Short election tag carried in tokens and cards: base32 of 5 fingerprint bytes."""
        return base64.b32encode(self.fingerprint[:5]).decode("ascii")

    def contest(self, contest_id: str) -> Contest | None:
        return self._contests.get(contest_id)

    def style(self, style_id: str) -> BallotStyle | None:
        return self._styles.get(style_id)

    def style_allowed(self, style_id: str, station: str) -> bool:
        """May ``station`` accept a ballot of ``style_id``? True unless the package binds the style
        to a list of stations (its optional ``stations``) without this one; False for an unknown style.
        Kiosks refuse such a token (``style_not_here``); nodes call this with the roster's station."""
        style = self._styles.get(style_id)
        return style is not None and (style.stations is None or station in style.stations)

    def __post_init__(self) -> None:
        # computed once: encoding a national election's body takes milliseconds, and every
        # token check and every minted token needs the fingerprint
        object.__setattr__(self, "_fingerprint", election_fingerprint(self.body))
        object.__setattr__(self, "_contests", {c.id: c for c in self.contests})
        object.__setattr__(self, "_styles", {s.id: s for s in self.styles})


def election_fingerprint(body: dict) -> bytes:
    """SHA-256 of the canonical bytes of an election body."""
    return hashlib.sha256(canonical_bytes(body)).digest()


class _Checker:
    """Collects (path, problem) pairs while reading an untrusted JSON value."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, path: str, text: str) -> None:
        self.problems.append((path, text))

    def obj(self, value: Any, path: str, required: set[str], optional: set[str] = frozenset()) -> dict | None:
        if not isinstance(value, dict):
            self.fail(path, f"must be an object, got {_kind(value)}")
            return None
        for key in sorted(required - set(value)):
            self.fail(f"{path}.{key}" if path else key, "is missing")
        for key in sorted(set(value) - required - set(optional)):
            self.fail(f"{path}.{key}" if path else key, "is not a known field (check the spelling)")
        return value

    def text(self, value: Any, path: str, max_len: int = 200) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(path, "must be non-empty text")
            return None
        if len(value) > max_len:
            self.fail(path, f"is longer than {max_len} characters")
            return None
        return value

    def ident(self, value: Any, path: str) -> str | None:
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.fail(path, "must be an id of 1-40 letters, digits, '_', '.' or '-', "
                            f"starting with a letter or digit, got {_short(value)}")
            return None
        return value

    def unique_ident(self, value: Any, path: str, seen: set, kind: str, why: str = "") -> str | None:
        """An id (as :meth:`ident`) not yet in ``seen``, which it joins; a repeat fails naming ``kind``."""
        ident = self.ident(value, path)
        if ident in seen:
            self.fail(path, f"{kind} id {ident!r} is used twice{why}")
        seen.add(ident)
        return ident

    def integer(self, value: Any, path: str, low: int, high: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"must be a whole number, got {_kind(value)}")
            return None
        if not low <= value <= high:
            self.fail(path, f"must be between {low} and {high}, got {value}")
            return None
        return value

    def title(self, value: Any, path: str) -> Title | None:
        d = self.obj(value, path, set(LANGUAGES))
        if d is None:
            return None
        ko, en = self.text(d.get("ko"), f"{path}.ko"), self.text(d.get("en"), f"{path}.en")
        return Title(ko, en) if ko and en else None

    def hex_key(self, value: Any, path: str) -> str | None:
        if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{64}", value):
            self.fail(path, "must be a 32-byte key in lowercase hex (64 characters)")
            return None
        return value

    def items(self, value: Any, path: str, min_len: int = 0, max_len: int = 100_000) -> list:
        if not isinstance(value, list):
            self.fail(path, f"must be a list, got {_kind(value)}")
            return []
        if not min_len <= len(value) <= max_len:
            self.fail(path, f"must have between {min_len} and {max_len} entries, has {len(value)}")
        return value[:max_len]


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false",
            int: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


TOP_REQUIRED = {"format", "id", "title", "contests", "styles", "privacy_floor", "paper_record",
                "authority_key_hex", "nodes"}
TOP_OPTIONAL = {"tally", "electorates", "selection", "receipt"}  # electorates, selection: judging_rules.py
FORMAT_1_KEYS = {"encryption_key_hex", "trustees"}   # format 1: a dealer's key and its split
FORMAT_2_KEYS = {"election_key"}                      # format 2: the ceremony's public record


FORMAT_1_PACKAGE = ("This election package is format 1, which this version no longer reads: its ballots were "
                    "sealed to one dealer's key (SealedBox) and counted by rebuilding that key from trustee shares")
FORMAT_1_PACKAGE_HINT = ("make the election again with `kiosk-central election init` (format 2: the trustees' own key "
                         "ceremony, ballots encrypted with proofs), mint and freeze its tokens, and provision the "
                         "kiosks from the new package")
FORMAT_1_PACKAGE_KO = ("이 선거 패키지는 형식 1입니다. 이 버전은 형식 1(한 곳에서 만든 키로 봉인한 투표지)을 더 이상 "
                       "읽지 않습니다",
                       "`kiosk-central election init`으로 선거를 다시 만들고(형식 2: 관리위원 각자의 키 생성, 증명이 붙은 "
                       "암호화 투표지), 토큰을 발행하고 동결한 뒤 새 패키지로 키오스크를 준비하세요")
FORMAT_1_BATCH = ("이 배치는 형식 1입니다. 이 버전은 읽지 않습니다: 키오스크 소프트웨어를 업데이트하고 형식 2 선거 패키지로 "
                  "다시 준비하세요 / This batch is format 1, which this version no longer reads: update the kiosk's "
                  "software and provision it from a format-2 election package")


def format_1_refused(where: str = "") -> FormatError:
    """The refusal of a format-1 election package (Korean and English: what it is, what to do)."""
    return FormatError(FORMAT_1_PACKAGE + (f" ({where})" if where else ""), FORMAT_1_PACKAGE_HINT,
                       korean=FORMAT_1_PACKAGE_KO)


def parse_election(body: Any) -> Election:
    """Validate an election body and return it parsed; ValidationError lists every problem."""
    c = _Checker()
    format_2 = isinstance(body, dict) and "election_key" in body
    top = c.obj(body, "", TOP_REQUIRED | (FORMAT_2_KEYS if format_2 else FORMAT_1_KEYS), TOP_OPTIONAL)
    if top is None:
        raise ValidationError("the election definition", c.problems)
    if "format" in top and top["format"] != ELECTION_FORMAT:
        c.fail("format", f"unknown format {_short(top['format'])}; this version reads {ELECTION_FORMAT!r}")
    eid = c.ident(top.get("id"), "id")
    title = c.title(top.get("title"), "title")
    contests = _contests(c, top.get("contests"))
    by_contest = {k.id: k for k in contests}
    styles = _styles(c, top.get("styles"), by_contest)
    style_ids = {s.id for s in styles}
    for k_i, k in enumerate(contests):
        for o_i, o in enumerate(k.options):
            if o.proposed_by is not None and o.proposed_by not in style_ids:
                c.fail(f"contests[{k_i}].options[{o_i}].proposed_by",
                       f"names ballot style {o.proposed_by!r}, which does not exist")
    bands = _tally(c, top.get("tally", {}))
    if bands and not any(o.proposed_by for k in contests for o in k.options):
        c.fail("tally.participation_bonus", "needs options with 'proposed_by' to give points to")
    floor = c.integer(top.get("privacy_floor"), "privacy_floor", 1, 1000)
    if not isinstance(top.get("paper_record"), bool):
        c.fail("paper_record", "must be true or false")
    if not isinstance(top.get("receipt", False), bool):
        c.fail("receipt", "must be true or false")
    auth = c.hex_key(top.get("authority_key_hex"), "authority_key_hex")
    enc = ceremony = public = announcements = None
    count = threshold = None
    if format_2:
        key = _election_key(c, top["election_key"], eid)
        if key is not None:
            ceremony, announcements, public = key
            count, threshold = ceremony.count, ceremony.threshold
    else:
        enc = c.hex_key(top.get("encryption_key_hex"), "encryption_key_hex")
        tr = c.obj(top.get("trustees"), "trustees", {"count", "threshold"})
        if tr is not None:
            count = c.integer(tr.get("count"), "trustees.count", 1, 32)
            threshold = c.integer(tr.get("threshold"), "trustees.threshold", 1, 32)
            if count and threshold and threshold > count:
                c.fail("trustees.threshold", f"must not exceed trustees.count ({count}), got {threshold}")
    nodes = _nodes(c, top.get("nodes"))
    judging = check_judging(c, top, contests, styles)
    if c.problems:
        raise ValidationError("the election definition", c.problems,
                              hint="fix the named fields and run the command again")
    return Election(id=eid, title=title, contests=tuple(contests), styles=tuple(styles),
                    bonus_bands=tuple(bands), privacy_floor=floor, paper_record=top["paper_record"],
                    authority_key_hex=auth, encryption_key_hex=enc, trustees_count=count,
                    trustees_threshold=threshold, nodes=tuple(nodes), body=body, ceremony=ceremony,
                    election_public_key=public, announcements=announcements,
                    judging=judging, receipt=top.get("receipt", False))


def _election_key(c: _Checker, value: Any, election_id: str | None):
    """(ceremony, announcements, public key) of a ``kiosk-election-key/1`` record, every proof re-checked."""
    try:
        ceremony, announcements, public = election_key_from_json(value)
    except KioskError as e:  # FormatError or ProofError naming the trustee and the check
        c.fail("election_key", str(e))
        return None
    if election_id is not None and ceremony.election != election_id:
        c.fail("election_key.ceremony.election", f"the trustees' ceremony is for election {_short(ceremony.election)}, "
                                                 f"not {election_id!r}: run it with --election-id {election_id}")
        return None
    return ceremony, announcements, public


def _contests(c: _Checker, value: Any) -> list[Contest]:
    out: list[Contest] = []
    seen: set[str] = set()
    seen_options: set[str] = set()
    for i, raw in enumerate(c.items(value, "contests", 1, 10_000)):
        path = f"contests[{i}]"
        d = c.obj(raw, path, {"id", "title", "rule", "options"}, {"min", "max"})
        if d is None:
            continue
        cid = c.unique_ident(d.get("id"), f"{path}.id", seen, "contest")
        title = c.title(d.get("title"), f"{path}.title")
        rule = d.get("rule")
        if rule not in RULES:
            c.fail(f"{path}.rule", f"must be one of {', '.join(RULES)}, got {_short(rule)}")
        options = []
        for j, raw_o in enumerate(c.items(d.get("options"), f"{path}.options", 1, 1000)):
            opath = f"{path}.options[{j}]"
            od = c.obj(raw_o, opath, {"id", "title"}, {"proposed_by"})
            if od is None:
                continue
            oid = c.unique_ident(od.get("id"), f"{opath}.id", seen_options, "option",
                                 " (option ids are unique in the election)")
            otitle = c.title(od.get("title"), f"{opath}.title")
            by = od.get("proposed_by")
            if by is not None:
                by = c.ident(by, f"{opath}.proposed_by")
            if oid and otitle:
                options.append(Option(oid, otitle, by))
        n = len(options)
        if rule == "score":  # min..max is the grade range of each option; min 0 lets a voter leave one ungraded
            low = c.integer(d.get("min", 1), f"{path}.min", 0, MAX_GRADE - 1)
            high = c.integer(d.get("max", 5), f"{path}.max", 1, MAX_GRADE)
        else:
            default_max = 1 if rule == "single" else max(n, 1)
            low = c.integer(d.get("min", 0), f"{path}.min", 0, 1000)
            high = c.integer(d.get("max", default_max), f"{path}.max", 1, 1000)
        if rule == "single" and high is not None and high != 1:
            c.fail(f"{path}.max", f"a 'single' contest allows exactly one choice, so max must be 1, got {high}")
        if low is not None and high is not None and (low > high or (rule == "score" and low == high)):
            c.fail(f"{path}.min", f"must be less than max ({high}), got {low}" if rule == "score"
                   else f"must not exceed max ({high}), got {low}")
        if rule != "score" and high is not None and n and high > n:
            c.fail(f"{path}.max", f"is more than the {n} options of the contest")
        if cid and title and rule in RULES and low is not None and high is not None:
            out.append(Contest(cid, title, rule, low, high, tuple(options)))
    return out


def _styles(c: _Checker, value: Any, contests: dict[str, Contest]) -> list[BallotStyle]:
    out: list[BallotStyle] = []
    seen: set[str] = set()
    for i, raw in enumerate(c.items(value, "styles", 1, 100_000)):
        path = f"styles[{i}]"
        d = c.obj(raw, path, {"id", "title", "contests"}, {"exclude", "stations"})
        if d is None:
            continue
        sid = c.unique_ident(d.get("id"), f"{path}.id", seen, "ballot style")
        title = c.title(d.get("title"), f"{path}.title")
        names = c.items(d.get("contests"), f"{path}.contests", 1, 1000)
        for j, name in enumerate(names):
            if not isinstance(name, str) or name not in contests:
                c.fail(f"{path}.contests[{j}]", f"names contest {_short(name)}, which does not exist")
        if len(set(map(str, names))) != len(names):
            c.fail(f"{path}.contests", "names a contest twice")
        shown = {o.id: k for n in names if isinstance(n, str) and n in contests
                 for k in [contests[n]] for o in k.options}
        exclude = c.items(d.get("exclude", []), f"{path}.exclude", 0, 1000)
        for j, oid in enumerate(exclude):
            if not isinstance(oid, str) or oid not in shown:
                c.fail(f"{path}.exclude[{j}]", f"names option {_short(oid)}, which is not on this ballot style")
        for n in names:
            k = contests.get(n) if isinstance(n, str) else None
            if k is None:
                continue
            left = sum(1 for o in k.options if o.id not in exclude)
            if left < k.min or left == 0:
                c.fail(f"{path}.exclude", f"leaves {left} options in contest {k.id!r}, "
                                          f"fewer than its min {k.min} or none at all")
        stations = _style_stations(c, d, path)
        if sid and title:
            out.append(BallotStyle(sid, title, tuple(n for n in names if isinstance(n, str)),
                                   frozenset(o for o in exclude if isinstance(o, str)), stations))
    return out


def _style_stations(c: _Checker, d: dict, path: str) -> frozenset[str] | None:
    """The optional ``stations`` of a style: the only stations that may accept it (absent: any)."""
    if "stations" not in d:
        return None
    names = c.items(d["stations"], f"{path}.stations", 1, 100_000)
    for j, name in enumerate(names):
        if not isinstance(name, str) or not ID_PATTERN.fullmatch(name):
            c.fail(f"{path}.stations[{j}]", f"must be a station id, got {_short(name)}")
    if len(set(map(str, names))) != len(names):
        c.fail(f"{path}.stations", "names a station twice")
    return frozenset(n for n in names if isinstance(n, str))


def _tally(c: _Checker, value: Any) -> list[BonusBand]:
    d = c.obj(value, "tally", set(), {"participation_bonus"})
    if d is None or "participation_bonus" not in d:
        return []
    pb = c.obj(d["participation_bonus"], "tally.participation_bonus", {"bands"})
    if pb is None:
        return []
    bands = []
    for i, raw in enumerate(c.items(pb.get("bands"), "tally.participation_bonus.bands", 1, 100)):
        path = f"tally.participation_bonus.bands[{i}]"
        b = c.obj(raw, path, {"min_participants", "points"})
        if b is None:
            continue
        low = c.integer(b.get("min_participants"), f"{path}.min_participants", 0, 1_000_000)
        pts = c.integer(b.get("points"), f"{path}.points", 0, 1_000_000)
        if low is not None and pts is not None:
            bands.append(BonusBand(low, pts))
    lows = [b.min_participants for b in bands]
    if bands and lows != sorted(lows, reverse=True):
        c.fail("tally.participation_bonus.bands", "must be listed from the highest min_participants down")
    if len(set(lows)) != len(lows):
        c.fail("tally.participation_bonus.bands", "two bands have the same min_participants")
    if bands and 0 not in lows:
        c.fail("tally.participation_bonus.bands", "needs a band with min_participants 0 (the lowest band)")
    return bands


def _nodes(c: _Checker, value: Any) -> list[Node]:
    out = []
    seen: set[str] = set()
    for i, raw in enumerate(c.items(value, "nodes", 0, 100)):
        path = f"nodes[{i}]"
        d = c.obj(raw, path, {"id", "url", "key_hex"})
        if d is None:
            continue
        nid = c.unique_ident(d.get("id"), f"{path}.id", seen, "node")
        url = d.get("url")
        if not isinstance(url, str) or not re.fullmatch(r"https?://[^\s]{1,200}", url):
            c.fail(f"{path}.url", f"must be an http:// or https:// address, got {_short(url)}")
            url = None
        key = c.hex_key(d.get("key_hex"), f"{path}.key_hex")
        if nid and url and key:
            out.append(Node(nid, url, key))
    return out


def bonus_points(bands: tuple[BonusBand, ...], participants: int) -> int:
    """Points of the first band (highest first) whose minimum the participation reaches."""
    for band in bands:
        if participants >= band.min_participants:
            return band.points
    return 0
