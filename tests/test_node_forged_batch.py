"""Forged batches: a header not signed by the kiosk, a Merkle root that lies, two batch 1s;
and a ballot whose own signature is not the kiosk's inside a batch the kiosk key signed."""

from __future__ import annotations

from centralhelp import batches, make_kiosk, post, running_node, serial_of, signed_batch
from kiosk.contract.sealed_batch import SEALED_HEADER_CONTEXT, build_batch, encode_batch, parse_batch
from kiosk.contract.keys import SigningKey, load_signing_key
from synchelp import kiosk_with_batches


def test_forged_batches_are_rejected(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(10,))
    (real,) = batches(kiosk)
    batch = parse_batch(real)
    thief = SigningKey.generate()
    # 1. the real ballots under a header signed by another key that claims the kiosk's key
    resigned = encode_batch(type(batch)(batch.header, thief.sign(SEALED_HEADER_CONTEXT, batch.header.encoded()),
                                        batch.ballots, batch.spoiled))
    # 2. one sealed form changed, the header (and its Merkle root) left as the kiosk signed it
    at = real.index(b'"encrypted_b64":"') + len(b'"encrypted_b64":"')
    changed = real[:at] + (b"B" if real[at:at + 1] != b"B" else b"C") + real[at + 1:]
    style, payload = central.official[40]
    mixed = signed_batch(kiosk, central.election, [(style, serial_of(payload))])
    with running_node(central, tmp_path / "n1") as (node, server):
        assert post(server, resigned, central).reason == "bad_header_signature"
        assert post(server, changed, central).reason == "merkle_root_mismatch"
        assert node.store.checkpoint()[0] == 0
        assert post(server, real, central).verdict == "accepted"
        # a second, different batch 1 signed by the real kiosk: the kiosk equivocated
        assert post(server, mixed, central).reason == "conflicting_batch"
        assert node.store.checkpoint()[0] == 10


def test_ballot_not_signed_by_its_kiosk_is_refused_at_ingest(central, tmp_path):
    """Only the kiosk key can sign the header, and the header's Merkle root pins every leaf; the
    ballots' own signatures are checked at ingest too, so a batch of ballots signed by another key
    is refused whole, and nothing of it reaches the board."""
    from sync.central.verify import verify_node

    kiosk = make_kiosk(central, tmp_path / "k")
    ballots = [(style, serial_of(p)) for style, p in central.official[:10]]
    thief = SigningKey.generate()
    foreign = parse_batch(signed_batch(kiosk, central.election, ballots, key=thief)).ballots
    forged = encode_batch(build_batch(load_signing_key(kiosk / "kiosk.key"), central.election.fingerprint_hex,
                                      "official", 1, None, foreign, (), True))
    with running_node(central, tmp_path / "n1") as (node, server):
        assert post(server, forged, central).reason == "bad_ballot_signature"
        assert node.store.checkpoint()[0] == 0
        assert verify_node(node).ok
