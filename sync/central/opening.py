"""Opening sealed selections at tally: check the kiosk's signature, open, unpad, check the rules, count.

The rows (kiosk key, ballot id, serial, style, sealed form, signature: plain tuples, not
objects) are read from the store first; then worker processes are forked and inherit them
with the rebuilt election key (never sent through a pipe or written anywhere), and each is
given ranges of the list to open: nothing is pickled per ballot and the main process only
waits. Each worker returns a :class:`kiosk.contract.tally_rules.Count` and a
tally of problems by reason; nothing per ballot leaves a worker, so the order of opening is
nowhere recorded.
"""

from __future__ import annotations

import json
import multiprocessing
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from typing import Iterable, Sequence

import nacl.bindings
import nacl.exceptions

from kiosk.contract.ballot import unpad_selections
from kiosk.contract.batch import SEALED_BALLOT_CONTEXT, SealedBallot, sealed_ballot_message
from kiosk.contract.canonical import canonical_bytes, parse_json
from kiosk.contract.election import Election
from kiosk.errors import FormatError
from kiosk.contract.keys import EncryptionKey, VerifyKey
from kiosk.contract.rules import check_selections
from kiosk.contract.tally_rules import Count

CHUNK = 2000
Row = tuple  # (kiosk key raw, ballot id, serial, style, sealed, signature)

_state: dict = {}
_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode
_DECODE = json.JSONDecoder().decode


def problem(key: EncryptionKey, election: Election, row: Row) -> tuple[str | None, dict | None]:
    """One ballot the plain way, objects and all: (the problem, None) or (None, the selections).

    The reference for :func:`open_chunk`, which counts a ballot only when this would, and asks
    this for the reason of every ballot it does not count.
    """
    kiosk, ballot_id, serial, style, sealed, signature = row
    if not SealedBallot(ballot_id, serial, style, sealed, signature).signature_valid(VerifyKey(kiosk)):
        return "bad_ballot_signature", None
    try:
        plain = unpad_selections(key.open(sealed))
        selections = parse_json(plain, "selections")
    except (nacl.exceptions.CryptoError, FormatError):
        return "does_not_open", None
    if canonical_bytes(selections) != plain or check_selections(election, style, selections):
        return "breaks_the_rules", None
    return None, selections


def open_chunk(rows: Sequence[Row]) -> tuple[Count, Counter]:
    """Open and count rows in this process (a worker's job; also used without workers).

    Every ballot: its kiosk signature checked and its sealed form opened with libsodium's own
    calls (no object per ballot), the padding and the canonical JSON checked, the rules checked,
    counted. A ballot that fails anything is handed to :func:`problem` to name the reason.
    """
    key, election = _state["key"], _state["election"]
    count, problems = Count(), Counter()
    secret, public = key.secret, key.public_raw
    sign_open, seal_open = nacl.bindings.crypto_sign_open, nacl.bindings.crypto_box_seal_open
    encode, decode, add, message = _ENCODE, _DECODE, count.add, sealed_ballot_message
    prefix = SEALED_BALLOT_CONTEXT.encode("ascii") + b"\x00"
    for row in rows:
        kiosk, ballot_id, serial, style, sealed, signature = row
        try:
            sign_open(signature + prefix + message(ballot_id, serial, style, sealed), kiosk)
            plain = seal_open(sealed, public, secret)
            end = 2 + int.from_bytes(plain[:2], "big")
            if len(plain) < 2 or end > len(plain) or plain.count(0, end) != len(plain) - end:
                raise ValueError("padding")
            text = plain[2:end].decode("utf-8")
            selections = decode(text)
            if encode(selections) != text or check_selections(election, style, selections):
                raise ValueError("rules")
        except Exception:  # noqa: BLE001 - any failure is named by the reference below
            reason, selections = problem(key, election, row)
            if reason:
                problems[reason] += 1
                continue
        add(election, style, selections)
    return count, problems


def _open_range(span: tuple[int, int]) -> tuple[Count, Counter]:
    return open_chunk(_state["rows"][span[0]:span[1]])


def chunk_size(expected: int, workers: int) -> int:
    """Chunks small enough that every worker gets several (an uneven last chunk idles a core)."""
    return max(100, min(CHUNK, expected // (workers * 8))) if expected else CHUNK


def open_all(key: EncryptionKey, election: Election, rows: Sequence[Row], workers: int = 1) -> tuple[Count, Counter]:
    """Open and count every row, on ``workers`` forked processes (1: in this process)."""
    total, problems = Count(), Counter()
    size = chunk_size(len(rows), workers)
    _state.update(key=key, election=election, rows=rows)  # the workers inherit them at fork
    try:
        if workers <= 1:
            results: Iterable[tuple[Count, Counter]] = map(_open_range, _spans(len(rows), size))
            for count, bad in results:
                total.merge(count)
                problems.update(bad)
            return total, problems
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for count, bad in pool.map(_open_range, _spans(len(rows), size)):
                total.merge(count)
                problems.update(bad)
    finally:
        _state.clear()
    return total, problems


def _spans(length: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, length)) for start in range(0, length, size)]
