"""Which papers the audit looks at: consistent sampling from a public seed. Pure.

Every paper of the population gets a *ticket*: the SHA-256 of ``kiosk-audit-ticket/1``, the
seed and the paper's label, read as a 256-bit number (Rivest's consistent sampling, as in his
``consistent_sampler``; Arlo draws from SHA-256 of the seed the same way). The sample of size n
is the n papers with the smallest tickets, in ticket order: a uniformly random sample without
replacement, the same for anyone who re-runs it with the same seed, and growing the sample (an
escalation) keeps every paper already drawn. The seed is at least 20 decimal digits from public
dice rolls, entered after the results are published, so nobody could know the sample while a
result could still change.

A label is text: ``station/box/position`` for a polling audit (the position of the paper in its
box, counted from 1) and ``ballot_id_hex`` for a comparison audit. A sub-population (the ballots
whose style shows a contest) is sampled by walking the same order and keeping its members,
which is again uniform without replacement within it.
"""

from __future__ import annotations

import hashlib
import heapq
from typing import Iterable, Iterator

TICKET_CONTEXT = b"kiosk-audit-ticket/1\x00"
MIN_SEED_DIGITS = 20


class SeedRefused(ValueError):
    """The seed is not at least 20 decimal digits."""


def check_seed(seed: str) -> str:
    """``seed`` as given, or :class:`SeedRefused` naming the rule."""
    if not (seed.isascii() and seed.isdigit() and len(seed) >= MIN_SEED_DIGITS):
        raise SeedRefused(f"the seed must be at least {MIN_SEED_DIGITS} decimal digits from public dice rolls "
                          f"(got {len(seed)} characters{'' if seed.isdigit() else ', not all digits'}) / "
                          f"시드는 공개 주사위로 정한 {MIN_SEED_DIGITS}자리 이상의 숫자여야 합니다")
    return seed


def ticket(seed: str, label: str) -> int:
    """The paper's ticket number (smaller is drawn first)."""
    digest = hashlib.sha256(TICKET_CONTEXT + seed.encode("ascii") + b"\x00" + label.encode("utf-8")).digest()
    return int.from_bytes(digest, "big")


def draw(seed: str, labels: Iterable[str], n: int) -> list[str]:
    """The ``n`` labels with the smallest tickets, in drawing order."""
    check_seed(seed)
    return [label for _, label in heapq.nsmallest(n, ((ticket(seed, label), label) for label in labels))]


def order(seed: str, labels: Iterable[str]) -> Iterator[str]:
    """Every label in drawing order (for simulations and for walking a sub-population)."""
    check_seed(seed)
    yield from (label for _, label in sorted((ticket(seed, label), label) for label in labels))
