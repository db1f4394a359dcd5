"""Known-answer vectors: the committed files equal what the code makes from the same keys,
and each vector verifies on its own terms (so a vector file cannot drift from the format)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from kiosk.contract.canonical import from_b64url
from kiosk.contract.card_list import parse_card_list
from kiosk.contract.cards import Card, check_card, pin_matches
from kiosk.contract.closing import check_closing, parse_closing
from kiosk.contract.election import parse_election
from kiosk.contract.envelope import open_envelope
from kiosk.contract.keys import SigningKey, VerifyKey
from kiosk.contract.tokens import BallotToken, parse_token

HERE = Path(__file__).resolve().parent / "vectors"
spec = importlib.util.spec_from_file_location("make_vectors", HERE / "make_vectors.py")
make_vectors = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_vectors)
BUILT = make_vectors.build_vectors()


@pytest.mark.parametrize("name", sorted(BUILT))
def test_vector_file_matches_the_code(name):
    on_disk = json.loads((HERE / name).read_text())
    assert on_disk == json.loads(json.dumps(BUILT[name])), f"regenerate with: python tests/vectors/make_vectors.py"


def test_expert_scores_vector_verifies():
    v = json.loads((HERE / "expert-scores.json").read_text())
    signer = SigningKey(bytes.fromhex(v["authority_seed_hex"])).verify_key
    assert open_envelope(v["envelope"], "kiosk-expert-scores/1", signer, "vector")["scores"]["experts"]["P001"] == 27


def test_vectors_verify():
    election = json.loads((HERE / "election.json").read_text())
    authority = VerifyKey.from_hex(election["envelope"]["signer_hex"])
    body = open_envelope(election["envelope"], "kiosk-election/1", authority, "vector")
    assert body["id"] == "vector-1"
    root = json.loads((HERE / "roll-root.json").read_text())
    assert open_envelope(root["envelope"], "kiosk-roll-root/1", authority, "vector")["root_hex"] == root["root_hex"]
    for t in json.loads((HERE / "token.json").read_text())["tokens"]:
        token = parse_token(t["payload"])
        assert isinstance(token, BallotToken) and token.serial.hex() == t["serial_hex"]
    card = json.loads((HERE / "card.json").read_text())
    parsed = check_card(card["payload"], authority, election["tag"], "S01", 1495850000)
    assert isinstance(parsed, Card) and "pin" not in card["payload"]
    listed = json.loads((HERE / "card-list.json").read_text())
    kiosk = SigningKey(bytes.fromhex(listed["kiosk_seed_hex"]))
    held = parse_card_list(json.dumps(listed["envelope"]).encode(), authority, election["fingerprint_hex"],
                           kiosk.verify_key.hex, "S01")
    verifier = held.verifier(parsed.card_id, kiosk)
    assert verifier == listed["pin_hash"] and pin_matches(verifier, listed["pin"])
    sig = json.loads((HERE / "signature.json").read_text())
    VerifyKey.from_hex(sig["public_hex"]).verify(sig["context"], bytes.fromhex(sig["message_hex"]),
                                                 from_b64url(sig["signature_b64"], "sig"))
    closing = json.loads((HERE / "closing.json").read_text())
    statement = parse_closing(closing["payload"])
    assert statement.body == closing["body"]
    assert check_closing(statement, parse_election(make_vectors.election_body())) == []


def test_checkpoint_vector_verifies_with_plain_ed25519():
    import base64
    import hashlib

    import nacl.signing

    v = json.loads((HERE / "checkpoint.json").read_text())
    text = bytes.fromhex(v["signed_text_hex"])
    assert text.decode() == f"{v['origin']}\n{v['tree_size']}\n{base64.b64encode(bytes.fromhex(v['root_hex'])).decode()}\n"
    for note, signers in ((v["note"], [(v["origin"], "node")]),
                          (v["cosigned_note"], [(v["origin"], "node"), (v["witness_name"], "witness")])):
        head, sigs = note.split("\n\n")
        assert (head + "\n").encode() == text
        lines = sigs.rstrip("\n").split("\n")
        assert len(lines) == len(signers)
        for line, (name, who) in zip(lines, signers):
            dash, found_name, b64 = line.split(" ")
            raw = base64.b64decode(b64)
            public = bytes.fromhex(v[f"{who}_public_hex"])
            assert (dash, found_name) == ("\u2014", name)
            assert raw[:4] == hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4] \
                == bytes.fromhex(v[f"{who}_key_id_hex"])
            nacl.signing.VerifyKey(public).verify(text, raw[4:])  # raises if it does not verify


def test_registration_vector_verifies_with_plain_ed25519_and_reads_back_from_its_qr():
    import hashlib

    import cv2
    import nacl.signing
    import numpy as np

    from kiosk.contract.registration import parse_registration, registration_qr
    from scanner.decode import decode_frame

    v = json.loads((HERE / "registration.json").read_text())
    envelope, public = v["envelope"], bytes.fromhex(v["kiosk_public_hex"])
    assert bytes.fromhex(v["signed_bytes_hex"]) == b"kiosk-registration/1\x00" + v["canonical_body"].encode()
    assert json.loads(v["canonical_body"]) == envelope["body"] and envelope["signer_hex"] == public.hex()
    nacl.signing.VerifyKey(public).verify(bytes.fromhex(v["signed_bytes_hex"]),
                                          from_b64url(envelope["sig_b64"], "sig"))  # raises if it does not verify
    fingerprint = hashlib.sha256(public).hexdigest()[:16]
    assert v["kiosk_fingerprint"].replace("-", "").replace(" ", "").lower() == fingerprint
    found = parse_registration(v["qr_text"])
    assert (found.station, found.kiosk_key_hex, found.time) == ("S-0001", public.hex(), 1495850400)
    assert found.election_hex == json.loads((HERE / "election.json").read_text())["fingerprint_hex"]
    image = np.array(registration_qr(envelope).matrix, dtype=np.uint8)
    image = np.pad(image, 4)  # the quiet zone
    image = cv2.resize(((1 - image) * 255).astype(np.uint8), None, fx=8, fy=8, interpolation=cv2.INTER_NEAREST)
    assert decode_frame(image) == [v["qr_text"]]


def test_batch_v2_vector_verifies_with_plain_ed25519_and_hashlib():
    """A stranger's check of sealed-batch-v2.json: signature, both RFC 6962 roots, the ballots, the spoiled seed."""
    import hashlib

    import nacl.signing

    from kiosk.contract.ballot import check_sealed_ballot, parse_sealed_ballot
    from kiosk.contract.sealed_batch import parse_batch
    from kiosk.contract.crypto.encrypted_ballot import open_with_seed, parse_ballot_bytes

    v = json.loads((HERE / "sealed-batch-v2.json").read_text())
    header = json.loads(v["header"])
    signed = bytes.fromhex(v["signed_bytes_hex"])
    assert signed == b"kiosk-batch-header/2\x00" + v["header"].encode()
    assert hashlib.sha256(v["header"].encode()).hexdigest() == v["header_hash_hex"]
    top = json.loads(v["file"])
    nacl.signing.VerifyKey(bytes.fromhex(v["kiosk_public_hex"])).verify(signed, from_b64url(top["header_sig_b64"], "s"))

    def root(leaves):  # RFC 6962, written out
        hashes = [hashlib.sha256(b"\x00" + x.encode()).digest() for x in leaves]
        return root_of(hashes) if hashes else hashlib.sha256(b"").digest()

    def root_of(hs):
        if len(hs) == 1:
            return hs[0]
        k = 1 << ((len(hs) - 1).bit_length() - 1)
        return hashlib.sha256(b"\x01" + root_of(hs[:k]) + root_of(hs[k:])).digest()

    assert root(v["leaves"]).hex() == header["merkle_root_hex"]
    assert root(v["spoiled_leaves"]).hex() == header["spoiled_root_hex"]
    assert [json.dumps(b, sort_keys=True, separators=(",", ":")) for b in top["ballots"]] == v["leaves"]
    election = make_vectors.batch_v2_election()
    assert election.fingerprint_hex == v["election_fingerprint_hex"] == header["election_hex"]
    batch = parse_batch(v["file"].encode())
    y = from_b64url(v["election_public_key_b64"], "y")
    kiosk = VerifyKey.from_hex(v["kiosk_public_hex"])
    for leaf in v["leaves"]:
        check_sealed_ballot(parse_sealed_ballot(leaf.encode(), election), election, kiosk, y)
    spoiled = batch.spoiled[0]
    check_sealed_ballot(spoiled.ballot, election, kiosk, y)
    opened = open_with_seed(y, election, parse_ballot_bytes(spoiled.ballot.encrypted, election, "C001",
                                                            spoiled.ballot.ballot_id.hex()), spoiled.nonce_seed)
    assert opened == v["spoiled_selections"]
    assert not any(s in v["file"] for s in v["serials_hex"])      # serials never leave the kiosk


def test_closing_parts_vector_joins_in_any_order_and_verifies():
    """Reading needs inflate alone (deterministic everywhere); the file-match test above also pins the
    writing side to this system's zlib."""
    from kiosk.contract.closing_parts import assemble

    v = json.loads((HERE / "closing-parts.json").read_text())
    assert len(v["parts"]) >= 2 and all(p.startswith(f"KSP1:{v['statement_id']}:") for p in v["parts"])
    joined = assemble([(str(n), p) for n, p in enumerate(reversed(v["parts"]))])
    assert joined.refused == [] and joined.statements[0][1] == v["payload"]
    assert parse_closing(v["payload"]).kiosk_key.hex == SigningKey(bytes.fromhex(v["kiosk_seed_hex"])).verify_key.hex
