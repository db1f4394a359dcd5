"""Known-answer vectors of the verifiable count's protocol core, from a fixed seed.

``python tests/vectors/make_crypto_vectors.py`` rewrites ``crypto.json`` beside it;
``tests/test_crypto_core.py`` rebuilds it in memory and compares, then checks every vector with
the verifier alone. A stranger re-implementing ``docs/crypto.md`` checks their code against it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from kiosk.contract.canonical import b64url  # noqa: E402
from kiosk.contract.crypto import group  # noqa: E402
from kiosk.contract.crypto.contest import ContestRule, ballot_context, encrypt_contest  # noqa: E402
from kiosk.contract.crypto.elgamal import encrypt  # noqa: E402
from kiosk.contract.crypto.threshold import (Ceremony, election_key, make_trustee, partial_decrypt,  # noqa: E402
                                             secret_key_share)
from kiosk.contract.keys import EncryptionKey  # noqa: E402
from kiosk.contract.crypto.proofs import proofs_to_json, prove_equal_logs, prove_knowledge, prove_range  # noqa: E402

SEED = b"kiosk crypto vectors 1"
FINGERPRINT = bytes(range(32))


def build() -> dict:
    """The vectors as a JSON-ready dict (deterministic: every random scalar comes from SEED)."""
    rng = group.SeededScalars(SEED)
    x = rng()
    y = group.mul_base(x)
    out: dict = {"seed": SEED.decode(), "order": str(group.L)}
    out["group"] = {
        "generator": b64url(group.G),
        "multiples": [b64url(group.mul_base(k)) for k in (2, 3, 5, group.L - 1)],
        "identity": b64url(group.IDENTITY),
        "hash_to_scalar": {"tag": "test", "parts": ["", "abc"],
                           "scalar": b64url(group.scalar_bytes(group.hash_to_scalar(b"test", b"", b"abc")))},
        "hash_to_point": {"tag": "test", "parts": ["abc"], "point": b64url(group.hash_to_point(b"test", b"abc"))},
    }
    out["key"] = {"secret": b64url(group.scalar_bytes(x)), "public": b64url(y)}
    ctx = b"vector context"
    out["knowledge"] = {"context": ctx.decode(), "proof": prove_knowledge(x, y, ctx, rng).to_json()}
    r = rng()
    ct = encrypt(y, 1, r)
    share = group.mul(x, ct.alpha)
    out["encryption"] = {"m": 1, "nonce": b64url(group.scalar_bytes(r)), "ciphertext": ct.to_json()}
    out["equal_logs"] = {"context": ctx.decode(), "base": b64url(ct.alpha), "share": b64url(share),
                         "proof": prove_equal_logs(x, ct.alpha, y, share, ctx, rng).to_json()}
    out["range"] = {"context": ctx.decode(), "values": [0, 1],
                    "proof": proofs_to_json(prove_range(y, ct, r, 1, [0, 1], ctx, rng))}
    rule = ContestRule(options=4, option_max=1, min_sum=1, max_sum=2)
    bctx = ballot_context(FINGERPRINT, "S1", "vector-ballot", "C1")
    contest, nonces = encrypt_contest(y, rule, [0, 1, 1, 0], bctx, rng)
    out["contest"] = {"fingerprint": FINGERPRINT.hex(), "style": "S1", "ballot_id": "vector-ballot",
                      "contest_id": "C1", "rule": {"options": 4, "option_max": 1, "min_sum": 1, "max_sum": 2},
                      "selections": [0, 1, 1, 0], "nonces": [b64url(group.scalar_bytes(n)) for n in nonces],
                      "encrypted": contest.to_json()}
    score = ContestRule(options=3, option_max=3, min_sum=0, max_sum=9)
    sctx = ballot_context(FINGERPRINT, "S1", "vector-ballot", "C2")
    scored, _ = encrypt_contest(y, score, [3, 0, 2], sctx, rng)
    out["score_contest"] = {"contest_id": "C2", "rule": {"options": 3, "option_max": 3, "min_sum": 0, "max_sum": 9},
                            "selections": [3, 0, 2], "encrypted": scored.to_json()}
    out["threshold"] = threshold_vectors()
    out["ballot_v2"] = ballot_v2_vector(y, rng)
    return out


def vector_election():
    """The 24-community Ttabok election that the ballot vector is made for (tests/vectors/vector_election.py)."""
    sys.path.insert(0, str(HERE))
    from vector_election import vector_election as election
    return election()


def ballot_v2_vector(y: bytes, rng) -> dict:
    """A format-2 sealed ballot of style C001 (likes P002 and P007) under the vector key."""
    from kiosk.contract.ballot import seal_ballot
    from kiosk.contract.crypto.encrypted_ballot import ballot_bytes, encrypt_ballot
    from kiosk.contract.keys import SigningKey
    election = vector_election()
    ballot_id, serial, seed = bytes(range(16)), bytes(range(16, 32)), bytes(range(64, 96))
    encrypted = encrypt_ballot(y, election, "C001", ballot_id.hex(), {"G01": ["P002", "P007"]}, seed, rng)
    kiosk = SigningKey(bytes(range(100, 132)))
    sealed = seal_ballot(kiosk, election, serial, ballot_id, "C001", ballot_bytes(encrypted))
    return {"election_fingerprint_hex": election.fingerprint_hex, "kiosk_key_hex": kiosk.verify_key.hex,
            "serial_hex": serial.hex(), "nonce_seed_hex": seed.hex(), "selections": {"G01": ["P002", "P007"]},
            "leaf": sealed.leaf().decode()}


def threshold_vectors() -> dict:
    """A 2-of-3 ceremony, an aggregate of three ballots, two trustees' partial decryptions."""
    rng = group.SeededScalars(SEED + b" threshold")
    ceremony = Ceremony("vector-1", count=3, threshold=2)
    made = [make_trustee(ceremony, i, rng, EncryptionKey(bytes([i]) * 32)) for i in (1, 2, 3)]
    announcements = {a.index: a for _, a in made}
    y = election_key(announcements)
    key_shares = {s.index: secret_key_share({t.index: t.share_for(s.index) for t, _ in made}) for s, _ in made}
    rule = ContestRule(options=2, option_max=1, min_sum=0, max_sum=1)
    from kiosk.contract.crypto.contest import aggregate
    ballots = [encrypt_contest(y, rule, sel, ballot_context(FINGERPRINT, "S1", f"b{n}", "C1"), rng)[0]
               for n, sel in enumerate([[1, 0], [0, 1], [1, 0]])]
    agg = aggregate(ballots, 2)
    ctx = b"vector tally"
    return {"election": ceremony.election, "count": 3, "threshold": 2,
            "announcements": [announcements[i].to_json() for i in (1, 2, 3)], "election_key": b64url(y),
            "ballots": [b.to_json() for b in ballots], "aggregate": [c.to_json() for c in agg],
            "context": ctx.decode(),
            "partials": [partial_decrypt(ceremony, i, key_shares[i], agg, [3, 3], 3, ctx, rng).to_json() for i in (1, 3)],
            "result": [2, 1]}


if __name__ == "__main__":
    (HERE / "crypto.json").write_text(json.dumps(build(), indent=1, sort_keys=True) + "\n")
    print("wrote", HERE / "crypto.json")
