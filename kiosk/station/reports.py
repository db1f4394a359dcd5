"""The poll workers' reports as pure models: zero report, pause/resume slips, results tape.

A report is a title and a list of blocks (heading, line, label/value pair, QR payload,
rule) in one language; the printer adapter and the screen each render the same model.
Selection counts of any slice with fewer than *k* ballots (the privacy floor) are withheld,
never printed; turnout counts show no selection and are printed. Every contest on the
results tape carries the check *selections + unused = ballots × allowed*.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Union

from kiosk.contract.closing_parts import tape_codes
from kiosk.contract.election import Election
from kiosk.contract.paper_qr import paper_qr
from kiosk.contract.tally_rules import Count, counts_shown, turnout_withheld
from kiosk.words import catalogue, word


@dataclass(frozen=True)
class Heading:
    text: str
    size: int = 1   # 2: double width and height (a receipt's tracking code)


@dataclass(frozen=True)
class Line:
    text: str


@dataclass(frozen=True)
class Pair:
    label: str
    value: str


@dataclass(frozen=True)
class Code:
    """A QR code of ``payload`` with a caption."""

    payload: str
    caption: str


@dataclass(frozen=True)
class Slot:
    """A line of fixed size: printed as large as the longest of ``reserve`` whatever ``text`` is
    ("" is a blank slot), so a paper record's size does not tell the choice."""

    text: str
    reserve: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    pass


Block = Union[Heading, Line, Pair, Code, Slot, Rule]
PRIVATE_KINDS = frozenset({"paper_record", "spoiled", "checked", "receipt"})  # one per voter: no log line, no size


@dataclass(frozen=True)
class Report:
    kind: str
    language: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class StationFacts:
    """What every report names about the station (supplied by the store and the config)."""

    election: Election
    station: str
    mode: str
    kiosk_fingerprint: str
    software_hash: str
    roll_root_hex: str
    log_head_seq: int
    log_head_hex: str
    state_changed_at: int          # Unix seconds of the step the report is about
    printed_at: int
    reprint: bool = False


@dataclass(frozen=True)
class ContestCount:
    """Counts of one contest at a station (computed from the ballot box)."""

    contest: str
    ballots: int
    allowed: int
    by_option: dict = field(default_factory=dict)
    shown: bool = True    # the privacy floor allows the option counts (kiosk.contract.tally_rules.counts_shown)

    @property
    def selections(self) -> int:
        return sum(self.by_option.values())

    @property
    def unused(self) -> int:
        return self.ballots * self.allowed - self.selections

    @property
    def balanced(self) -> bool:
        return self.selections + self.unused == self.ballots * self.allowed and self.unused >= 0


def _words() -> dict:
    return catalogue("reports")


def w(language: str, key: str, **params: object) -> str:
    """A report word in ``language``."""
    return word("reports", language, key, **params)


def _time(ts: int) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _reason(language: str, reason: str) -> str:
    """A token refusal reason in words (an unknown id as it is)."""
    return _words()[language].get(f"refused_{reason}", reason)


def count_contests(election: Election, ballots: Iterable[tuple[str, dict]]) -> list[ContestCount]:
    """Per-contest counts from (ballot style, selections) pairs, in election order.

    Counted by :class:`kiosk.contract.tally_rules.Count`, the central tally's counter: a station's tape
    and the tally add ballots up the same way.
    """
    count = Count()
    for style_id, selections in ballots:
        count.add(election, style_id, selections)
    return [ContestCount(c.id, count.ballots_by_contest[c.id], c.max,
                         {o.id: count.selections.get(c.id, Counter())[o.id] for o in c.options},
                         counts_shown(election, c.id, count.ballots_by_style))
            for c in election.contests if count.ballots_by_contest[c.id]]


def _header(kind: str, facts: StationFacts, language: str) -> list[Block]:
    e = facts.election
    blocks: list[Block] = [Heading(w(language, kind))]
    if facts.reprint:
        blocks.append(Line(w(language, "reprint")))
    if facts.mode == "test":
        blocks.append(Line(w(language, "test_mode")))
    blocks += [
        # a line, not a pair: a title is longer than the room beside a label on 80 mm paper
        Line(f"{w(language, 'election')}: {e.title.in_language(language)}"),
        Pair(w(language, "station"), facts.station),
        Pair(w(language, "mode"), w(language, f"mode_{facts.mode}")),
        Pair(w(language, "kiosk_key"), facts.kiosk_fingerprint),
        Pair(w(language, "software"), facts.software_hash[:16]),
        Pair(w(language, "log_head"), f"#{facts.log_head_seq} {facts.log_head_hex[:16]}"),
        Pair(w(language, "state_changed"), _time(facts.state_changed_at)),
        Pair(w(language, "printed"), _time(facts.printed_at)),
        Rule(),
    ]
    return blocks


