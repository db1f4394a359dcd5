"""The catalogue of event kinds: every kind the station writes to its signed log, and nothing else.

Each kind has a stable id (``E01`` ...; never reused, never renumbered), whether it records a
success or a failure (a refusal, a spoiled paper record), and what its body holds. The store's
writer (:meth:`kiosk.station.store.Store.append`) refuses a kind that is not here, and
``docs/formats.md`` ("Event log") lists exactly these rows (``tests/test_event_catalogue.py``
checks both). A new kind is added here, with its id, and to the doc, in the same change.
"""

from __future__ import annotations

from dataclasses import dataclass

SUCCESS, FAILURE = "success", "failure"


@dataclass(frozen=True)
class EventKind:
    """One kind of log entry: stable id, the ``kind`` string in the log, outcome, what the body holds."""

    id: str
    kind: str
    outcome: str
    body: str


CATALOGUE: tuple[EventKind, ...] = (
    EventKind("E01", "station_provisioned", SUCCESS,
              "`election_hex`, `kiosk_key_hex`, `mode`, `station`, `time`; in an official store made by a change of "
              "mode also `previous_mode: \"test\"`, `previous_head_hex` (the test log's last `entry_hash`). "
              "Always seq 1."),
    EventKind("E02", "software_attested", SUCCESS,
              "`format: \"kiosk-software/1\"`, `software_hash_hex` (SHA-256 over the installed code and "
              "configuration), `files` (how many), `version`, `time`; written by the booth at every start. "
              "No paths."),
    EventKind("E03", "polls_opened", SUCCESS,
              "`ballots: 0`, `roll_root_hex`, `station`, `time`, optional `by` (card id)"),
    EventKind("E04", "polls_open_refused", FAILURE,
              "`reason: \"ballot_box_not_empty\"`, `ballots`, `station`, `time`, optional `by`"),
    EventKind("E05", "polls_paused", SUCCESS, "`station`, `time`, optional `by`"),
    EventKind("E06", "polls_resumed", SUCCESS, "`station`, `time`, optional `by`"),
    EventKind("E07", "polls_reopened", SUCCESS, "`station`, `time`, optional `by`"),
    EventKind("E08", "polls_closed", SUCCESS,
              "`ballots` (cast in this store), `station`, `time`, optional `by`; the closing `batch_sealed` "
              "follows in the same transaction"),
    EventKind("E09", "mode_changed", SUCCESS,
              "`to: \"official\"`, `station`, `time`, optional `by`; the test store's last entry"),
    EventKind("E10", "ballot_cast", SUCCESS,
              "`count` (the running count in this store: 1, 2, 3, …), `time`. Never a ballot id, a token or a "
              "selection."),
    EventKind("E11", "token_refused", FAILURE,
              "`reason` (a `RefusalReason` value: `malformed`, `unknown_version`, `other_election`, `wrong_mode`, "
              "`not_on_roll`, `style_not_here`, `roll_not_frozen`, `already_used`, `polls_not_open`, `selections_invalid`, "
              "`disk_full`), `time`"),
    EventKind("E12", "paper_record_spoiled", FAILURE,
              "`time` only: a voter rejected the printed paper record (the count of spoiled records, never "
              "the ballot id, the token or a selection)"),
    EventKind("E13", "batch_sealed", SUCCESS,
              "`number`, `header_hash_hex`, `count`, `cumulative`, `polls_closed`, `time`"),
    EventKind("E14", "card_refused", FAILURE,
              "`reason` (a card refusal: `malformed`, `unknown_version`, `bad_signature`, `other_election`, "
              "`wrong_station`, `not_yet_valid`, `expired`, `old_format`; or `no_card_list`, `not_listed`: the "
              "kiosk's card list holds no verifier for it, with its `card_id`), `station`, `time`"),
    EventKind("E15", "pin_refused", FAILURE,
              "`card_id`, `reason` (`wrong_pin`, `must_wait`, `card_locked`), `failures` (wrong PINs in a row "
              "so far), `station`, `time`. Never the PIN."),
    EventKind("E16", "poll_worker_unlocked", SUCCESS,
              "`card_id`, `role`, `station`, `time` (clears the card's count of wrong PINs)"),
    EventKind("E17", "report_printed", SUCCESS,
              "`report` (`zero_report`, `pause_slip`, `resume_slip`, `reopen_slip`, `results_tape`), `step_seq` "
              "(the seq of the step it reports on), `reprint`, `station`, `time`, optional `by`; only once the "
              "printer confirmed the whole report"),
    EventKind("E18", "card_list_loaded", SUCCESS,
              "`issued` (the list's time), `cards` (how many it lists), `station`, `time`: the authority's "
              "card list with the cards' PIN verifiers sealed to this kiosk's key (never a verifier)"),
    EventKind("E19", "ballot_spoiled", SUCCESS,
              "`time` only: a voter checked an encrypted ballot instead of casting it "
              "(Benaloh); the ballot and its seed go to the next batch's `spoiled` list, the token is not spent"),
)

BY_KIND: dict[str, EventKind] = {k.kind: k for k in CATALOGUE}


def catalogued(kind: str) -> EventKind:
    """The catalogue's entry for ``kind``; a ``ValueError`` (a bug, not an outcome) for any other."""
    try:
        return BY_KIND[kind]
    except KeyError:
        raise ValueError(f"event kind {kind!r} is not in the catalogue: add it to kiosk/station/events.py "
                         "and docs/formats.md") from None
