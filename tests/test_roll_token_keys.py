"""The roll: per token its own public key, mode and style; looked up by token key; frozen and signed as before."""

from __future__ import annotations

import json

import pytest

from ceremonyhelp import format2_package
from kiosk.app.cliutil import call
from kiosk.contract.ballot import token_signing_key
from kiosk.contract.merkle import leaf_hash, root_from_leaf_hashes
from kiosk.contract.minting import mint_tokens
from kiosk.contract.roll import roll_leaf
from kiosk.contract.tokens import Valid, check_token, parse_token
from kiosk.contract.ttabok import ttabok_spec
from sync.central.cli import main


@pytest.fixture(scope="module")
def minted(tmp_path_factory):
    package, _ = format2_package(tmp_path_factory.mktemp("roll-v2") / "e", ttabok_spec(12))
    styles = [s.id for s in package.election.styles[:3]]
    official = mint_tokens(package, [(s, 4) for s in styles], "official")
    test = mint_tokens(package, [(styles[0], 2)], "test")
    roll = package.roll()
    roll.freeze(package.authority_key())
    roll.close()
    return package, official, test


def key_of(package, payload: str) -> bytes:
    return token_signing_key(package.election.fingerprint, parse_token(payload).serial).verify_key.raw


def test_the_roll_lists_each_tokens_own_key_and_nothing_else(minted):
    package, official, test = minted
    roll = package.roll()
    try:
        entries = {ref: (mode, style) for ref, mode, style in roll.entries()}
        assert len(entries) == 14
        for t in official + test:
            assert entries[key_of(package, t.payload)] == (t.mode, t.style)   # 14 entries: nothing but the keys
    finally:
        roll.close()


def test_the_root_is_over_token_key_mode_style_leaves_in_key_order_and_signed(minted):
    package, official, test = minted
    leaves = sorted(roll_leaf(key_of(package, t.payload), t.mode, t.style) for t in official + test)
    assert leaves[0][32:33] in (b"O", b"T") and leaves[0][33:].decode() in {t.style for t in official}
    size, root = root_from_leaf_hashes(leaf_hash(x) for x in leaves)
    roll = package.roll()
    try:
        assert roll.frozen and roll.verify()
        assert (roll.root.size, roll.root.root_hex) == (size, root.hex())
    finally:
        roll.close()


def test_lookups_are_by_token_key(minted):
    package, official, _ = minted
    roll = package.roll()
    try:
        keys = [key_of(package, t.payload) for t in official]
        assert roll.lookup(keys[0]) == ("official", official[0].style)
        assert roll.lookup(bytes(32)) is None
        assert roll.lookup_many(keys + [bytes(32)]) == {k: ("official", t.style) for k, t in zip(keys, official)}
    finally:
        roll.close()


def test_the_kiosks_token_check_finds_the_token_by_its_key(minted):
    package, official, test = minted
    e = package.election
    roll = package.roll()
    try:
        result = check_token(official[0].payload, e.tag, e.fingerprint, "official", roll)
        assert isinstance(result, Valid) and result.ref == key_of(package, official[0].payload)
        assert result.style == official[0].style
        assert not isinstance(check_token(test[0].payload, e.tag, e.fingerprint, "official", roll), Valid)
    finally:
        roll.close()


def test_tokens_check_on_a_format_2_package(minted):
    package, official, _ = minted
    code, out = call(main, "tokens", "check", "--election", package.directory, official[1].payload, "--json")
    assert code == 0 and json.loads(out)["style"] == official[1].style
