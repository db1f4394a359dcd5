"""``kiosk verify``: check everything a station holds, and name the first bad place.

Read-only. For each store: its meta, the chain and every entry's signature, the steps in the
order the state table allows, the running count of ``ballot_cast``; every ballot's two
signatures, its token against the roll, its selections against the rules; that the log
counts as many ballots as the box holds; every batch's header, members, Merkle root, link and
``batch_sealed`` event; and every file in the outbox against the store, byte for byte.
A missing outbox file is a note, not a problem: the kiosk writes it again on its next start.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.station import eventlog as ev
from kiosk.contract.card_list import CardList, parse_card_list
from kiosk.contract.ballot_row import check_ballot_record
from kiosk.contract.batch import BatchHeader
from kiosk.contract.sealed_batch import check_sealed_batch, encode_batch, parse_batch
from kiosk.station.datadir import MODES, DataDir, StationIdentity, read_config
from kiosk.contract.election import Election
from kiosk.contract.findings import Finding, note, problem
from kiosk.errors import FormatError, KioskError
from kiosk.files import read_input
from kiosk.station.eventlog import check_entry
from kiosk.contract.keys import VerifyKey
from kiosk.contract.package import load_package
from kiosk.contract.roll import TokenRoll
from kiosk.contract.roster import ROSTER_FILE, load_roster
from kiosk.station.outbox import batch_from_store, outbox_names, read_batch_file
from kiosk.station.lifecycle import EVENT_STATE, STAYING, TRANSITIONS, StationState, accepts_ballots
from kiosk.station.store import STORE_FORMAT, Connect, Store, sqlite_connect

BATCH_NAME = re.compile(r"\Abatch-(\d{6})\.json\Z")
# the life cycle's steps as the log records them, and in which states each may appear
STEP_EVENTS = {event for _, event in TRANSITIONS.values()} | {event for _, event in STAYING.values() if event}


def legal_steps(state: StationState) -> set[str]:
    """The step events the life-cycle table allows in ``state``."""
    return ({event for (before, _), (_, event) in TRANSITIONS.items() if before == state}
            | {event for states, event in STAYING.values() if event and state in states})


@dataclass
class VerifyReport:
    """Problems (verify fails), notes (it does not), and counts per store."""

    problems: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)
    stores: dict[str, dict] = field(default_factory=dict)
    kiosk: dict = field(default_factory=dict)  # the key's fingerprint, first entry time, roster check

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    def to_json(self) -> dict:
        """What ``kiosk verify --json`` prints."""
        return {"ok": self.ok, "problems": [f.place_and_problem() for f in self.problems],
                "notes": [f.place_and_problem() for f in self.notes], "stores": self.stores, "kiosk": self.kiosk}


def verify_data(root: Path, connect: Connect = sqlite_connect, roster: Path | None = None) -> VerifyReport:
    """Verify a station's data directory. Raises only for a directory that is not a station at all.

    Everything is checked against the key ``station.json`` names; with ``roster`` (the
    authority-signed ``roster.json``, or the folder holding it) that key must also be the one the
    roster lists for this station, so a store re-keyed and re-cast with a new key is caught.
    """
    data = DataDir(Path(root))
    config = read_config(data)
    report = VerifyReport()
    report.kiosk = {"kiosk_key": VerifyKey.from_hex(config.kiosk_key_hex).fingerprint,
                    "kiosk_key_hex": config.kiosk_key_hex, "first_entry_time": None, "on_roster": None,
                    "card_list": None}
    try:
        package = load_package(data.election)  # checks the authority's signature
    except KioskError as e:
        report.problems.append(problem("election/election.json", str(e)))
        return report
    election = package.election
    if election.fingerprint_hex != config.election_hex:
        report.problems.append(problem("station.json", "names another election than the package beside it"))
        return report
    roll = package.roll()
    try:
        try:
            roll_ok = roll.verify()
        except KioskError:
            roll_ok = False
        if not roll_ok:
            report.problems.append(problem("election/roll.sqlite", "the token roll does not match its signed root"))
        for mode in MODES:
            if data.store_file(mode).exists():
                _verify_store(data, mode, config, election, roll, connect, report)
            _check_orphan_files(data, mode, report)
    finally:
        roll.close()
    if roster is not None:
        _check_roster(Path(roster), config, package, report)
    _check_card_list(data, config, package, report)
    return report


def _check_card_list(data: DataDir, config: StationIdentity, package, report: VerifyReport) -> None:
    """The held card list (``kiosk cards load``): its issue time and count, or a note saying why no
    card unlocks this kiosk. A note, not a problem: it guards unlocking, not what the stores hold."""
    if not data.card_list.exists():
        report.notes.append(note("cards.json", "no card list loaded: no card unlocks this kiosk "
                                               "(kiosk cards load)"))
        return
    try:
        held = parse_card_list(read_input(data.card_list, "the card list"), package.authority, config.election_hex,
                               config.kiosk_key_hex, config.station)
    except KioskError as e:
        held = e
    if isinstance(held, CardList):
        report.kiosk["card_list"] = {"issued": held.issued, "cards": len(held.cards)}
    else:
        report.notes.append(note("cards.json", f"the card list does not check ({held}): no card unlocks this "
                                               "kiosk until a good one is loaded"))


def _check_roster(path: Path, config: StationIdentity, package, report: VerifyReport) -> None:
    """The kiosk key against the authority-signed roster: listed, and for this station."""
    folder = path.parent if path.is_file() else path
    if path.is_file() and path.name != ROSTER_FILE:
        report.problems.append(problem(str(path), f"give the authority's {ROSTER_FILE} (or its folder)"))
        return
    if not (folder / ROSTER_FILE).exists():
        report.problems.append(problem(str(path), f"no {ROSTER_FILE} there: give the one the central nodes use"))
        return
    try:
        found = load_roster(folder, package.election.fingerprint_hex, package.authority).kiosk(config.kiosk_key_hex)
    except KioskError as e:
        report.problems.append(problem(ROSTER_FILE, e.message))
        return
    report.kiosk["on_roster"] = found is not None and found.station == config.station
    if found is None:
        report.problems.append(problem(ROSTER_FILE, f"does not list this kiosk's key {report.kiosk['kiosk_key']}: "
                                                    "the store was made with a key the authority never registered"))
    elif found.station != config.station:
        report.problems.append(problem(ROSTER_FILE, f"lists this kiosk's key for station {found.station}, "
                                                    f"not {config.station}"))


def _verify_store(data: DataDir, mode: str, config: StationIdentity, election: Election, roll: TokenRoll,
                  connect: Connect, report: VerifyReport) -> None:
    try:
        store = Store.open(data.store_file(mode), read_only=True, connect=connect)
    except KioskError as e:
        report.problems.append(problem(f"{mode} store", str(e)))
        return
    try:
        _StoreCheck(data, mode, config, election, roll, store, report).run()
    except (sqlite3.Error, FormatError) as e:  # a store too damaged to read on
        report.problems.append(problem(f"{mode} store", f"cannot be read: {e}"))
    finally:
        store.close()


class _StoreCheck:
    def __init__(self, data, mode, config, election, roll, store, report) -> None:
        self.data, self.mode, self.config, self.election, self.roll = data, mode, config, election, roll
        self.store, self.report = store, report
        self.key = VerifyKey.from_hex(config.kiosk_key_hex)

    def problem(self, place: str, text: str) -> None:
        self.report.problems.append(problem(f"{self.mode} {place}", text))

    def run(self) -> None:
        expected = {"format": STORE_FORMAT, "election_hex": self.config.election_hex,
                    "kiosk_key_hex": self.config.kiosk_key_hex, "mode": self.mode, "station": self.config.station}
        if self.store.meta != expected:
            self.problem("store meta", f"is {self.store.meta}, expected {expected}")
            return
        first = next(self.store.events(), None)
        if first is not None and self.report.kiosk.get("first_entry_time") is None:
            self.report.kiosk["first_entry_time"] = first.fields().get("time")
        cast_events, sealed = self.check_events()
        ballots = self.check_ballots()
        if ballots != cast_events:
            self.problem("ballot box", f"holds {ballots} ballots but the log records {cast_events} ballot_cast events")
        batches = self.check_batches(sealed)
        if self.store.compaction_pending():
            self.report.notes.append(note(f"{self.mode} store", "compaction pending: the WAL or the layout may hold "
                                          "the casting order until the booth's next start or sealing"))
        self.report.stores[self.mode] = {"events": self.store.head_seq, "head_hex": self.store.head_hash.hex(),
                                         "ballots": ballots, "batches": batches}

    def check_events(self) -> tuple[int, dict[int, dict]]:
        seq, prev, state, archived, cast, sealed = 1, self.store.genesis, StationState.UNPROVISIONED, False, 0, {}
        for entry in self.store.events():
            wrong = check_entry(entry, seq, prev, self.key)
            seq, prev = entry.seq + 1, entry.entry_hash  # re-synchronise: report each break once
            if wrong:
                self.problem(f"event seq {entry.seq}", wrong)
            # a bad entry is reported once; its kind still counts, so the entries after it are
            # judged on their own and not reported again for its sake
            def report(text: str, entry=entry, trusted=wrong is None) -> None:
                if trusted:
                    self.problem(f"event seq {entry.seq}", text)

            try:
                body = entry.fields()
            except FormatError:
                body = {}
            if entry.seq == 1 and (entry.kind != ev.STATION_PROVISIONED or any(
                    body.get(k) != v for k, v in self.store.meta.items() if k != "format")):
                report("the log does not begin with a station_provisioned entry naming this store")
            if archived:
                report("an entry after the change to official mode archived this store")
            if entry.kind in STEP_EVENTS:
                if entry.kind not in legal_steps(state):
                    report(f"{entry.kind} is not allowed in state {state.value}")
                state = EVENT_STATE.get(entry.kind, state)
                archived = entry.kind == ev.MODE_CHANGED
            elif entry.kind == ev.BALLOT_CAST:
                cast += 1
                if body.get("count") != cast:
                    report(f"ballot_cast counts {body.get('count')}, expected {cast}")
                if not accepts_ballots(state):
                    report(f"a ballot was cast in state {state.value}")
            elif entry.kind == ev.BATCH_SEALED:
                sealed[body.get("number")] = body
        return cast, sealed

    def check_ballots(self) -> int:
        n = 0
        for record in self.store.ballots():
            n += 1
            name = record.ballot_id.hex() if isinstance(record.ballot_id, bytes) else repr(record.ballot_id)
            place = f"ballot {name}"
            wrong = check_ballot_record(record, self.election, self.key)
            if wrong is None and self.roll.lookup(record.token_ref) != (self.mode, record.style):
                wrong = f"its token is not on the roll for ballot style {record.style} in {self.mode} mode"
            if wrong:
                self.problem(place, wrong)
        return n

    def check_batches(self, sealed_events: dict[int, dict]) -> int:
        previous: BatchHeader | None = None
        rows = self.store.batches()
        for number, header_bytes, header_hash, signature in rows:
            place = f"batch {number}"
            try:
                batch = batch_from_store(self.store, number, header_bytes, signature)
            except FormatError as e:
                self.problem(place, f"cannot be rebuilt from the store (its header or a ballot does not parse): {e}")
                previous = None
                continue
            h = batch.header
            if h.encoded() != header_bytes or h.hash() != header_hash:
                self.problem(place, "the stored header is not canonical or its hash does not match")
            # every ballot's sealed signature was checked with its row already
            for found in check_sealed_batch(batch, self.config.election_hex, self.key, previous):
                self.problem(place, f"{found.code}: {found.detail}")
            if (h.number, h.mode) != (number, self.mode):
                self.problem(place, "the header names another batch number or mode")
            if len(self.store.batch_member_ids(number)) != h.count:
                self.problem(place, "its members are not all in the ballot box")
            event = sealed_events.pop(number, None)
            if event is None or event.get("header_hash_hex") != h.hash().hex():
                self.problem(place, "no batch_sealed event records this header")
            self.check_file(batch)
            previous = h
        for number in sorted(sealed_events, key=str):
            self.problem(f"batch {number}", "a batch_sealed event names a batch the store does not hold")
        return len(rows)

    def check_file(self, batch) -> None:
        name = f"outbox/{self.mode}/{self.data.batch_file(self.mode, batch.header.number).name}"
        data = read_batch_file(self.data, self.mode, batch.header.number)
        if data is None:
            self.report.notes.append(note(name, "missing; the kiosk writes it again on its next start"))
            return
        try:
            parse_batch(data)
        except FormatError as e:
            self.report.problems.append(problem(name, f"does not parse: {e}"))
            return
        if data != encode_batch(batch):
            self.report.problems.append(problem(name, "differs from the batch the store holds"))


def _check_orphan_files(data: DataDir, mode: str, report: VerifyReport) -> None:
    """Every outbox file must be a batch the store holds (checked above) or it is a problem."""
    held = report.stores.get(mode, {}).get("batches", 0)
    for name in outbox_names(data, mode):
        match = BATCH_NAME.match(name)
        if match is None:
            if not name.startswith("."):  # write_atomic's temporary files
                report.problems.append(problem(f"outbox/{mode}/{name}", "is not a batch file"))
        elif not 1 <= int(match.group(1)) <= held:
            report.problems.append(problem(f"outbox/{mode}/{name}", "is a batch the store does not hold"))

