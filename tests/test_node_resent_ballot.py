"""A kiosk that sends one of its own ballots again in a later batch of its own (the same bytes: a
store restored from a copy, a re-sealed ballot) is not refused: the chain goes on, the ballot counts
once, and no double use is reported. Before, the node called it ``token_already_spent`` and every
later batch of that kiosk was stranded behind the refused one."""

from __future__ import annotations

from centralhelp import batches, make_kiosk, not_counted, post, running_node, seal_batch, serial_of, signed_batch, vote
from kiosk.contract.sealed_batch import build_batch, encode_batch, parse_batch
from kiosk.contract.keys import load_signing_key
from kiosk.station.datadir import DataDir
from sync.central.verify import verify_node


def test_the_same_ballot_again_in_a_later_batch_of_the_same_kiosk_is_accepted_and_counted_once(central, tmp_path):
    a = make_kiosk(central, tmp_path / "a", station="S-0001")
    vote(a, central.official[:10], central.election)
    seal_batch(a)
    (first,) = batches(a)
    parsed = parse_batch(first)
    key = load_signing_key(DataDir(a).key_file)
    again = parsed.ballots[4]                                     # byte for byte, in the kiosk's own batch 2
    second = build_batch(key, central.election.fingerprint_hex, "official", 2, parsed.header, [again], (),
                         polls_closed=False)
    third = signed_batch(a, central.election, [(s, serial_of(p)) for s, p in central.official[10:11]], number=3,
                         previous=second.header)
    with running_node(central, tmp_path / "n1") as (node, server):
        assert post(server, first, central).verdict == "accepted"
        ack = post(server, encode_batch(second), central)
        assert (ack.verdict, ack.reason, ack.double_use) == ("accepted", None, 0)
        assert post(server, third, central).verdict == "accepted"  # the chain goes on
        excluded, double = not_counted(node)
        assert double == [] and len(excluded) == 1                # one of the two copies set aside: counted once
        assert node.store.leaf_counts()[parsed.header.kiosk_key_hex] == 12
        assert not any("token used" in n.detail for n in verify_node(node).notes)


def test_another_ballot_of_a_token_the_kiosk_already_spent_is_still_refused(central, tmp_path):
    a = make_kiosk(central, tmp_path / "a", station="S-0001")
    vote(a, central.official[:10], central.election)
    seal_batch(a)
    (first,) = batches(a)
    style, payload = central.official[4]
    other = signed_batch(a, central.election, [(style, serial_of(payload))], number=2,
                         previous=parse_batch(first).header)     # a new ballot for a token it spent
    with running_node(central, tmp_path / "n1") as (node, server):
        assert post(server, first, central).verdict == "accepted"
        ack = post(server, other, central)
        assert (ack.verdict, ack.reason) == ("rejected", "token_already_spent")
