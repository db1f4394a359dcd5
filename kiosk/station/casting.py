"""Casting a ballot: check the station, the token and the selections, then one transaction.

The booth calls the three steps apart, because a paper record is printed between choosing and
casting and must carry the ballot's id::

    admitted = admit_token(station, payload, now)          # at the camera
    early = prepare_encryption_for(station, admitted.style, choices)  # when review shows
    prepared = prepare_ballot(station, admitted, choices, now, early)  # after review (sealed, signed)
    result = commit_ballot(station, prepared, now)         # "cast" only if this returns Cast

The ballot is ElGamal-encrypted with proofs (a few ms): the booth starts
that as the review screen shows (:func:`prepare_encryption_for`), so that the voter does not wait
at "cast"; :func:`prepare_ballot` uses it when it is of the same selections and encrypts again
when the voter changed them. The nonce seed lives only in that object: the row never keeps it.

Instead of casting, a voter may check the ballot (a Benaloh challenge):
:func:`spoil_ballot` records the sealed encryption with its seed as spoiled (it goes to the next
batch's ``spoiled`` list, is published and never counts), does not spend the token, and returns the
QR for the paper record from which anyone opens it.

:func:`cast` does all three. Every outcome is a value: :class:`Cast`, or
:class:`~kiosk.contract.tokens.Refused` with the reason; each refusal is logged as ``token_refused``
with the reason only. Nothing here logs a token, a serial or a selection.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import Callable

from kiosk.station import eventlog as ev
from kiosk.contract.ballot_row import BallotRecord, PreparedEncryption, make_ballot, prepare_encryption
from kiosk.contract.canonical import canonical_bytes
from kiosk.errors import StorageError
from kiosk.contract.spoiled_qr import spoiled_qr
from kiosk.contract.rules import check_selections, normalise_selections
from kiosk.station.station import Station
from kiosk.station.store import is_disk_full
from kiosk.contract.tokens import RefusalReason, Refused, Valid, check_token
from kiosk.contract.tracking import tracking_code

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cast:
    """The ballot is on disk: its random id (for the paper record) and the receipt's tracking code."""

    ballot_id: bytes
    tracking_code: str


@dataclass(frozen=True)
class PreparedBallot:
    """A sealed, signed ballot not yet in the box."""

    record: BallotRecord

    @property
    def ballot_id(self) -> bytes:
        """The id the paper record prints before the cast."""
        return self.record.ballot_id


@dataclass(frozen=True)
class Spoiled:
    """A checked ballot is on disk as spoiled: its id, and the QR (election, id, seed) for its paper record."""

    ballot_id: bytes
    qr: str

    def __repr__(self) -> str:  # the QR carries the seed
        return "Spoiled()"


def refuse(station: Station, reason: RefusalReason, now: int) -> Refused:
    """Log ``token_refused`` (the reason only) and return the refusal."""
    log.info("token refused: %s", reason.value)
    try:
        with station.store.transaction():
            station.store.append(ev.TOKEN_REFUSED, {"reason": reason.value, "time": now})
    except sqlite3.Error as e:  # the refusal stands even when it cannot be logged (e.g. disk full)
        log.error("could not log a token refusal: %s", e)
    return Refused(reason)


def admit_token(station: Station, payload: object, now: int) -> Valid | Refused:
    """Is this token good for a ballot here and now? (polls open, right election and mode, on the roll,
    its ballot style taken at this station, unused)."""
    if not station.accepts_ballots:
        return refuse(station, RefusalReason.POLLS_NOT_OPEN, now)
    e = station.election
    result = check_token(payload, e.tag, e.fingerprint, station.mode, station.roll)
    if isinstance(result, Refused):
        return refuse(station, result.reason, now)
    if not e.style_allowed(result.style, station.config.station):  # the package binds it elsewhere
        return refuse(station, RefusalReason.STYLE_NOT_HERE, now)
    if station.store.token_used(result.ref):
        return refuse(station, RefusalReason.ALREADY_USED, now)
    return result


def prepare_encryption_for(station: Station, style: str, selections: object) -> PreparedEncryption | None:
    """Encrypt and prove the selections ahead of the cast (None when they break the rules:
    :func:`prepare_ballot` refuses those). Pure work, nothing written, nothing logged: the
    token is checked again, and logged if refused, when the ballot is prepared."""
    e = station.election
    if e.style(style) is None or check_selections(e, style, selections):
        return None
    return prepare_encryption(e, style, canonical_bytes(normalise_selections(e, style, selections)))


