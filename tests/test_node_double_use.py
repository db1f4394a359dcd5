"""One token spent at two kiosks: both ballots kept and flagged, never counted twice."""

from __future__ import annotations

from centralhelp import batches, close_station, make_kiosk, post, running_node, seal_batch, serial_of, signed_batch, vote
from kiosk.contract.sealed_batch import parse_batch
from kiosk.contract.tokens import token_signing_key


def test_token_spent_at_two_kiosks(central, tmp_path):
    shared = central.official[0]
    a = make_kiosk(central, tmp_path / "a", station="S-0001")
    b = make_kiosk(central, tmp_path / "b", station="S-0002")
    vote(a, [shared] + central.official[1:10], central.election)   # both kiosks offline: each accepts it
    vote(b, [shared] + central.official[10:19], central.election)
    close_station(a)
    close_station(b)
    with running_node(central, tmp_path / "n1") as (node, server):
        first = post(server, batches(a)[0], central)
        second = post(server, batches(b)[0], central)
        assert (first.verdict, first.double_use) == ("accepted", 0)
        assert (second.verdict, second.double_use) == ("accepted", 1)  # the chain goes on; staff are told
        flagged = node.store.double_uses()
        ref = token_signing_key(central.election.fingerprint, serial_of(shared[1])).verify_key.raw
        assert list(flagged) == [ref]
        assert {leaf.kiosk_key_hex for leaf in flagged[ref]} == {first.batch.kiosk_key_hex, second.batch.kiosk_key_hex}
        assert node.store.checkpoint()[0] == 20


def test_token_spent_twice_by_one_kiosk_rejects_the_batch(central, tmp_path):
    kiosk = make_kiosk(central, tmp_path / "k")
    vote(kiosk, central.official[:10], central.election)
    seal_batch(kiosk)
    (first,) = batches(kiosk)
    again = [(s, serial_of(p)) for s, p in central.official[10:12]] + [(central.official[3][0],
                                                                         serial_of(central.official[3][1]))]
    with running_node(central, tmp_path / "n1") as (node, server):
        assert post(server, first, central).verdict == "accepted"
        reuse = signed_batch(kiosk, central.election, again, number=2, previous=parse_batch(first).header)
        assert post(server, reuse, central).reason == "token_already_spent"
        twice = [again[0], again[0]]
        in_one = signed_batch(kiosk, central.election, twice, number=2, previous=parse_batch(first).header)
        assert post(server, in_one, central).reason == "token_twice_in_batch"
        assert node.store.checkpoint()[0] == 10
