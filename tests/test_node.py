"""A real node on loopback judging batches of format 2 (encrypted ballots, token keys), on both stores.

The batches are made with the kiosk's own functions (encrypt_ballot, seal_ballot, build_batch)
from real tokens of a format-2 election (its key from an in-process ceremony, its roll of token
keys), signed with the provisioned kiosk's own key. Issue 21's attack is replayed end to end: a kiosk
on the roster reads the board over HTTP and cannot make a ballot that replaces another station's vote.
"""

from __future__ import annotations

import json
import os

import httpx

from centralhelp import make_kiosk, not_counted, post, running_node, serial_of
from kiosk.contract.ballot import SEALED_BALLOT_CONTEXT, SealedBallot, parse_sealed_ballot, seal_ballot
from kiosk.contract.sealed_batch import SpoiledBallot, build_batch, encode_batch, parse_batch
from kiosk.contract.crypto.encrypted_ballot import ballot_bytes, encrypt_ballot
from kiosk.contract.double_use import RECORDS_DIR, read_record
from kiosk.contract.keys import load_signing_key
from kiosk.contract.tokens import token_signing_key
from kiosk.station.datadir import DataDir
from storehelp import choices


def sealed(central, key, style, payload, likes=2, ballot_id=None):
    """A format-2 ballot for a real token, as the kiosk makes it; and its nonce seed."""
    election, ballot_id, seed = central.election, ballot_id or os.urandom(16), os.urandom(32)
    chosen = choices(election, style, likes)
    encrypted = encrypt_ballot(election.election_public_key, election, style, ballot_id.hex(), chosen, seed)
    return seal_ballot(key, election, serial_of(payload), ballot_id, style, ballot_bytes(encrypted)), seed


def batch(central, key, ballots, spoiled=(), number=1, previous=None, closed=False):
    return build_batch(key, central.election.fingerprint_hex, "official", number, previous, ballots, spoiled, closed)


def test_a_format_2_batch_is_accepted_and_the_board_holds_token_keys_never_serials(central, tmp_path):
    a = make_kiosk(central, tmp_path / "a")
    key = load_signing_key(DataDir(a).key_file)
    tokens = central.official[:6]
    ballots = [sealed(central, key, s, p)[0] for s, p in tokens[:5]]
    checked, seed = sealed(central, key, *tokens[5])
    checked_too, seed_too = sealed(central, key, *tokens[0])     # spoiled, then cast: the token is not spent
    first = batch(central, key, ballots, [SpoiledBallot(checked, seed), SpoiledBallot(checked_too, seed_too)])
    with running_node(central, tmp_path / "n1") as (node, server):
        ack = post(server, encode_batch(first), central)
        assert (ack.verdict, ack.reason, ack.double_use) == ("accepted", None, 0)
        leaves = httpx.get(server.url + "/v1/board/leaves", params={"start": 0, "end": 5}).content.splitlines()
        assert [parse_sealed_ballot(x, central.election) for x in leaves] == list(first.ballots)
        text = b"".join(leaves).decode()
        assert not any(serial_of(p).hex() in text for _, p in tokens)
        assert {leaf.token_ref for leaf in node.store.leaves()} == \
            {token_signing_key(central.election.fingerprint, serial_of(p)).verify_key.raw for _, p in tokens[:5]}
        assert [c[1] for c in node.store.encrypted_ballots()] == [b.ballot_id.hex() for b in first.ballots]
        assert sorted(s.ballot.ballot_id for _, _, s in node.store.spoiled_ballots()) == \
            sorted([checked.ballot_id, checked_too.ballot_id])
        second = batch(central, key, [sealed(central, key, *tokens[5])[0]], number=2, previous=first.header)
        assert post(server, encode_batch(second), central).verdict == "accepted"  # checked, then cast


