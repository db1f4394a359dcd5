"""Known-answer vectors for every signed format, from fixed keys.

``python tests/vectors/make_vectors.py`` rewrites the JSON files beside it; the test suite
(``tests/test_vectors.py``) rebuilds them in memory and compares byte for byte, so a change
to any format shows up as a failing test and a diff of these files.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from kiosk.contract.board_checkpoint import (board_origin, checkpoint_text, cosign, key_id, parse_checkpoint,  # noqa: E402
                                    sign_checkpoint, witness_name)
from kiosk.contract.canonical import b64url, canonical_bytes  # noqa: E402
from kiosk.contract.card_list import LIST_CONTEXT, LIST_FORMAT  # noqa: E402
from kiosk.contract.cards import CARD_CONTEXT, card_body, sign_card  # noqa: E402
from kiosk.contract.closing import CLOSING_CONTEXT, CLOSING_FORMAT, sign_closing  # noqa: E402
from kiosk.contract.closing_parts import tape_codes  # noqa: E402
from kiosk.contract.election import ELECTION_CONTEXT, ELECTION_FORMAT, election_fingerprint, parse_election  # noqa: E402
from kiosk.contract.envelope import seal_envelope  # noqa: E402
from kiosk.contract.expert_scores import SCORES_CONTEXT, SCORES_FORMAT  # noqa: E402
from kiosk.contract.keys import SigningKey  # noqa: E402
from kiosk.contract.keys import signed_message  # noqa: E402
from kiosk.contract.merkle import leaf_hash, root_from_leaf_hashes  # noqa: E402
from kiosk.contract.registration import REGISTRATION_CONTEXT, make_registration, registration_payload  # noqa: E402
from kiosk.contract.roll import ROOT_CONTEXT, ROOT_FORMAT, roll_leaf  # noqa: E402
from kiosk.contract.tokens import roll_key, token_payload  # noqa: E402

AUTHORITY_SEED = bytes(range(32))
KIOSK_SEED = bytes(range(100, 132))
NODE_SEED = bytes(range(96, 128))
WITNESS_SEED = bytes(range(128, 160))
CEREMONY_SEED = b"kiosk vector ceremony 1"   # the one trustee's key, reproducible
# a fixed argon2id hash of the PIN "201705" (made once with nacl.pwhash.argon2id.str)
PIN_HASH = ("$argon2id$v=19$m=65536,t=2,p=1$TcYR33Oa3jy+VMo1OoRhVg$"
            "CTjwg7c9sMe5B+msndMr6lo4uAHqHAS1OonigRUdqD8")
# a fixed SealedBox (its ephemeral key is random, so made once with VerifyKey.seal) to the kiosk key
# of KIOSK_SEED, holding canonical {"card_id": "AAAAAAAAAAAAAAAA", "kiosk_key_hex", "pin_hash": PIN_HASH}
SEALED_PIN_B64 = ("LVCj4S_oZ0zI_KO_guQ6_CTIyYaTsvRp2GmiwfuhJ3rCxlydEUWBoaUp_OC7uUUjton7Jpy1k8QEvbgl9WZlCfQeGdlsI"
                  "tUHloB0c8oHrtkdkZCLNMJDC_cbrzx5opwZDCkMLYrPlZIudko4H3INFi21i94cl5OvAF0oufUe_A1UTjd-WfnoJEBnZJDQ"
                  "Bk8a-P20e7fhT-ZDQwli63OeddCCxXltyFVKFbIdx5V6jTrNsm6dELe1tgmFbopVkjPyuCD4UnSr1_7VWJj1hOGnuWx1lgAi"
                  "v9_5GfCxN5WUToi92op7BUy2dfLPUjfpx5F70rroRG-HGvp6zXL3ulYOjeIURsTA28buXuFbVerdwr8")


def election_body() -> dict:
    """The vector election: one yes/no question, the key of a seeded one-trustee ceremony."""
    sys.path.insert(0, str(HERE.parent))
    from ceremonyhelp import run_ceremony
    authority = SigningKey(AUTHORITY_SEED)
    return {
        "format": ELECTION_FORMAT, "id": "vector-1",
        "title": {"ko": "시험 선거", "en": "Vector election"},
        "contests": [{"id": "k1", "title": {"ko": "안건", "en": "Question"}, "rule": "single", "min": 0, "max": 1,
                      "options": [{"id": "yes", "title": {"ko": "찬성", "en": "Yes"}},
                                  {"id": "no", "title": {"ko": "반대", "en": "No"}}]}],
        "styles": [{"id": "s1", "title": {"ko": "전체", "en": "All"}, "contests": ["k1"]}],
        "privacy_floor": 10, "paper_record": True,
        "authority_key_hex": authority.verify_key.hex,
        "election_key": run_ceremony("vector-1", 1, 1, CEREMONY_SEED).record, "nodes": [],
    }


def build_vectors() -> dict[str, dict]:
    """Every vector, by file name."""
    authority = SigningKey(AUTHORITY_SEED)
    body = election_body()
    election = parse_election(body)
    fp = election_fingerprint(body)
    out: dict[str, dict] = {}
    out["election.json"] = {
        "description": "election.json envelope: Ed25519 over 'kiosk-election/1' 0x00 canonical(body)",
        "authority_seed_hex": AUTHORITY_SEED.hex(), "context": ELECTION_CONTEXT,
        "canonical_body_hex": canonical_bytes(body).hex(), "fingerprint_hex": fp.hex(), "tag": election.tag,
        "envelope": seal_envelope(ELECTION_CONTEXT, body, authority),
    }
    serials = [bytes([i]) * 16 for i in (1, 2, 3)]
    tokens = [{"serial_hex": s.hex(), "mode": m, "payload": token_payload(election.tag, m, s),
               "ref_hex": roll_key(fp, s).hex()} for s, m in zip(serials, ("official", "official", "test"))]
    out["token.json"] = {"description": "ballot token payloads for fixed serials and what the roll lists for each: "
                                        "the token's Ed25519 public key, its seed SHA-256('kiosk-token-key/2' || "
                                        "election fingerprint || serial)",
                         "election_fingerprint_hex": fp.hex(), "tokens": tokens}
    entries = sorted((bytes.fromhex(t["ref_hex"]), t["mode"], "s1") for t in tokens)
    leaves = [roll_leaf(*e) for e in entries]
    size, root = root_from_leaf_hashes(leaf_hash(x) for x in leaves)
    root_body = {"format": ROOT_FORMAT, "election_hex": fp.hex(), "size": size, "root_hex": root.hex(),
                 "counts": {"official": 2, "test": 1}}
    out["roll-root.json"] = {"description": "roll leaves (token key || mode letter || style) in key order, "
                                            "RFC 6962 root, signed root envelope",
                             "leaves_hex": [x.hex() for x in leaves], "root_hex": root.hex(),
                             "context": ROOT_CONTEXT, "envelope": seal_envelope(ROOT_CONTEXT, root_body, authority)}
    cbody = card_body(election.tag, "poll-worker", "S01", 1495850000, 1495936400, card_id="AAAAAAAAAAAAAAAA")
    payload = sign_card(authority, cbody)
    out["card.json"] = {"description": "poll-worker card: 'KC2:' canonical(body) '.' b64url(Ed25519 over "
                                       "'kiosk-card/2' 0x00 canonical(body)); nothing about the PIN in it",
                        "context": CARD_CONTEXT, "body": cbody, "payload": payload,
                        "signature_b64": payload.rsplit(".", 1)[1]}
    kiosk = SigningKey(KIOSK_SEED)
    list_body = {"format": LIST_FORMAT, "election_hex": fp.hex(), "kiosk_key_hex": kiosk.verify_key.hex,
                 "station": "S01", "issued": 1495850000,
                 "cards": [{"card_id": "AAAAAAAAAAAAAAAA", "role": "poll-worker", "not_after": 1495936400,
                            "sealed_b64": SEALED_PIN_B64}]}
    out["card-list.json"] = {"description": "card list envelope (context 'kiosk-card-list/1', by the authority) "
                                            "for the kiosk of kiosk_seed_hex; its key opens sealed_b64 (SealedBox "
                                            "to the Ed25519 key mapped to X25519) to the card's PIN hash; PIN is "
                                            "201705",
                             "kiosk_seed_hex": KIOSK_SEED.hex(), "pin": "201705", "pin_hash": PIN_HASH,
                             "context": LIST_CONTEXT, "envelope": seal_envelope(LIST_CONTEXT, list_body, authority)}
    closing = {"format": CLOSING_FORMAT, "election_hex": fp.hex(), "station": "S01", "mode": "official",
               "kiosk_key_hex": kiosk.verify_key.hex, "ballots": 12, "turnout": {"s1": 12},
               "contests": {"k1": {"ballots": 12, "options": {"no": 5, "yes": 7}}},
               "log_head": {"seq": 40, "hash_hex": "11" * 32}, "batch": {"number": 2, "header_hash_hex": "22" * 32},
               "time": 1495893600}
    closing_payload = sign_closing(kiosk, closing)
    out["closing.json"] = {"description": "closing statement (results tape QR): 'KS1:' canonical(body) '.' "
                                          "b64url(Ed25519 by the kiosk key over 'kiosk-closing/1' 0x00 "
                                          "canonical(body))",
                           "kiosk_seed_hex": KIOSK_SEED.hex(), "context": CLOSING_CONTEXT, "body": closing,
                           "canonical_body": canonical_bytes(closing).decode("ascii"), "payload": closing_payload,
                           "signature_b64": closing_payload.rsplit(".", 1)[1]}
    out["closing-parts.json"] = closing_parts_vector(kiosk, fp.hex())
    msg = b"domain separation"
    out["signature.json"] = {"description": "the signed message is ASCII context, one zero byte, the message",
                             "seed_hex": AUTHORITY_SEED.hex(), "public_hex": authority.verify_key.hex,
                             "context": "kiosk-test/1", "message_hex": msg.hex(),
                             "signature_b64": b64url(authority.sign("kiosk-test/1", msg))}
    out["checkpoint.json"] = checkpoint_vector(fp.hex())
    out["registration.json"] = registration_vector(fp.hex())
    out["sealed-batch-v2.json"] = batch_v2_vector()
    scores = {"election_hex": fp.hex(), "format": SCORES_FORMAT,
              "scores": {"experts": {"P001": 27, "P002": 0, "P003": 30}}}
    out["expert-scores.json"] = {"description": "experts' scores (scores.json): envelope by the authority, "
                                                "Ed25519 over 'kiosk-expert-scores/1' 0x00 canonical(body)",
                                 "authority_seed_hex": AUTHORITY_SEED.hex(), "context": SCORES_CONTEXT,
                                 "canonical_body_hex": canonical_bytes(scores).hex(),
                                 "envelope": seal_envelope(SCORES_CONTEXT, scores, authority)}
    return out


def closing_parts_vector(kiosk: SigningKey, election_hex: str) -> dict:
    """A statement too long for one tape code (60 contests of 12 options) and the parts the tape prints."""
    contests = {f"G{c:02d}": {"ballots": 90, "options": {f"P{c:02d}{o:02d}": (c * 12 + o) * 7 % 91 for o in range(12)}}
                for c in range(60)}
    body = {"format": CLOSING_FORMAT, "election_hex": election_hex, "station": "S01", "mode": "official",
            "kiosk_key_hex": kiosk.verify_key.hex, "ballots": 90, "turnout": {"s1": 90}, "contests": contests,
            "log_head": {"seq": 4000, "hash_hex": "11" * 32}, "batch": {"number": 40, "header_hash_hex": "22" * 32},
            "time": 1495893600}
    payload = sign_closing(kiosk, body)
    return {"description": "a closing statement printed in parts: 'KSP1:' ID ':' I '/' N ':' DATA, ID the first 8 "
                           "bytes of SHA-256 of the payload in upper-case hex, DATA the I-th of N nearly equal pieces "
                           "of base32 (RFC 4648, no padding) of zlib level 9 of the payload",
            "kiosk_seed_hex": KIOSK_SEED.hex(), "payload": payload,
            "statement_id": hashlib.sha256(payload.encode("ascii")).digest()[:8].hex().upper(),
            "parts": tape_codes(payload)}


def batch_v2_election():
    """The 24-community Ttabok election of tests/vectors/crypto.json's ballot (tests/vectors/vector_election.py)."""
    sys.path.insert(0, str(HERE))
    from vector_election import vector_election
    return vector_election()


