"""Opening sealed selections at tally: check the kiosk's signature, open, unpad, check the rules, count.

The work is split into chunks over worker processes (fork: the rebuilt election key is
inherited, never sent through a pipe or written anywhere). Each worker returns a
:class:`kiosk.tally_rules.Count` and a tally of problems by reason; nothing per ballot leaves a
worker, so the order of opening is nowhere recorded.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Iterable, Iterator

import nacl.exceptions

from kiosk.ballot import unpad_selections
from kiosk.batch import SealedBallot
from kiosk.canonical import canonical_bytes, parse_json
from kiosk.election import Election
from kiosk.errors import FormatError
from kiosk.keys import EncryptionKey, VerifyKey
from kiosk.rules import check_selections
from kiosk.tally_rules import Count

CHUNK = 2000


@dataclass(frozen=True)
class ToOpen:
    """One ballot as the workers need it: the sealed ballot and its kiosk's key (raw)."""

    ballot: SealedBallot
    kiosk_key: bytes


_state: dict = {}


def _init(key: EncryptionKey, election: Election) -> None:
    _state.update(key=key, election=election, kiosks={})


def open_chunk(items: list[ToOpen]) -> tuple[Count, Counter]:
    """Open and count a chunk in this process (the worker's job; also used without workers)."""
    key, election, kiosks = _state["key"], _state["election"], _state["kiosks"]
    count, problems = Count(), Counter()
    for item in items:
        verifier = kiosks.get(item.kiosk_key) or kiosks.setdefault(item.kiosk_key, VerifyKey(item.kiosk_key))
        ballot = item.ballot
        if not ballot.signature_valid(verifier):  # the signed message is built here, in the worker
            problems["bad_ballot_signature"] += 1
            continue
        try:
            plain = unpad_selections(key.open(ballot.sealed))
            selections = parse_json(plain, "selections")
        except (nacl.exceptions.CryptoError, FormatError):
            problems["does_not_open"] += 1
            continue
        if canonical_bytes(selections) != plain or check_selections(election, ballot.style, selections):
            problems["breaks_the_rules"] += 1
            continue
        count.add(election, ballot.style, selections)
    return count, problems


def _chunks(items: Iterable[ToOpen], size: int) -> Iterator[list[ToOpen]]:
    chunk: list[ToOpen] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def open_all(key: EncryptionKey, election: Election, items: Iterable[ToOpen], workers: int = 1,
             expected: int = 0) -> tuple[Count, Counter]:
    """Open and count every ballot, on ``workers`` processes (1: in this process).

    ``expected`` (how many items) sizes the chunks so that every worker gets several: the last
    chunk of an uneven split would otherwise leave one core idle.
    """
    total, problems = Count(), Counter()
    size = max(100, min(CHUNK, expected // (workers * 8))) if expected else CHUNK
    if workers <= 1:
        _init(key, election)
        try:
            for chunk in _chunks(items, size):
                count, bad = open_chunk(chunk)
                total.merge(count)
                problems.update(bad)
        finally:
            _state.clear()
        return total, problems
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init, initargs=(key, election)) as pool:
        for count, bad in pool.map(open_chunk, _chunks(items, size)):
            total.merge(count)
            problems.update(bad)
    return total, problems