def zero_report(facts: StationFacts, ballots_in_box: int, language: str) -> Report:
    """Printed at opening: proves on paper that the box was empty."""
    blocks = _header("zero_report", facts, language)
    # the whole root, for observers to compare with the published one; lines of its own, because
    # beside a Korean label its drawn width (a proportional font) would decide the wrapping
    blocks += [Line(w(language, "roll_root") + ":"), Line(facts.roll_root_hex[:32]), Line(facts.roll_root_hex[32:]),
               Pair(w(language, "ballots_in_box"), str(ballots_in_box))]
    if ballots_in_box == 0:
        blocks.append(Line(w(language, "box_empty")))
    blocks += [Rule(), Line(w(language, "signature_worker"))]
    return Report("zero_report", language, tuple(blocks))


def _spoiled(language: str, spoiled: int | None) -> list[Block]:
    # ballots voters checked instead of casting (published, never counted); None: not shown
    return [] if spoiled is None else [Pair(w(language, "ballots_spoiled"), str(spoiled))]


def slip(kind: str, facts: StationFacts, ballots_cast: int, language: str, spoiled: int | None = None) -> Report:
    """A pause, resume or reopen slip: counts only (and the checked ballots so far)."""
    if kind not in ("pause_slip", "resume_slip", "reopen_slip"):
        raise ValueError(f"unknown slip {kind}")
    blocks = _header(kind, facts, language) + [Pair(w(language, "ballots_cast"), str(ballots_cast))] + \
        _spoiled(language, spoiled) + [Rule(), Line(w(language, "signature_worker"))]
    return Report(kind, language, tuple(blocks))


def results_tape(facts: StationFacts, counts: list[ContestCount], ballots_cast: int,
                 participation: dict[str, int], refused: dict[str, int], last_batch: str | None,
                 acknowledged_by: list[str], closing_payload: str, language: str,
                 spoiled: int | None = None) -> Report:
    """The results tape printed at close. Slices under the privacy floor are withheld. ``spoiled``: the ballots
    voters checked instead of casting."""
    e, k = facts.election, facts.election.privacy_floor
    blocks = _header("results_tape", facts, language)
    blocks += [Pair(w(language, "ballots_cast"), str(ballots_cast))] + _spoiled(language, spoiled)
    for count in counts:
        contest = e.contest(count.contest)
        blocks += [Rule(), Heading(contest.title.in_language(language)),
                   Pair(w(language, "ballots_cast"), str(count.ballots))]
        if not count.shown:  # too few ballots, or an option some styles leave out on too few of them
            floor = e.contest_floors.get(count.contest, k)
            blocks.append(Line(w(language, "withheld" if count.ballots < floor else "withheld_option", k=floor)))
            continue
        for option in contest.options:
            blocks.append(Pair(option.title.in_language(language), str(count.by_option[option.id])))
        blocks += [Pair(w(language, "selections"), str(count.selections)),
                   Pair(w(language, "unused"), str(count.unused)),
                   Pair(w(language, "check"), f"{count.selections} + {count.unused} = {count.ballots} x "
                                              f"{count.allowed} " + (w(language, "check_ok") if count.balanced else "!!"))]
    blocks += [Rule(), Heading(w(language, "participation"))]
    shown = {s: n for s, n in participation.items() if not turnout_withheld(n, k)}
    for style_id, n in sorted(shown.items()):
        blocks.append(Pair(e.style(style_id).title.in_language(language), str(n)))
    if len(shown) < len(participation):
        blocks.append(Line(w(language, "withheld", k=k)))
    elif not participation:
        blocks.append(Line(w(language, "none")))
    blocks += [Rule(), Heading(w(language, "refused_tokens"))]
    blocks += [Pair(_reason(language, reason), str(n)) for reason, n in sorted(refused.items())] \
        or [Line(w(language, "none"))]
    blocks += [Rule(), Pair(w(language, "last_batch"), last_batch or w(language, "none")),
               Pair(w(language, "acknowledged_by"), ", ".join(acknowledged_by) or w(language, "none")),
               Rule(), *_closing_codes(closing_payload, language), Line(w(language, "signature_worker"))]
    return Report("results_tape", language, tuple(blocks))


def _closing_codes(payload: str, language: str) -> list[Block]:
    """The signed statement as one QR code, or as its parts one after another, each captioned i/n
    (:mod:`kiosk.contract.closing_parts`); a line in words when no QR codes can hold it."""
    codes = tape_codes(payload)
    if not codes:
        return [Line(w(language, "closing_qr_too_large", chars=len(payload)))]
    if len(codes) == 1:
        return [Code(codes[0], w(language, "closing_qr"))]
    return [Line(w(language, "closing_qr_parts", n=len(codes)))] + \
        [Code(code, w(language, "closing_qr_part", i=i, n=len(codes))) for i, code in enumerate(codes, 1)]


