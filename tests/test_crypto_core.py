"""The protocol core of the verifiable count (kiosk/contract/crypto): known answers, refusals, properties."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from kiosk.contract.canonical import b64url, from_b64url
from kiosk.contract.crypto import group
from kiosk.contract.crypto.contest import ContestRule, EncryptedContest, ballot_context, encrypt_contest, verify_contest
from kiosk.contract.crypto.elgamal import Ciphertext, DiscreteLog, decrypt_point, encrypt, total
from kiosk.contract.crypto.proofs import (Proof, proofs_from_json, prove_equal_logs, prove_knowledge, prove_range,
                                          verify_equal_logs, verify_knowledge, verify_range)
from kiosk.errors import FormatError, ProofError

HERE = Path(__file__).resolve().parent / "vectors"
_spec = importlib.util.spec_from_file_location("make_crypto_vectors", HERE / "make_crypto_vectors.py")
make_crypto_vectors = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_crypto_vectors)
VECTORS = json.loads((HERE / "crypto.json").read_text())

X = group.SeededScalars(b"test key")()
Y = group.mul_base(X)
RULE = ContestRule(options=11, option_max=1, min_sum=0, max_sum=6)   # a Ttabok community's proposals
CTX = ballot_context(bytes(32), "S1", "ballot-1", "C1")


def pt(text: str) -> bytes:
    return from_b64url(text, "vector")


def sc(text: str) -> int:
    return group.decode_scalar(pt(text))


# --- known answers ------------------------------------------------------------------------------

def test_vector_file_matches_the_code():
    assert VECTORS == json.loads(json.dumps(make_crypto_vectors.build())), \
        "regenerate with: python tests/vectors/make_crypto_vectors.py"


def test_group_vectors_are_ristretto255():
    v = VECTORS["group"]
    # the standard generator's encoding (RFC 9496, appendix A.1: the first multiple is B itself)
    assert v["generator"] == b64url(bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"))
    assert pt(v["multiples"][0]) == bytes.fromhex("6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919")
    assert group.add(pt(v["multiples"][3]), group.G) == group.IDENTITY      # (L-1)·g + g = O
    assert group.is_point(pt(v["identity"]))


def test_proof_vectors_verify_with_the_verifier_alone():
    y = pt(VECTORS["key"]["public"])
    assert group.mul_base(sc(VECTORS["key"]["secret"])) == y
    ctx = VECTORS["knowledge"]["context"].encode()
    verify_knowledge(y, Proof.from_json(VECTORS["knowledge"]["proof"]), ctx)
    ct = Ciphertext.from_json(VECTORS["encryption"]["ciphertext"])
    assert encrypt(y, 1, sc(VECTORS["encryption"]["nonce"])) == ct
    e = VECTORS["equal_logs"]
    verify_equal_logs(pt(e["base"]), y, pt(e["share"]), Proof.from_json(e["proof"]), ctx)
    r = VECTORS["range"]
    verify_range(y, ct, proofs_from_json(r["proof"], "range", 2), r["values"], ctx)


def test_contest_vectors_verify_and_open_with_their_nonces():
    y = pt(VECTORS["key"]["public"])
    v = VECTORS["contest"]
    rule = ContestRule(**v["rule"])
    ctx = ballot_context(bytes.fromhex(v["fingerprint"]), v["style"], v["ballot_id"], v["contest_id"])
    contest = EncryptedContest.from_json(v["encrypted"], rule)
    verify_contest(y, rule, contest, ctx)
    for ct, nonce, m in zip(contest.ciphertexts, v["nonces"], v["selections"]):   # the Benaloh check
        assert encrypt(y, m, sc(nonce)) == ct
    s = VECTORS["score_contest"]
    srule = ContestRule(**s["rule"])
    scored = EncryptedContest.from_json(s["encrypted"], srule)
    verify_contest(y, srule, scored, ballot_context(bytes.fromhex(v["fingerprint"]), v["style"], v["ballot_id"], s["contest_id"]))
    x = sc(VECTORS["key"]["secret"])
    assert [DiscreteLog(3).find(decrypt_point(x, c)) for c in scored.ciphertexts] == s["selections"]


# --- the group's edges --------------------------------------------------------------------------

def test_zero_scalar_and_identity_point_are_handled():
    p = group.mul_base(7)
    assert group.mul(0, p) == group.IDENTITY and group.mul(group.L, p) == group.IDENTITY
    assert group.mul(5, group.IDENTITY) == group.IDENTITY and group.mul_base(0) == group.IDENTITY
    assert group.sub(p, p) == group.IDENTITY and group.add(group.IDENTITY, p) == p
    assert group.add(p, group.neg(p)) == group.IDENTITY


@pytest.mark.parametrize("bad", [
    bytes([1]) + bytes(31),                 # a "negative" field element: not canonical
    b"\xff" * 31 + b"\x7f",                 # >= p: not canonical
    b"\xed" + b"\xff" * 30 + b"\x7f",       # exactly p
    bytes(31),                              # short
    b"\x00" * 32 + b"\x00",                 # long
    group.mul_base(3)[:31] + bytes([group.mul_base(3)[31] | 0x80]),   # the top bit set
])
def test_points_off_the_group_and_non_canonical_encodings_are_refused(bad):
    assert not group.is_point(bad)
    with pytest.raises(FormatError, match="alpha"):
        Ciphertext.from_json([b64url(bad), b64url(group.G)])


def test_non_canonical_scalars_are_refused():
    with pytest.raises(FormatError, match="not reduced"):
        Proof.from_json([b64url(group.L.to_bytes(32, "little")), b64url(bytes(32))])
    with pytest.raises(FormatError):
        Proof.from_json([b64url(bytes(31)), b64url(bytes(32))])


# --- refusals -----------------------------------------------------------------------------------

def test_wrong_knowledge_proofs_are_refused():
    proof = prove_knowledge(X, Y, b"trustee 1")
    verify_knowledge(Y, proof, b"trustee 1")
    for bad, ctx in [(Proof(proof.c, proof.v + 1), b"trustee 1"), (Proof(proof.c + 1, proof.v), b"trustee 1"),
                     (proof, b"trustee 2")]:
        with pytest.raises(ProofError, match="trustee key"):
            verify_knowledge(Y, bad, ctx, "trustee key")


def test_wrong_decryption_share_is_refused():
    ct = encrypt(Y, 3, 1234)
    share = group.mul(X, ct.alpha)
    proof = prove_equal_logs(X, ct.alpha, Y, share, b"t")
    verify_equal_logs(ct.alpha, Y, share, proof, b"t")
    wrong = group.add(share, group.G)
    with pytest.raises(ProofError, match="trustee 2"):
        verify_equal_logs(ct.alpha, Y, wrong, proof, b"t", "trustee 2")
    with pytest.raises(ProofError):   # a proof made for the wrong share by the key holder still fails
        verify_equal_logs(ct.alpha, Y, wrong, prove_equal_logs(X, ct.alpha, Y, wrong, b"t"), b"t")


def test_tampered_option_proof_names_the_option():
    contest, _ = encrypt_contest(Y, RULE, [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], CTX)
    verify_contest(Y, RULE, contest, CTX)
    proofs = list(contest.option_proofs)
    proofs[4] = (Proof(proofs[4][0].c, (proofs[4][0].v + 1) % group.L), proofs[4][1])
    with pytest.raises(ProofError, match="option 5"):
        verify_contest(Y, RULE, EncryptedContest(contest.ciphertexts, tuple(proofs), contest.sum_proof), CTX)


def test_wrong_challenge_and_other_ballots_context_are_refused():
    contest, _ = encrypt_contest(Y, RULE, [0] * 11, CTX)
    with pytest.raises(ProofError, match="option 1"):
        verify_contest(Y, RULE, contest, ballot_context(bytes(32), "S1", "ballot-2", "C1"))
    p = contest.option_proofs[0]
    swapped = ((Proof((p[0].c + 1) % group.L, p[0].v), Proof((p[1].c - 1) % group.L, p[1].v)),) + contest.option_proofs[1:]
    with pytest.raises(ProofError, match="option 1"):   # the challenges still add up, the commitments do not
        verify_contest(Y, RULE, EncryptedContest(contest.ciphertexts, swapped, contest.sum_proof), CTX)


def test_an_encryption_of_2_is_refused():
    contest, nonces = encrypt_contest(Y, RULE, [1] + [0] * 10, CTX)
    two = encrypt(Y, 2, nonces[0])
    with pytest.raises(ValueError):
        prove_range(Y, two, nonces[0], 2, [0, 1], CTX)
    cts = (two,) + contest.ciphertexts[1:]
    with pytest.raises(ProofError, match="option 1"):
        verify_contest(Y, RULE, EncryptedContest(cts, contest.option_proofs, contest.sum_proof), CTX)


def test_an_over_vote_is_refused_at_the_sum():
    """Seven likes where six are allowed: every option proof holds, the sum proof cannot."""
    with pytest.raises(ValueError):
        encrypt_contest(Y, RULE, [1] * 7 + [0] * 4, CTX)
    loose = ContestRule(options=11, option_max=1, min_sum=0, max_sum=11)
    over, _ = encrypt_contest(Y, loose, [1] * 7 + [0] * 4, CTX)
    honest, _ = encrypt_contest(Y, RULE, [1] * 6 + [0] * 5, CTX)
    forged = EncryptedContest(over.ciphertexts, over.option_proofs, honest.sum_proof)
    with pytest.raises(ProofError, match="sum"):
        verify_contest(Y, RULE, forged, CTX)
    with pytest.raises(FormatError):   # no sum proof at all does not parse under the rule
        EncryptedContest.from_json(over.to_json(), RULE)


# --- properties ---------------------------------------------------------------------------------

@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=1, max_size=5), st.integers(0, 2**64))
def test_any_allowed_selection_verifies_round_trips_and_tallies(selections, seed):
    rule = ContestRule(options=len(selections), option_max=3, min_sum=0, max_sum=max(1, sum(selections)))
    rng = group.SeededScalars(seed.to_bytes(9, "big"))
    contest, _ = encrypt_contest(Y, rule, selections, CTX, rng)
    parsed = EncryptedContest.from_json(json.loads(json.dumps(contest.to_json())), rule)
    assert parsed == contest
    verify_contest(Y, rule, parsed, CTX)
    assert DiscreteLog(3 * len(selections)).find(decrypt_point(X, total(parsed.ciphertexts))) == sum(selections)


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=50),
                    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=12), c, max_size=4),
                    max_leaves=20))
def test_the_contest_parser_refuses_junk_with_a_format_error(value):
    with pytest.raises(FormatError):
        EncryptedContest.from_json(value, ContestRule(options=2))


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_random_bytes_are_either_a_group_element_or_refused(data):
    if group.is_point(data):
        assert group.add(data, group.IDENTITY) == data and group.sub(group.add(data, group.G), group.G) == data
    else:
        with pytest.raises(FormatError):
            group.decode_point(data)


def test_discrete_log_bounds():
    dl = DiscreteLog(1000)
    assert [dl.find(group.mul_base(m)) for m in (0, 1, 31, 32, 999, 1000)] == [0, 1, 31, 32, 999, 1000]
    assert dl.find(group.mul_base(1001)) is None and dl.find(group.mul_base(5000)) is None