def current_encryption(station: Station, style: str, selections: object,
                       early: PreparedEncryption | None) -> PreparedEncryption | None:
    """``early`` when it is of exactly these selections, else a new encryption of them (None when they
    break the rules)."""
    e = station.election
    if e.style(style) is None or check_selections(e, style, selections):
        return None
    return _current(e, style, canonical_bytes(normalise_selections(e, style, selections)), early)


def _current(e, style: str, chosen: bytes, early: PreparedEncryption | None) -> PreparedEncryption:
    return early if early is not None and early.is_for(style, chosen) else prepare_encryption(e, style, chosen)


def prepare_ballot(station: Station, admitted: Valid, selections: object, now: int,
                   early: PreparedEncryption | None = None) -> PreparedBallot | Refused:
    """Check the selections against the ballot style's rules, then seal and sign the ballot.

    ``early`` (from :func:`prepare_encryption_for`) is used when it is of exactly these
    selections; otherwise they are encrypted now.
    """
    e = station.election
    if check_selections(e, admitted.style, selections):
        return refuse(station, RefusalReason.SELECTIONS_INVALID, now)
    chosen = canonical_bytes(normalise_selections(e, admitted.style, selections))
    return PreparedBallot(make_ballot(station.key, e, admitted.token.serial, _current(e, admitted.style, chosen, early)))


def commit_ballot(station: Station, prepared: PreparedBallot, now: int) -> Cast | Refused:
    """Write the ballot and its ``ballot_cast`` event in one transaction; Cast only after COMMIT."""
    if not station.accepts_ballots:
        return refuse(station, RefusalReason.POLLS_NOT_OPEN, now)
    store, record = station.store, prepared.record

    def write() -> None:
        store.insert_ballot(record)
        store.append(ev.BALLOT_CAST, {"count": station.ballots + 1, "time": now})

    refused = _write_unspent(station, record.token_ref, write, now, "ballot")
    if refused is not None:
        return refused
    station.ballots += 1
    return Cast(record.ballot_id, tracking_code(record.sealed_ballot.leaf_hash()))


def spoil_ballot(station: Station, admitted: Valid, encryption: PreparedEncryption, now: int) -> Spoiled | Refused:
    """Record the voter's prepared encryption as a checked (spoiled) ballot with its seed, and its
    ``ballot_spoiled`` event, in one transaction. The token stays unspent: the voter starts over with it."""
    e = station.election
    if not station.accepts_ballots:
        return refuse(station, RefusalReason.POLLS_NOT_OPEN, now)
    sealed = make_ballot(station.key, e, admitted.token.serial, encryption).sealed_ballot
    store = station.store

    def write() -> None:
        store.insert_spoiled(sealed.ballot_id, sealed.style, sealed.leaf(), encryption.nonce_seed)
        store.append(ev.BALLOT_SPOILED, {"time": now})

    refused = _write_unspent(station, sealed.token_key, write, now, "checked ballot")
    if refused is not None:
        return refused
    return Spoiled(sealed.ballot_id, spoiled_qr(e.tag, sealed.ballot_id, encryption.nonce_seed))


def _write_unspent(station: Station, token_ref: bytes, write: Callable[[], None], now: int,
                   what: str) -> Refused | None:
    """Run ``write`` in one transaction if the token is still unspent; the refusal, or None once COMMITted."""
    store = station.store
    try:
        with store.transaction():
            if store.token_used(token_ref):
                raise _AlreadyUsed
            write()
    except _AlreadyUsed:
        return refuse(station, RefusalReason.ALREADY_USED, now)
    except sqlite3.Error as e:
        station.refresh()
        if is_disk_full(e):
            log.error("the store is full: %s not written", what)
            return refuse(station, RefusalReason.DISK_FULL, now)
        raise StorageError(f"the {what} could not be written: {e}",
                           hint="the kiosk is out of service; call the technician") from e
    return None


def cast(station: Station, payload: object, selections: object, now: int) -> Cast | Refused:
    """Admit the token, prepare the ballot and commit it."""
    admitted = admit_token(station, payload, now)
    if isinstance(admitted, Refused):
        return admitted
    prepared = prepare_ballot(station, admitted, selections, now)
    if isinstance(prepared, Refused):
        return prepared
    return commit_ballot(station, prepared, now)


class _AlreadyUsed(Exception):
    """Raised inside the transaction only to roll it back."""
