"""The RFC 9162 verifiers against the transparency-dev/merkle test vectors (every case, mutated
ones included; source, commit and licence in tests/vectors/transparency-dev-merkle/README.md).

One deliberate difference: this project refuses a hash of any length but 32 bytes, so the one
upstream case that accepts 12-byte roots ("sizes are equal (one) and proof is empty") is refused
here; the test names it so that no other case can drift the same way unnoticed.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from kiosk.contract.merkle import EMPTY_ROOT
from kiosk.contract.proofs import verify_consistency, verify_inclusion

HERE = Path(__file__).resolve().parent / "vectors" / "transparency-dev-merkle"
INCLUSION = json.loads((HERE / "inclusion.json").read_text())["cases"]
CONSISTENCY = json.loads((HERE / "consistency.json").read_text())["cases"]
STRICTER_HERE = {"testdata/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"}


def b64(text: str) -> bytes:
    return base64.b64decode(text)


def proof_of(case: dict) -> list[bytes]:
    return [b64(p) for p in case["proof"] or []]


def all_32(*hashes: bytes) -> bool:
    return all(len(h) == 32 for h in hashes)


def expected(case: dict, *hashes: bytes) -> bool:
    """Upstream's answer, made stricter where a hash is not 32 bytes."""
    return not case["wantErr"] and all_32(*hashes)


def test_the_vectors_are_all_there():
    assert len(INCLUSION) == 98 and len(CONSISTENCY) == 98
    assert sum(not c["wantErr"] for c in INCLUSION) == 6 and sum(not c["wantErr"] for c in CONSISTENCY) == 6


@pytest.mark.parametrize("case", INCLUSION, ids=[c["file"][len("testdata/"):] for c in INCLUSION])
def test_inclusion_vector(case):
    leaf, root, proof = b64(case["leafHash"]), b64(case["root"]), proof_of(case)
    got = verify_inclusion(leaf, case["leafIdx"], case["treeSize"], proof, root)
    assert got == expected(case, leaf, root, *proof), case["desc"]
    assert got == (not case["wantErr"])  # no inclusion case differs from upstream


@pytest.mark.parametrize("case", CONSISTENCY, ids=[c["file"][len("testdata/"):] for c in CONSISTENCY])
def test_consistency_vector(case):
    r1, r2, proof = b64(case["root1"]), b64(case["root2"]), proof_of(case)
    got = verify_consistency(case["size1"], case["size2"], r1, r2, proof)
    assert got == expected(case, r1, r2, *proof), case["desc"]
    assert (got == (not case["wantErr"])) == (case["file"] not in STRICTER_HERE)


def test_the_three_edge_cases_of_issue_18():
    one_leaf_root = b64(next(c for c in INCLUSION if c["desc"] == "matching root and leaf")["root"])
    assert not verify_inclusion(b"", 0, 1, [], b"")  # empty leaf hash and empty root
    assert not verify_consistency(0, 0, EMPTY_ROOT, one_leaf_root, [])  # 0 -> 0, another second root
    assert not verify_consistency(0, 1, EMPTY_ROOT, one_leaf_root, [])  # 0 -> 1, empty path
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])


@pytest.mark.parametrize("length", [0, 1, 20, 31, 33, 48, 64])
def test_a_hash_of_any_length_but_32_is_refused(length):
    case = next(c for c in INCLUSION if c["file"].endswith("inclusion/1/happy-path.json"))
    leaf, root, proof = b64(case["leafHash"]), b64(case["root"]), proof_of(case)
    assert verify_inclusion(leaf, 0, 8, proof, root)
    odd = b"\x5a" * length
    assert not verify_inclusion(odd, 0, 8, proof, root)
    assert not verify_inclusion(leaf, 0, 8, proof, odd)
    assert not verify_inclusion(leaf, 0, 8, proof[:1] + [odd] + proof[2:], root)
    assert not verify_consistency(1, 1, odd, odd, [])
    assert not verify_consistency(0, 0, odd, odd, [])
