"""The dealer-free key ceremony, partial decryptions and the k-of-n tally of aggregates (kiosk/contract/crypto/threshold)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from kiosk.contract.crypto import group
from kiosk.contract.crypto.contest import ContestRule, EncryptedContest, aggregate, ballot_context, encrypt_contest, verify_contest
from kiosk.contract.crypto.elgamal import DiscreteLog
from kiosk.contract.crypto.proofs import Proof
from kiosk.contract.crypto.threshold import (Announcement, Ceremony, PartialDecryption, check_announcements, combine,
                                             election_key, make_trustee, open_share, partial_decrypt, seal_share,
                                             secret_key_share, verification_key)
from kiosk.errors import FormatError, ProofError

CEREMONY = Ceremony("vector-1", count=5, threshold=3)
RULE = ContestRule(options=4, option_max=1, min_sum=0, max_sum=2)


def run_ceremony(ceremony=CEREMONY, seed=b"ceremony"):
    rng = group.SeededScalars(seed)
    made = [make_trustee(ceremony, i, rng) for i in range(1, ceremony.count + 1)]
    secrets = {s.index: s for s, _ in made}
    # every announcement travels as JSON and is checked by everyone
    announcements = check_announcements(ceremony, [Announcement.from_json(json.loads(json.dumps(a.to_json())), ceremony)
                                                   for _, a in made])
    # every trustee sends every trustee (themselves included) a sealed share
    mail = {(i, l): json.loads(json.dumps(seal_share(ceremony, secrets[i], announcements[l])))
            for i in secrets for l in secrets}
    key_shares = {l: secret_key_share({i: open_share(ceremony, secrets[l], announcements[i], mail[(i, l)])
                                       for i in secrets}) for l in secrets}
    return secrets, announcements, mail, key_shares


SECRETS, ANNOUNCEMENTS, MAIL, KEY_SHARES = run_ceremony()
Y = election_key(ANNOUNCEMENTS)


def test_no_dealer_yet_the_pieces_fit():
    whole = sum(s.coefficients[0] for s in SECRETS.values()) % group.L   # no real machine computes this
    assert group.mul_base(whole) == Y
    for l, x in KEY_SHARES.items():
        assert group.mul_base(x) == verification_key(ANNOUNCEMENTS, l)


def cast(n, seed=b"ballots"):
    rng = group.SeededScalars(seed)
    ballots, expected = [], [0] * RULE.options
    for b in range(n):
        sel = [(b + i) % 3 == 0 for i in range(RULE.options)]
        sel = [int(v) for v in sel][:2] + [0] * (RULE.options - 2) if sum(sel) > 2 else [int(v) for v in sel]
        ctx = ballot_context(bytes(32), "S1", f"b{b}", "C1")
        contest, _ = encrypt_contest(Y, RULE, sel, ctx, rng)
        verify_contest(Y, RULE, contest, ctx)
        ballots.append(contest)
        expected = [e + s for e, s in zip(expected, sel)]
    return ballots, expected


BALLOTS, EXPECTED = cast(12)
AGG = aggregate(BALLOTS, RULE.options)
TALLY_CTX = b"tally C1"


def decrypt_with(trustees, floor=10):
    partials = [json.loads(json.dumps(partial_decrypt(CEREMONY, l, KEY_SHARES[l], AGG, [len(BALLOTS)] * len(AGG), floor,
                                                      TALLY_CTX).to_json())) for l in trustees]
    parsed = [PartialDecryption.from_json(p, CEREMONY, len(AGG)) for p in partials]
    points = combine(CEREMONY, ANNOUNCEMENTS, AGG, parsed, TALLY_CTX)
    dl = DiscreteLog(len(BALLOTS))
    return [dl.find(p) for p in points]


@pytest.mark.parametrize("trustees", [(1, 2, 3), (2, 4, 5), (5, 3, 1, 4), (1, 2, 3, 4, 5)])
def test_any_k_of_n_decrypt_the_tally(trustees):
    assert decrypt_with(trustees) == EXPECTED


def test_fewer_than_k_trustees_are_refused():
    with pytest.raises(ProofError, match="2 trustees decrypted, 3 are needed"):
        decrypt_with((1, 5))


def test_a_ballot_alone_is_never_decrypted():
    one = BALLOTS[0].ciphertexts
    with pytest.raises(ProofError, match="fewer than the floor of 10"):
        partial_decrypt(CEREMONY, 1, KEY_SHARES[1], list(one), [1] * len(one), 10, TALLY_CTX)


def test_a_wrong_partial_decryption_is_refused_and_named():
    good = partial_decrypt(CEREMONY, 4, KEY_SHARES[4], AGG, [12] * 4, 10, TALLY_CTX)
    bad_share = PartialDecryption(4, good.shares[:2] + (group.add(good.shares[2], group.G),) + good.shares[3:], good.proofs)
    with pytest.raises(ProofError, match="trustee 4's decryption share of aggregate 3"):
        combine(CEREMONY, ANNOUNCEMENTS, AGG, [bad_share] + [partial_decrypt(CEREMONY, l, KEY_SHARES[l], AGG, [12] * 4, 10,
                                                                               TALLY_CTX) for l in (1, 2)], TALLY_CTX)
    # a trustee's correct shares presented as another trustee's
    with pytest.raises(ProofError, match="trustee 2's decryption share of aggregate 1"):
        combine(CEREMONY, ANNOUNCEMENTS, AGG, [PartialDecryption(2, good.shares, good.proofs)], TALLY_CTX)
    # shares made for another aggregates file
    with pytest.raises(ProofError, match="trustee 4"):
        combine(CEREMONY, ANNOUNCEMENTS, AGG, [good], b"tally C2")


def test_a_trustees_wrong_share_is_refused_and_names_the_sender():
    cheat = SECRETS[2]
    forged = type(cheat)(2, (cheat.coefficients[0] + 1,) + cheat.coefficients[1:], cheat.transport)
    mail = seal_share(CEREMONY, forged, ANNOUNCEMENTS[3])
    with pytest.raises(ProofError, match="trustee 2's share for trustee 3 does not match trustee 2's published commitments"):
        open_share(CEREMONY, SECRETS[3], ANNOUNCEMENTS[2], mail)


def test_shares_open_only_for_their_addressee():
    with pytest.raises(FormatError, match="from trustee 1 to trustee 2"):
        open_share(CEREMONY, SECRETS[3], ANNOUNCEMENTS[1], MAIL[(1, 2)])
    relabelled = dict(MAIL[(1, 2)], to=3)
    with pytest.raises(ProofError, match="does not open"):
        open_share(CEREMONY, SECRETS[3], ANNOUNCEMENTS[1], relabelled)
    other = Ceremony("vector-2", count=5, threshold=3)
    with pytest.raises(ProofError, match="not for this ceremony"):
        open_share(other, SECRETS[2], ANNOUNCEMENTS[1], MAIL[(1, 2)])


def test_an_announcement_with_a_wrong_proof_is_refused_and_named():
    a = ANNOUNCEMENTS[3]
    tampered = Announcement(3, a.commitments, a.proofs[:1] + (Proof(a.proofs[1].c, (a.proofs[1].v + 1) % group.L),)
                            + a.proofs[2:], a.transport_public)
    with pytest.raises(ProofError, match="trustee 3's commitment 1"):
        check_announcements(CEREMONY, [tampered if x.index == 3 else x for x in ANNOUNCEMENTS.values()])
    # a commitment swapped for another trustee's (its proof is bound to trustee and coefficient)
    swapped = Announcement(3, (ANNOUNCEMENTS[4].commitments[0],) + a.commitments[1:],
                           (ANNOUNCEMENTS[4].proofs[0],) + a.proofs[1:], a.transport_public)
    with pytest.raises(ProofError, match="trustee 3's commitment 0"):
        check_announcements(CEREMONY, [swapped if x.index == 3 else x for x in ANNOUNCEMENTS.values()])
    with pytest.raises(FormatError, match="no announcement of trustee 5"):
        check_announcements(CEREMONY, [x for x in ANNOUNCEMENTS.values() if x.index != 5])


def test_an_announcement_of_another_threshold_does_not_parse():
    with pytest.raises(FormatError, match="expected 2 commitments"):
        Announcement.from_json(ANNOUNCEMENTS[1].to_json(), Ceremony("vector-1", count=5, threshold=2))


@settings(max_examples=150, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=40),
                    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=12), c, max_size=5),
                    max_leaves=20))
def test_ceremony_parsers_refuse_junk_with_a_format_error(value):
    with pytest.raises(FormatError):
        Announcement.from_json(value, CEREMONY)
    with pytest.raises(FormatError):
        PartialDecryption.from_json(value, CEREMONY, 2)


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n))), st.binary(min_size=1, max_size=8))
def test_any_ceremony_shape_gives_a_key_its_trustees_share(shape, seed):
    n, k = shape
    ceremony = Ceremony("p", count=n, threshold=k)
    _, announcements, _, key_shares = run_ceremony(ceremony, seed)
    x_points = {l: group.mul_base(x) for l, x in key_shares.items()}
    assert all(x_points[l] == verification_key(announcements, l) for l in key_shares)
    from kiosk.contract.crypto.elgamal import encrypt
    y = election_key(announcements)
    ct = encrypt(y, 5, 77)
    parts = [partial_decrypt(ceremony, l, key_shares[l], [ct], [10], 1, b"t") for l in list(key_shares)[-k:]]
    assert combine(ceremony, announcements, [ct], parts, b"t") == [group.mul_base(5)]


def test_the_threshold_vector_re_counts_from_public_data_alone():
    from pathlib import Path
    from kiosk.contract.canonical import from_b64url
    from kiosk.contract.crypto.elgamal import Ciphertext
    v = json.loads((Path(__file__).resolve().parent / "vectors" / "crypto.json").read_text())["threshold"]
    ceremony = Ceremony(v["election"], v["count"], v["threshold"])
    announcements = check_announcements(ceremony, [Announcement.from_json(a, ceremony) for a in v["announcements"]])
    assert election_key(announcements) == from_b64url(v["election_key"], "y")
    ballots = [EncryptedContest.from_json(b, ContestRule(2)) for b in v["ballots"]]
    agg = aggregate(ballots, 2)
    assert [c.to_json() for c in agg] == v["aggregate"]
    partials = [PartialDecryption.from_json(p, ceremony, 2) for p in v["partials"]]
    points = combine(ceremony, announcements, agg, partials, v["context"].encode())
    assert [DiscreteLog(3).find(p) for p in points] == v["result"]
    assert Ciphertext.from_json(v["aggregate"][0]) == agg[0]
