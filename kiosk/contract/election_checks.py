"""Reading an untrusted election body field by field: every problem named with its exact path (pure).

:class:`Checker` collects ``(path, problem)`` pairs (``contests[3].options[1].id: ...``) while the
readers below take the body's parts apart; :func:`kiosk.contract.election.parse_election` runs
them and raises one :class:`~kiosk.errors.ValidationError` listing them all. The judging fields
are :func:`kiosk.contract.judging_rules.check_judging`'s, on the same checker.
"""

from __future__ import annotations

import re
from typing import Any

from kiosk.contract.crypto.records import election_key_from_json
from kiosk.contract.election_types import (ID_PATTERN, LANGUAGES, MAX_GRADE, RULES, BallotStyle, BonusBand, Contest,
                                           Node, Option, Title)
from kiosk.errors import KioskError


class Checker:
    """Collects (path, problem) pairs while reading an untrusted JSON value."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, path: str, text: str) -> None:
        self.problems.append((path, text))

    def obj(self, value: Any, path: str, required: set[str], optional: set[str] = frozenset()) -> dict | None:
        if not isinstance(value, dict):
            self.fail(path, f"must be an object, got {kind(value)}")
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
                            f"starting with a letter or digit, got {short(value)}")
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
            self.fail(path, f"must be a whole number, got {kind(value)}")
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
            self.fail(path, f"must be a list, got {kind(value)}")
            return []
        if not min_len <= len(value) <= max_len:
            self.fail(path, f"must have between {min_len} and {max_len} entries, has {len(value)}")
        return value[:max_len]


def kind(value: Any) -> str:
    """What a JSON value is, in words (for a problem's text)."""
    return {dict: "an object", list: "a list", str: "text", bool: "true/false",
            int: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def short(value: Any) -> str:
    """A value's repr cut to 40 characters (a problem never quotes a whole untrusted value)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def read_election_key(c: Checker, value: Any, election_id: str | None):
    """(ceremony, announcements, public key) of a ``kiosk-election-key/1`` record, every proof re-checked."""
    try:
        ceremony, announcements, public = election_key_from_json(value)
    except KioskError as e:  # FormatError or ProofError naming the trustee and the check
        c.fail("election_key", str(e))
        return None
    if election_id is not None and ceremony.election != election_id:
        c.fail("election_key.ceremony.election", f"the trustees' ceremony is for election {short(ceremony.election)}, "
                                                 f"not {election_id!r}: run it with --election-id {election_id}")
        return None
    return ceremony, announcements, public


def read_contests(c: Checker, value: Any) -> list[Contest]:
    """The ``contests`` list: ids unique (options too, in the whole election), rules and their min..max."""
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
            c.fail(f"{path}.rule", f"must be one of {', '.join(RULES)}, got {short(rule)}")
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


def read_styles(c: Checker, value: Any, contests: dict[str, Contest]) -> list[BallotStyle]:
    """The ``styles`` list: each names existing contests, excludes only options it shows, may bind stations."""
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
                c.fail(f"{path}.contests[{j}]", f"names contest {short(name)}, which does not exist")
        if len(set(map(str, names))) != len(names):
            c.fail(f"{path}.contests", "names a contest twice")
        shown = {o.id: k for n in names if isinstance(n, str) and n in contests
                 for k in [contests[n]] for o in k.options}
        exclude = c.items(d.get("exclude", []), f"{path}.exclude", 0, 1000)
        for j, oid in enumerate(exclude):
            if not isinstance(oid, str) or oid not in shown:
                c.fail(f"{path}.exclude[{j}]", f"names option {short(oid)}, which is not on this ballot style")
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


def _style_stations(c: Checker, d: dict, path: str) -> frozenset[str] | None:
    """The optional ``stations`` of a style: the only stations that may accept it (absent: any)."""
    if "stations" not in d:
        return None
    names = c.items(d["stations"], f"{path}.stations", 1, 100_000)
    for j, name in enumerate(names):
        if not isinstance(name, str) or not ID_PATTERN.fullmatch(name):
            c.fail(f"{path}.stations[{j}]", f"must be a station id, got {short(name)}")
    if len(set(map(str, names))) != len(names):
        c.fail(f"{path}.stations", "names a station twice")
    return frozenset(n for n in names if isinstance(n, str))


def read_tally(c: Checker, value: Any) -> list[BonusBand]:
    """The optional ``tally.participation_bonus`` bands, highest ``min_participants`` first, down to 0."""
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


def read_nodes(c: Checker, value: Any) -> list[Node]:
    """The ``nodes`` list: unique ids, http(s) addresses, 32-byte keys."""
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
            c.fail(f"{path}.url", f"must be an http:// or https:// address, got {short(url)}")
            url = None
        key = c.hex_key(d.get("key_hex"), f"{path}.key_hex")
        if nid and url and key:
            out.append(Node(nid, url, key))
    return out