def batch_v2_vector() -> dict:
    """A format-2 batch: two cast ballots and one spoiled ballot of style C001, from fixed seeds."""
    from kiosk.contract.ballot import seal_ballot
    from kiosk.contract.sealed_batch import SEALED_HEADER_CONTEXT, SpoiledBallot, build_batch, encode_batch
    from kiosk.contract.crypto import group
    from kiosk.contract.crypto.encrypted_ballot import ballot_bytes, encrypt_ballot
    election, kiosk = batch_v2_election(), SigningKey(KIOSK_SEED)
    rng = group.SeededScalars(b"kiosk batch-v2 vector")
    y = group.mul_base(rng())
    made = []
    for i, chosen in ((1, ["P002", "P007"]), (2, []), (3, ["P005"])):
        ballot_id, serial, seed = bytes([i]) * 16, bytes([16 + i]) * 16, bytes([32 + i]) * 32
        encrypted = encrypt_ballot(y, election, "C001", ballot_id.hex(), {"G01": chosen}, seed, rng)
        made.append((seal_ballot(kiosk, election, serial, ballot_id, "C001", ballot_bytes(encrypted)), seed,
                     serial, chosen))
    batch = build_batch(kiosk, election.fingerprint_hex, "official", 1, None, [m[0] for m in made[:2]],
                        [SpoiledBallot(made[2][0], made[2][1])], False)
    header = batch.header.encoded()
    return {"description": "sealed batch format 2: cast SealedBallotV2 leaves (RFC 6962 root merkle_root_hex), "
                           "spoiled entries {ballot, nonce_seed_b64} (root spoiled_root_hex), header signed by the "
                           "kiosk key over 'kiosk-batch-header/2' 0x00 canonical(header)",
            "election_fingerprint_hex": election.fingerprint_hex, "election_public_key_b64": b64url(y),
            "kiosk_seed_hex": KIOSK_SEED.hex(), "kiosk_public_hex": kiosk.verify_key.hex,
            "serials_hex": [m[2].hex() for m in made], "selections": [{"G01": m[3]} for m in made],
            "spoiled_selections": {"G01": made[2][3]}, "context": SEALED_HEADER_CONTEXT,
            "header": header.decode("ascii"), "header_hash_hex": batch.header.hash().hex(),
            "signed_bytes_hex": signed_message(SEALED_HEADER_CONTEXT, header).hex(),
            "leaves": [b.leaf().decode("ascii") for b in batch.ballots],
            "spoiled_leaves": [s.leaf().decode("ascii") for s in batch.spoiled],
            "file": encode_batch(batch).decode("ascii")}


