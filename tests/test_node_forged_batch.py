"""Forged batches: a header not signed by the kiosk, a ballot not signed by it, a Merkle root that lies."""

from __future__ import annotations

from centralhelp import batches, post, running_node, serial_of, signed_batch
from kiosk.batch import build_batch, encode_batch, parse_batch
from kiosk.keys import SigningKey, load_signing_key
from synchelp import kiosk_with_batches


def test_forged_batches_are_rejected(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(10,))
    (real,) = batches(kiosk)
    batch = parse_batch(real)
    thief = SigningKey.generate()
    # 1. the real ballots under a header signed by another key that claims the kiosk's key
    resigned = encode_batch(type(batch)(batch.header, thief.sign("kiosk-batch-header/1", batch.header.encoded()),
                                        batch.ballots))
    # 2. one sealed form changed, the header (and its Merkle root) left as the kiosk signed it
    at = real.index(b'"sealed_b64":"') + len(b'"sealed_b64":"')
    changed = real[:at] + (b"B" if real[at:at + 1] != b"B" else b"C") + real[at + 1:]
    # 3. the kiosk's header key, ballots signed by someone else (only a stolen kiosk key could do this)
    style, payload = central.official[40]
    mixed = signed_batch(kiosk, central.election, [(style, serial_of(payload))])
    foreign = signed_batch(kiosk, central.election, [(style, serial_of(payload))], key=thief)
    foreign_ballots = parse_batch(foreign).ballots
    kiosk_key = load_signing_key(kiosk / "kiosk.key")
    ballot_forged = encode_batch(build_batch(kiosk_key, central.election.fingerprint_hex, "official", 1, None,
                                             foreign_ballots, False))
    with running_node(central, tmp_path / "n1") as (node, server):
        assert post(server, resigned, central).reason == "bad_header_signature"
        assert post(server, changed, central).reason == "merkle_root_mismatch"
        assert post(server, ballot_forged, central).reason == "bad_ballot_signature"
        assert node.store.checkpoint()[0] == 0
        assert post(server, real, central).verdict == "accepted"
        # a second, different batch 1 signed by the real kiosk: the kiosk equivocated
        assert post(server, mixed, central).reason == "conflicting_batch"
        assert node.store.checkpoint()[0] == 10
