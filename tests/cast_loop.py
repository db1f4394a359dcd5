"""The child of test_cast_kill9.py: cast ballots in a loop until killed.

Runs in a process forked from a multiprocessing fork server that has already imported the
kiosk, so a round costs a fork, not an interpreter start. It sends ``READY`` once the station
is open, then one message per token from index ``start``: ``CAST i ballot_id_hex`` after
cast() returned Cast (so after COMMIT), ``REFUSED i reason`` otherwise. It seals a batch every
``seal_every`` casts, so some kills land in sealing too.
"""

from __future__ import annotations

import time

from kiosk.station.casting import Cast, cast
from kiosk.station.sealing import seal
from kiosk.station.station import Station
from storehelp import NOW, choices


def cast_loop(root: str, tokens: list[tuple[str, str]], start: int, seal_every: int, out) -> None:
    """Cast from ``start`` on, reporting each outcome through ``out`` (a multiprocessing Connection)."""
    with Station.open(root) as station:
        out.send_bytes(b"READY")
        for i in range(start, len(tokens)):
            style, payload = tokens[i]
            result = cast(station, payload, choices(station.election, style, n=i % 4), NOW + i)
            if isinstance(result, Cast):
                out.send_bytes(f"CAST {i} {result.ballot_id.hex()}".encode())
                if seal_every and station.ballots % seal_every == 0:
                    seal(station, NOW + i)
            else:
                out.send_bytes(f"REFUSED {i} {result.reason.value}".encode())
        out.send_bytes(b"DONE")
        time.sleep(60)  # out of tokens: wait to be killed
