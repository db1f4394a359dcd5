"""The poll workers' reports of a real station: facts and counts read from its store.

:mod:`kiosk.station.reports` makes the reports from values; this module reads those values from an
open :class:`~kiosk.station.station.Station`: the step's own log entry (so a reprint shows the same
log head and time as the original), counts from the ballot box, tokens refused by reason
from the log, the roll root, the kiosk key's fingerprint, the software hash of the latest
``software_attested`` entry (``unattested`` before the appliance attests itself), and the
closing batch with the nodes whose acknowledgement of it is in ``DATA/acks/``.

Each report belongs to the latest step of its kind: the zero report to ``polls_opened``,
the slips to ``polls_paused`` / ``polls_resumed`` / ``polls_reopened``, the results tape to
``polls_closed`` and the closing batch sealed with it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from kiosk.station import eventlog as ev
from kiosk.contract.canonical import parse_json
from kiosk.contract.closing import CLOSING_FORMAT, sign_closing
from kiosk.station.delivery import deliveries
from kiosk.station.eventlog import Entry
from kiosk.station.reports import Report, StationFacts, count_contests, results_tape, slip, zero_report
from kiosk.station.station import Station
from kiosk.station.store import Store

UNATTESTED = "unattested"
SOFTWARE_ATTESTED = "software_attested"
POLLS_REOPENED = "polls_reopened"

# report kind -> the step entry it reports on
STEP_OF_REPORT = {
    "zero_report": ev.POLLS_OPENED,
    "pause_slip": ev.POLLS_PAUSED,
    "resume_slip": ev.POLLS_RESUMED,
    "reopen_slip": POLLS_REOPENED,
    "results_tape": ev.POLLS_CLOSED,
}
REPORT_OF_STEP = {step: kind for kind, step in STEP_OF_REPORT.items()}


def software_hash(store: Store) -> str:
    """The hash the latest ``software_attested`` entry names, or ``unattested``."""
    entry = store.last_event((SOFTWARE_ATTESTED,))
    return entry.fields().get("software_hash_hex", UNATTESTED) if entry else UNATTESTED


def refused_by_reason(store: Store, before_seq: int | None = None) -> dict[str, int]:
    """Tokens refused so far (up to ``before_seq``), by reason; reasons never seen are left out."""
    counts: Counter = Counter()
    for entry in store.events((ev.TOKEN_REFUSED,)):
        if before_seq is None or entry.seq < before_seq:
            counts[entry.fields().get("reason", "unknown")] += 1
    return dict(counts)


def spoiled_before(station: Station, seq: int | None = None) -> int:
    """Ballots checked (spoiled) before the entry ``seq`` (all when None)."""
    return sum(1 for e in station.store.events((ev.BALLOT_SPOILED,)) if seq is None or e.seq < seq)


def ballots_before(store: Store, seq: int) -> int:
    """Ballots cast before the entry ``seq`` (the running count of the last ``ballot_cast``)."""
    count = 0
    for entry in store.events((ev.BALLOT_CAST,)):
        if entry.seq > seq:
            break
        count = entry.fields()["count"]
    return count


def acknowledged_by(station: Station, number: int) -> list[str]:
    """The nodes whose acknowledgement of outbox batch ``number`` verifies now.

    Each is checked again (the node key the package lists, the very batch it names), not taken
    from the file's presence: a file copied in by hand or damaged on the card is not listed.
    """
    found, _ = deliveries(station.data.root, station.election, (station.mode,))
    return next((d.acknowledged_by for d in found if d.batch.header.number == number), [])


def step_entry(store: Store, kind: str) -> Entry | None:
    """The latest log entry of the step ``kind`` reports on, or None if that step never happened."""
    return store.last_event((STEP_OF_REPORT[kind],))


def closing_batch_entry(store: Store, closed: Entry) -> Entry:
    """The ``batch_sealed`` entry written with the closing ``closed`` (the next entry)."""
    for entry in store.events((ev.BATCH_SEALED,)):
        if entry.seq > closed.seq:
            return entry
    raise ValueError(f"polls_closed at seq {closed.seq} has no closing batch")  # a bug: one transaction


def facts_at(station: Station, entry: Entry, printed_at: int, reprint: bool = False) -> StationFacts:
    """What every report names, as of the step ``entry`` (its seq and hash are the log head shown)."""
    root = station.roll.root
    return StationFacts(
        election=station.election, station=station.config.station, mode=station.mode,
        kiosk_fingerprint=station.key.verify_key.fingerprint, software_hash=software_hash(station.store),
        roll_root_hex=root.root_hex if root else "", log_head_seq=entry.seq, log_head_hex=entry.entry_hash.hex(),
        state_changed_at=entry.fields().get("time", 0), printed_at=printed_at, reprint=reprint)


def box_counts(station: Station) -> tuple[list, dict[str, int]]:
    """(per-contest counts, ballots per ballot style) of the whole ballot box."""
    ballots = [(r.style, parse_json(r.selections, "selections")) for r in station.store.ballots()]
    return count_contests(station.election, ballots), dict(Counter(style for style, _ in ballots))


def closing_body(station: Station, closed: Entry, counts: list, turnout: dict[str, int]) -> dict:
    """The statement of the closing ``closed`` (with the box's counts): fixed by the store, so
    a reprint signs the very same bytes (Ed25519 signatures are deterministic)."""
    sealed = closing_batch_entry(station.store, closed)
    sealed_body = sealed.fields()
    contests = {c.contest: ({"ballots": c.ballots, "options": dict(c.by_option)} if c.shown
                            else {"ballots": c.ballots}) for c in counts}
    return {"format": CLOSING_FORMAT, "election_hex": station.config.election_hex,
            "station": station.config.station, "mode": station.mode, "kiosk_key_hex": station.config.kiosk_key_hex,
            "ballots": station.ballots, "turnout": turnout, "contests": contests,
            "log_head": {"seq": sealed.seq, "hash_hex": sealed.entry_hash.hex()},
            "batch": {"number": sealed_body["number"], "header_hash_hex": sealed_body["header_hash_hex"]},
            "time": closed.fields().get("time", 0)}


def report_of(station: Station, kind: str, printed_at: int, language: str, reprint: bool = False) -> Report | None:
    """The report ``kind`` for the latest step it reports on, or None when that step never happened.

    The results tape counts the ballot box as it is now: ask for it only while the polls are closed.
    """
    entry = step_entry(station.store, kind)
    if entry is None:
        return None
    store = station.store
    if kind == "zero_report":
        return zero_report(facts_at(station, entry, printed_at, reprint), entry.fields().get("ballots", 0), language)
    if kind != "results_tape":
        return slip(kind, facts_at(station, entry, printed_at, reprint), ballots_before(store, entry.seq), language,
                    spoiled_before(station, entry.seq))
    sealed = closing_batch_entry(store, entry)
    counts, turnout = box_counts(station)
    body = closing_body(station, entry, counts, turnout)
    batch = body["batch"]
    facts = replace(facts_at(station, sealed, printed_at, reprint),  # the head the statement names
                    state_changed_at=entry.fields().get("time", 0))
    return results_tape(facts, counts, station.ballots, turnout, refused_by_reason(store, sealed.seq),
                        f"#{batch['number']} {batch['header_hash_hex'][:16]}",
                        acknowledged_by(station, batch["number"]),
                        sign_closing(station.key, body), language, spoiled_before(station, sealed.seq))
