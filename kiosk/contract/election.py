"""The election definition: contests, vote rules, ballot styles, tally rules, keys, nodes.

``parse_election(body)`` checks every field of an ``election.json`` body and either returns
a frozen :class:`Election` or raises :class:`ValidationError` listing each problem with the
exact path (``contests[3].options[1].id: ...``). It never raises anything else on any JSON
value, so it is safe on input from outside; the one exception is a body of ballot format 1
(a dealer's ``encryption_key_hex`` and ``trustees`` instead of the trustees' ``election_key``),
refused whole with :func:`format_1_refused` (a :class:`FormatError` saying what to do).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from kiosk.contract.canonical import canonical_bytes
from kiosk.contract.crypto.threshold import Announcement, Ceremony
from kiosk.contract.election_checks import (Checker, read_contests, read_election_key, read_nodes, read_styles,
                                            read_tally, short)
from kiosk.contract.election_types import (ID_PATTERN, LANGUAGES, MAX_GRADE, RULES, BallotStyle,  # noqa: F401
                                           BonusBand, Contest, Node, Option, Title)   # (re-exported)
from kiosk.contract.judging_rules import check_judging
from kiosk.errors import FormatError, ValidationError

ELECTION_FORMAT = "kiosk-election/1"
ELECTION_CONTEXT = "kiosk-election/1"
DEFAULT_PRIVACY_FLOOR = 10


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
    trustees_count: int
    trustees_threshold: int
    nodes: tuple[Node, ...]
    body: dict = field(repr=False, compare=False)
    # the body's ``election_key``: the dealerless ceremony and the ElGamal key it gives, both
    # re-checked from the trustees' announcements at parse
    ceremony: Ceremony
    election_public_key: bytes
    announcements: dict[int, Announcement] = field(repr=False, compare=False)
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


TOP_REQUIRED = {"format", "id", "title", "contests", "styles", "privacy_floor", "paper_record",
                "authority_key_hex", "nodes", "election_key"}   # election_key: the trustees' ceremony record
TOP_OPTIONAL = {"tally", "electorates", "selection", "receipt"}  # electorates, selection: judging_rules.py


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


def is_format_1(body: Any) -> bool:
    """True for an election body of ballot format 1: a dealer's SealedBox key, no trustees' ``election_key``."""
    return isinstance(body, dict) and "encryption_key_hex" in body and "election_key" not in body


def parse_election(body: Any) -> Election:
    """Validate an election body and return it parsed; ValidationError lists every problem.

    A format-1 body is refused whole (:func:`format_1_refused`): nothing here can read one.
    """
    if is_format_1(body):
        raise format_1_refused()
    c = Checker()
    top = c.obj(body, "", TOP_REQUIRED, TOP_OPTIONAL)
    if top is None:
        raise ValidationError("the election definition", c.problems)
    if "format" in top and top["format"] != ELECTION_FORMAT:
        c.fail("format", f"unknown format {short(top['format'])}; this version reads {ELECTION_FORMAT!r}")
    eid = c.ident(top.get("id"), "id")
    title = c.title(top.get("title"), "title")
    contests = read_contests(c, top.get("contests"))
    by_contest = {k.id: k for k in contests}
    styles = read_styles(c, top.get("styles"), by_contest)
    style_ids = {s.id for s in styles}
    for k_i, k in enumerate(contests):
        for o_i, o in enumerate(k.options):
            if o.proposed_by is not None and o.proposed_by not in style_ids:
                c.fail(f"contests[{k_i}].options[{o_i}].proposed_by",
                       f"names ballot style {o.proposed_by!r}, which does not exist")
    bands = read_tally(c, top.get("tally", {}))
    if bands and not any(o.proposed_by for k in contests for o in k.options):
        c.fail("tally.participation_bonus", "needs options with 'proposed_by' to give points to")
    floor = c.integer(top.get("privacy_floor"), "privacy_floor", 1, 1000)
    if not isinstance(top.get("paper_record"), bool):
        c.fail("paper_record", "must be true or false")
    if not isinstance(top.get("receipt", False), bool):
        c.fail("receipt", "must be true or false")
    auth = c.hex_key(top.get("authority_key_hex"), "authority_key_hex")
    ceremony = public = announcements = count = threshold = None
    key = read_election_key(c, top["election_key"], eid) if "election_key" in top else None
    if key is not None:
        ceremony, announcements, public = key
        count, threshold = ceremony.count, ceremony.threshold
    nodes = read_nodes(c, top.get("nodes"))
    judging = check_judging(c, top, contests, styles)
    if c.problems:
        raise ValidationError("the election definition", c.problems,
                              hint="fix the named fields and run the command again")
    return Election(id=eid, title=title, contests=tuple(contests), styles=tuple(styles),
                    bonus_bands=tuple(bands), privacy_floor=floor, paper_record=top["paper_record"],
                    authority_key_hex=auth, trustees_count=count,
                    trustees_threshold=threshold, nodes=tuple(nodes), body=body, ceremony=ceremony,
                    election_public_key=public, announcements=announcements,
                    judging=judging, receipt=top.get("receipt", False))


def bonus_points(bands: tuple[BonusBand, ...], participants: int) -> int:
    """Points of the first band (highest first) whose minimum the participation reaches."""
    for band in bands:
        if participants >= band.min_participants:
            return band.points
    return 0