def paper_record(election: Election, style_id: str, selections: dict, ballot_id_hex: str, mode: str,
                 language: str) -> Report:
    """The voter-verified paper record: the selections in words and the ballot's random id as a QR.

    It names no time and no station order; the id lets an audit find this paper's ballot. Each
    contest has a fixed number of slots of fixed size (:class:`Slot`), so every choice of a
    ballot style prints the same number of bytes and lines.
    """
    blocks: list[Block] = [Heading(w(language, "paper_record"))]
    if mode == "test":
        blocks.append(Line(w(language, "test_mode")))
    blocks.append(Line(election.title.in_language(language)))
    style = election.style(style_id)
    for contest_id in style.contests:
        contest = election.contest(contest_id)
        blocks += [Rule(), Heading(contest.title.in_language(language))]
        if contest.is_score:  # one slot per shown option: "[grade] title", "[-]" for no grade
            shown = [o for o in contest.options if o.id not in style.exclude]
            marks = [str(g) for g in contest.grades if g] + ["-"]
            reserve = tuple(f"[{m}] {o.title.in_language(language)}" for o in shown for m in marks)
            grades = selections.get(contest_id, {})
            blocks += [Slot(f"[{grades.get(o.id) or '-'}] {o.title.in_language(language)}", reserve) for o in shown]
            continue
        none = w(language, "no_choice")
        reserve = tuple(f"[V] {o.title.in_language(language)}" for o in contest.options
                        if o.id not in style.exclude) + (none,)
        texts = [f"[V] {contest.option(o).title.in_language(language)}" for o in selections.get(contest_id, [])]
        texts = texts or [none]
        # as many slots as the contest allows choices, each as large as the longest text: the
        # paper and its printer bytes are one size for every choice of this ballot style
        blocks += [Slot(t, reserve) for t in texts + [""] * (max(contest.max, 1) - len(texts))]
    blocks += [Rule(), Code(paper_qr(election.tag, ballot_id_hex), w(language, "ballot_id"))]
    return Report("paper_record", language, tuple(blocks))


def checked_record(election: Election, style_id: str, selections: dict, ballot_id_hex: str, qr: str, mode: str,
                   language: str) -> Report:
    """The record of a checked ballot (Benaloh): marked spoiled, the selections as the paper record
    prints them, and the spoiled QR (election, ballot id, nonce seed) from which anyone opens the published
    ballot. The same slots as the paper record and a QR of one length: one size for every choice of a style."""
    record = paper_record(election, style_id, selections, ballot_id_hex, mode, language)
    body = record.blocks[1:-1]   # between the paper record's heading and its QR
    return Report("checked", language, (Heading(w(language, "checked")), Line(w(language, "checked_help")), *body,
                                        Code(qr, w(language, "checked_qr"))))


def receipt_slip(election: Election, tracking_code: str, mode: str) -> Report:
    """The receipt the voter keeps (when the package asks for it), in Korean and English: the tracking
    code and where to check it, as text and, with a node, as a QR of its ``/receipt`` page. It names no
    time, station or selection, and every code has ten characters: one size for every ballot."""
    blocks: list[Block] = [Heading(f"{w('ko', 'receipt')} · {w('en', 'receipt')}")]
    if mode == "test":
        blocks += [Line(w("ko", "test_mode")), Line(w("en", "test_mode"))]
    blocks += [Line(election.title.in_language("ko")), Rule(), Heading(tracking_code, size=2), Rule()]
    where = f"{election.nodes[0].url.rstrip('/')}/receipt" if election.nodes else None
    for language in ("ko", "en"):
        blocks.append(Line(w(language, "receipt_help", where=where or "kiosk-central board check")))
    if where is not None:
        blocks.append(Code(f"{where}?code={tracking_code}", f"{w('ko', 'receipt_qr')} · {w('en', 'receipt_qr')}"))
    return Report("receipt", "ko", tuple(blocks))


def spoiled_slip(ballot_id_hex: str, language: str) -> Report:
    """Printed when the voter rejects a paper record: that paper is void."""
    return Report("spoiled", language, (Heading(w(language, "spoiled")), Line(w(language, "spoiled_help")),
                                        Pair(w(language, "ballot_id"), ballot_id_hex[:16])))


def as_text(report: Report, width: int = 48) -> str:
    """A report as plain text, one block a line (for a terminal, or when no printer is there)."""
    out = []
    for block in report.blocks:
        if isinstance(block, Heading):
            out.append(f"== {block.text} ==")
        elif isinstance(block, Line):
            out.append(block.text)
        elif isinstance(block, Pair):
            out.append(f"{block.label}: {block.value}")
        elif isinstance(block, Code):
            out += [f"[QR] {block.caption}", block.payload]
        elif isinstance(block, Slot):
            out.append(block.text.ljust(max(map(len, block.reserve), default=0)))
        else:
            out.append("-" * width)
    return "\n".join(out) + "\n"
