"""Checking encrypted ballots' proofs on a pool of processes: the node's new cost per ballot.

The items (style, ballot id, encrypted ballot bytes: plain tuples) and the election are set
before the workers fork and are inherited, as in :mod:`sync.central.opening`; each worker is
given index ranges and returns only the failures (index, reason). The caller keeps the rule
"all or nothing per batch": a batch with any failure is refused whole, the first failure named.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Sequence

from kiosk.contract.ballot import SealedBallot, check_sealed_ballot
from kiosk.contract.crypto.encrypted_ballot import parse_ballot_bytes, verify_ballot
from kiosk.contract.election import Election
from kiosk.contract.keys import VerifyKey
from kiosk.errors import FormatError, ProofError, SignatureError

Item = tuple  # (style, ballot id, encrypted ballot bytes)
_state: dict = {}


def check_one(public_key: bytes, election: Election, item: Item) -> str | None:
    """What is wrong with one encrypted ballot, or None when it parses and every proof verifies."""
    style, ballot_id, data = item
    if election.style(style) is None:
        return f"ballot {ballot_id}: ballot style {style!r} is not in this election"
    try:
        verify_ballot(public_key, election, parse_ballot_bytes(data, election, style, ballot_id))
    except (FormatError, ProofError) as e:
        return e.message if e.message.startswith("ballot ") else f"ballot {ballot_id}: {e.message}"
    return None


def _check_span(span: tuple[int, int]) -> list[tuple[int, str]]:
    key, election, items = _state["key"], _state["election"], _state["items"]
    out = []
    for n in range(*span):
        problem = check_one(key, election, items[n])
        if problem:
            out.append((n, problem))
    return out


def check_all(public_key: bytes, election: Election, items: Sequence[Item], workers: int = 1,
              chunk: int = 64) -> list[tuple[int, str]]:
    """Every failure as (index, reason), in index order, checked on ``workers`` forked processes."""
    return _pooled(_check_span, len(items), workers, chunk, key=public_key, election=election, items=items)


def _pooled(check_span, count: int, workers: int, chunk: int, **state) -> list:
    """``check_span`` over [0, count) in spans of ``chunk``, on ``workers`` forked processes that inherit
    ``state``; every finding, sorted. One span (or one worker) runs here, without forking."""
    spans = [(s, min(s + chunk, count)) for s in range(0, count, chunk)]
    _state.update(state)
    try:
        if workers <= 1 or len(spans) <= 1:
            found = [f for span in spans for f in check_span(span)]
        else:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                found = [f for part in pool.map(check_span, spans) for f in part]
    finally:
        _state.clear()
    return sorted(found)


def sealed_problem(public_key: bytes, election: Election, kiosk: VerifyKey,
                   ballot: SealedBallot) -> tuple[str, str] | None:
    """(reason code, what failed) for a format-2 sealed ballot, or None when both signatures and every proof hold."""
    try:
        check_sealed_ballot(ballot, election, kiosk, public_key)
    except SignatureError as e:
        return ("bad_token_signature" if "token's signature" in e.message else "bad_ballot_signature"), e.message
    except (ProofError, FormatError) as e:
        return "bad_proof", e.message
    return None


def _check_sealed_span(span: tuple[int, int]) -> list[tuple[int, str, str]]:
    key, election, kiosks, ballots = _state["key"], _state["election"], _state["kiosks"], _state["ballots"]
    out = []
    for n in range(*span):
        kiosk_hex, ballot = ballots[n]
        problem = sealed_problem(key, election, kiosks.setdefault(kiosk_hex, VerifyKey.from_hex(kiosk_hex)), ballot)
        if problem:
            out.append((n, *problem))
    return out


def check_sealed_all(public_key: bytes, election: Election, ballots: Sequence[tuple[str, SealedBallot]],
                     workers: int = 1, chunk: int = 64) -> list[tuple[int, str, str]]:
    """Every failing (kiosk key hex, sealed ballot) as (index, code, reason), in index order, on ``workers`` processes.

    The node's check of a format-2 batch (both signatures, then the proofs): what a batch costs.
    """
    return _pooled(_check_sealed_span, len(ballots), workers, chunk, key=public_key, election=election, kiosks={},
                   ballots=ballots)
