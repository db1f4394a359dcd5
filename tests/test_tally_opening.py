"""Opening at tally: the fast per-ballot path counts exactly what the plain per-ballot code counts,
and every ballot it does not count gets the same reason (forged, unopenable, badly padded,
non-canonical, float, duplicate key, rule-breaking, not UTF-8, an odd style)."""

from __future__ import annotations

import json
import struct

import pytest

from kiosk.contract.ballot import padded_length
from kiosk.contract.batch import SealedBallot, sign_sealed_ballot
from kiosk.contract.keys import EncryptionKey, SigningKey, seal_to
from kiosk.contract.package import create_package
from kiosk.contract.tally_rules import Count
from kiosk.contract.ttabok import ttabok_spec
from storehelp import choices
from sync.central import opening

ENCRYPTION = EncryptionKey(bytes(range(1, 33)))
KIOSK = SigningKey(bytes(range(32)))


@pytest.fixture(scope="module")
def election(tmp_path_factory):
    return create_package(tmp_path_factory.mktemp("e") / "e", ttabok_spec(4), encryption=ENCRYPTION).election


def row(election, style, text: bytes, i: int, *, to=ENCRYPTION.public_raw, key=KIOSK, pad=b"", stated=None):
    plain = struct.pack(">H", len(text) if stated is None else stated) + text + pad
    sealed = seal_to(to, plain + bytes(max(0, padded_length(election, election.styles[0].id) - len(plain))))
    unsigned = SealedBallot(bytes([i]) * 16, bytes([100 + i]) * 16, style, sealed, b"")
    return (KIOSK.verify_key.raw, unsigned.ballot_id, unsigned.serial, style, sealed, sign_sealed_ballot(key, unsigned))


def cases(election):
    style = election.styles[0].id
    good = json.dumps(choices(election, style, 1), sort_keys=True, separators=(",", ":")).encode()
    contest = election.style(style).contests[0]
    return {
        "valid": row(election, style, good, 1),
        "forged": row(election, style, good, 2, key=SigningKey(bytes(32))),
        "other key": row(election, style, good, 3, to=EncryptionKey(bytes(32)).public_raw),
        "padding": row(election, style, good, 4, pad=b"\x01"),
        "length prefix": row(election, style, good, 5, stated=4000),
        "spaces": row(election, style, good.replace(b":", b": "), 6),
        "float": row(election, style, json.dumps({contest: [1.0]}).replace(" ", "").encode(), 7),
        "duplicate": row(election, style, b'{"%s":[],"%s":[]}' % (contest.encode(), contest.encode()), 8),
        "too many": row(election, style, json.dumps({contest: [o.id for o in election.contest(contest).options]},
                                                    separators=(",", ":")).encode(), 9),
        "not utf-8": row(election, style, b'{"\xff":[]}', 10),
        "odd style": row(election, "C 1\n", good, 11),
        "unknown style": row(election, "Z999", good, 12),
        "empty": row(election, style, b"{}", 13),
    }


def test_each_ballot_counted_or_named_as_the_plain_code_does(election):
    opening._state.update(key=ENCRYPTION, election=election)
    try:
        for name, r in cases(election).items():
            reason, selections = opening.problem(ENCRYPTION, election, r)
            count, problems = opening.open_chunk([r])
            expected = Count()
            if reason is None:
                expected.add(election, r[3], selections)
            assert (count, dict(problems)) == (expected, {reason: 1} if reason else {}), name
    finally:
        opening._state.clear()


def test_reasons_and_counts_over_workers(election):
    rows = list(cases(election).values()) * 3
    count, problems = opening.open_all(ENCRYPTION, election, rows, workers=2)
    assert dict(problems) == {"bad_ballot_signature": 3, "does_not_open": 18, "breaks_the_rules": 12}
    assert count.ballots == 6 and opening.open_all(ENCRYPTION, election, rows, workers=1) == (count, problems)