SOFTWARE_HASH_HEX = "33" * 32


def registration_vector(election_hex: str) -> dict:
    """A kiosk's registration (registration.json and its QR text), self-signed by the kiosk key."""
    kiosk = SigningKey(KIOSK_SEED)
    envelope = make_registration("S-0001", kiosk, election_hex, SOFTWARE_HASH_HEX, 1495850400)
    body = canonical_bytes(envelope["body"])
    return {"description": "kiosk registration: envelope 'kiosk-registration/1' signed by the kiosk key itself "
                           "(Ed25519 over context 0x00 canonical(body)); the QR text is canonical(envelope)",
            "kiosk_seed_hex": KIOSK_SEED.hex(), "kiosk_public_hex": kiosk.verify_key.hex,
            "kiosk_fingerprint": kiosk.verify_key.fingerprint, "context": REGISTRATION_CONTEXT,
            "canonical_body": body.decode("ascii"), "signed_bytes_hex": signed_message(REGISTRATION_CONTEXT, body).hex(),
            "envelope": envelope, "qr_text": registration_payload(envelope).decode("ascii")}


def checkpoint_vector(election_hex: str) -> dict:
    """A board checkpoint of 5 leaves signed by a node, then cosigned by a witness."""
    node, witness = SigningKey(NODE_SEED), SigningKey(WITNESS_SEED)
    origin = board_origin(election_hex, "official", "n1")
    size, root = root_from_leaf_hashes(leaf_hash(bytes([i])) for i in range(5))
    note = sign_checkpoint(node, origin, size, root)
    wname = witness_name(election_hex, "n2")
    cosigned = cosign(parse_checkpoint(note, origin, node.verify_key), witness, wname).note()
    return {"description": "C2SP tlog-checkpoint note: Ed25519 (no context) over the three text lines; key ID "
                           "= SHA-256(name 0x0A 0x01 public key)[:4]; leaves are the bytes 0..4",
            "node_seed_hex": NODE_SEED.hex(), "node_public_hex": node.verify_key.hex,
            "witness_seed_hex": WITNESS_SEED.hex(), "witness_public_hex": witness.verify_key.hex,
            "origin": origin, "tree_size": size, "root_hex": root.hex(),
            "signed_text_hex": checkpoint_text(origin, size, root).hex(),
            "node_key_id_hex": key_id(origin, node.verify_key).hex(), "witness_name": wname,
            "witness_key_id_hex": key_id(wname, witness.verify_key).hex(),
            "note": note.decode("utf-8"), "cosigned_note": cosigned.decode("utf-8")}


def main() -> None:
    for name, vector in build_vectors().items():
        (HERE / name).write_text(json.dumps(vector, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