def test_issue_21_a_roster_kiosk_reading_the_board_cannot_replace_another_stations_vote(central, tmp_path):
    victim = make_kiosk(central, tmp_path / "victim", station="S-0001")
    thief = make_kiosk(central, tmp_path / "thief", station="S-0002")   # on the roster: its SD card was read
    vkey, tkey = load_signing_key(DataDir(victim).key_file), load_signing_key(DataDir(thief).key_file)
    cast = batch(central, vkey, [sealed(central, vkey, s, p)[0] for s, p in central.official[:4]])
    with running_node(central, tmp_path / "n1") as (node, server):
        assert post(server, encode_batch(cast), central).verdict == "accepted"
        size = node.store.checkpoint()[0]
        board = httpx.get(server.url + "/v1/board/leaves", params={"start": 0, "end": size}).content.splitlines()
        forged = []
        for leaf in board:                                            # all the board gives: token keys, no serial
            victim_ballot = parse_sealed_ballot(leaf, central.election)
            style = victim_ballot.style
            ballot_id = os.urandom(16)
            mine, _ = sealed(central, tkey, style, central.official[10][1], ballot_id=ballot_id)
            own = token_signing_key(central.election.fingerprint, os.urandom(16))  # the only token keys it has
            half = SealedBallot(ballot_id, style, mine.encrypted, victim_ballot.token_key, b"", b"")
            half = SealedBallot(ballot_id, style, mine.encrypted, victim_ballot.token_key,
                                own.sign("kiosk-token-ballot/2", half.token_message()), b"")
            forged.append(SealedBallot(*[getattr(half, f) for f in ("ballot_id", "style", "encrypted", "token_key",
                                                                        "token_sig")],
                                         tkey.sign(SEALED_BALLOT_CONTEXT, half.kiosk_message())))
        ack = post(server, encode_batch(batch(central, tkey, forged, closed=True)), central)
        assert (ack.verdict, ack.reason) == ("rejected", "bad_token_signature")
        assert "token's signature does not verify" in ack.detail and ack.double_use == 0
        assert node.store.checkpoint()[0] == size and node.store.double_uses() == {}
        assert not (node.data_dir / RECORDS_DIR).exists()             # nothing set aside, no vote replaced


def test_a_token_key_used_at_two_kiosks_is_a_double_use_recorded_by_token_key(central, tmp_path):
    a, b = make_kiosk(central, tmp_path / "a", station="S-0001"), make_kiosk(central, tmp_path / "b",
                                                                                 station="S-0002")
    ka, kb = load_signing_key(DataDir(a).key_file), load_signing_key(DataDir(b).key_file)
    token = central.official[0]
    with running_node(central, tmp_path / "n1") as (node, server):
        assert post(server, encode_batch(batch(central, ka, [sealed(central, ka, *token)[0]])),
                    central).double_use == 0
        ack = post(server, encode_batch(batch(central, kb, [sealed(central, kb, *token)[0]])), central)
        assert (ack.verdict, ack.double_use) == ("accepted", 1)
        token_key = token_signing_key(central.election.fingerprint, serial_of(token[1])).verify_key.raw
        (path,) = (node.data_dir / RECORDS_DIR / "official").glob("*.json")
        body = read_record(path, node.key.verify_key)
        assert body["token_ref_hex"] == token_key.hex() and serial_of(token[1]).hex() not in json.dumps(body)
        excluded, double = not_counted(node)
        assert len(excluded) == 2 and double[0]["decided"] is False    # both set aside until staff decide
        assert list(node.store.encrypted_ballots(excluded)) == []


def test_a_format_1_batch_is_refused_by_a_format_2_node_and_a_resent_ballot_is_one_ballot(central, tmp_path):
    from format1help import format_1_batch
    a = make_kiosk(central, tmp_path / "a")
    key = load_signing_key(DataDir(a).key_file)
    v1 = format_1_batch(key, central.election.fingerprint_hex)
    first = batch(central, key, [sealed(central, key, s, p)[0] for s, p in central.official[:3]])
    again = batch(central, key, [first.ballots[1]], number=2, previous=first.header)
    with running_node(central, tmp_path / "n1") as (node, server):
        ack = post(server, v1, central)
        assert (ack.verdict, ack.reason) == ("rejected", "wrong_format")
        assert "이 배치는 형식 1입니다" in ack.detail and "This batch is format 1, which this version no longer reads" \
            in ack.detail
        assert post(server, encode_batch(first), central).verdict == "accepted"
        ack = post(server, encode_batch(again), central)
        assert (ack.verdict, ack.double_use) == ("accepted", 0)
        other = batch(central, key, [sealed(central, key, *central.official[0])[0]], number=3,
                      previous=again.header)
        assert post(server, encode_batch(other), central).reason == "token_already_spent"
        assert parse_batch(encode_batch(other)) == other
