"""A format-2 election: the trustees' public ceremony record in the package, re-checked at every parse."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ceremonyhelp import format2_package, run_ceremony
from kiosk.app.cliutil import call
from kiosk.contract.canonical import b64url, from_b64url
from kiosk.contract.crypto import group
from kiosk.contract.crypto.elgamal import DiscreteLog, encrypt, total
from kiosk.contract.crypto.records import Aggregates
from kiosk.contract.crypto.threshold import PartialDecryption, combine
from kiosk.contract.election import ELECTION_FORMAT, parse_election
from kiosk.contract.package import load_package
from kiosk.contract.ttabok import ttabok_spec
from kiosk.errors import ValidationError
from sync.central.cli import main

SPEC = ttabok_spec(12)
EID = SPEC["id"]


@pytest.fixture(scope="module")
def local():
    return run_ceremony(EID, 3, 2)


def body_with(record: dict) -> dict:
    return dict(SPEC, format=ELECTION_FORMAT, authority_key_hex="11" * 32, election_key=record)


def refusal(body: dict) -> str:
    with pytest.raises(ValidationError) as e:
        parse_election(body)
    return str(e.value)


def test_a_format_2_election_carries_the_key_the_announcements_give(local, tmp_path):
    package, _ = format2_package(tmp_path / "e", SPEC)
    e = load_package(tmp_path / "e").election
    assert e.ceremony == local.ceremony and not hasattr(e, "encryption_key_hex")
    assert e.election_public_key == from_b64url(local.record["public_key"], "y") == package.election.election_public_key
    assert (e.trustees_count, e.trustees_threshold) == (3, 2) and sorted(e.announcements) == [1, 2, 3]
    assert not (tmp_path / "e" / "trustees").exists()   # no dealer, no share of a secret here


def test_the_in_process_ceremony_decrypts_a_sum_with_any_k_trustees(local):
    y = from_b64url(local.record["public_key"], "y")
    rng = group.SeededScalars(b"sum")
    agg = Aggregates(EID, (("G01", "P001", total([encrypt(y, b % 2, rng()) for b in range(11)]), 11),))
    for pair in ((1, 2), (2, 3), (1, 3)):
        partials = [PartialDecryption.from_json(p, local.ceremony, 1) for p in local.partials(agg, pair, floor=10)]
        point, = combine(local.ceremony, local.announcements, agg.ciphertexts, partials, agg.context)
        assert DiscreteLog(11).find(point) == 5


def test_a_wrong_proof_is_refused_naming_the_trustee_and_the_commitment(local):
    record = copy.deepcopy(local.record)
    c, v = record["announcements"][1]["proofs"][1]
    record["announcements"][1]["proofs"][1] = [c, b64url(group.scalar_bytes((group.decode_scalar(from_b64url(v, "v"), "v") + 1) % group.L))]
    text = refusal(body_with(record))
    assert "election_key" in text and "trustee 2's commitment 1" in text and "Schnorr proof" in text


def test_a_public_key_not_the_sum_is_refused(local):
    record = dict(local.record, public_key=local.record["verification_keys"]["1"])
    assert "public key is not the sum" in refusal(body_with(record))


def test_a_wrong_verification_key_is_refused_naming_the_trustee(local):
    record = copy.deepcopy(local.record)
    record["verification_keys"]["3"] = record["verification_keys"]["2"]
    assert "trustee 3's verification key" in refusal(body_with(record))


def test_a_missing_announcement_is_refused_naming_the_trustee(local):
    record = copy.deepcopy(local.record)
    del record["announcements"][2]
    assert "no announcement of trustee 3" in refusal(body_with(record))


def test_a_ceremony_of_another_election_is_refused():
    other = run_ceremony("another-election", 3, 2)
    text = refusal(body_with(other.record))
    assert "election_key.ceremony.election" in text and "another-election" in text and f"--election-id {EID}" in text


def test_format_1_and_format_2_keys_do_not_mix(local):
    text = refusal(dict(body_with(local.record), encryption_key_hex="22" * 32, trustees={"count": 3, "threshold": 2}))
    assert "encryption_key_hex: is not a known field" in text and "trustees: is not a known field" in text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.lists(st.integers(0, 40), min_size=1, max_size=5),
       value=st.one_of(st.none(), st.booleans(), st.integers(-3, 2 ** 70), st.text(max_size=50),
                       st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3)))
def test_any_altered_record_is_refused_as_a_validation_error(local, path, value):
    """Replace one value somewhere in the record: the parse accepts the original or refuses by name, nothing else."""
    record = copy.deepcopy(local.record)
    node = record
    for step in path[:-1]:
        children = list(node.values()) if isinstance(node, dict) else node if isinstance(node, list) else []
        if not children or not isinstance(children[step % len(children)], (dict, list)):
            break
        node = children[step % len(children)]
    if isinstance(node, dict):
        node[sorted(node)[path[-1] % len(node)]] = value
    elif node:
        node[path[-1] % len(node)] = value
    try:
        assert parse_election(body_with(record)).election_public_key == parse_election(body_with(local.record)).election_public_key
    except ValidationError as e:
        assert "election_key" in str(e)


# -- kiosk-central election init --trustees-from ---------------------------------------------------

def kc(*argv):
    return call(main, *argv)


def refused(capsys, *argv, code: int = 2) -> str:
    """Run a command that must refuse (exit 2 for bad input, 1 for a proof that fails): its message on stderr."""
    assert kc(*argv)[0] == code
    return capsys.readouterr().err


@pytest.fixture(scope="module")
def announced(tmp_path_factory):
    """Three trustees ran `trustee keygen` on their machines and published their announcements in one folder."""
    root = tmp_path_factory.mktemp("keygen")
    board = root / "announcements"
    board.mkdir()
    for i in (1, 2, 3):
        code, out = kc("trustee", "keygen", "--election-id", EID, "--trustees", 3, "--threshold", 2, "--index", i,
                       "--out", root / f"t{i}")
        assert code == 0, out
        name = f"trustee-{i}.announcement.json"
        (board / name).write_text((root / f"t{i}" / name).read_text())
    return board


def test_election_init_takes_the_key_from_the_trustees_announcements(announced, tmp_path):
    code, out = kc("election", "init", "--demo", "ttabok", "--communities", 12, "--trustees-from", announced,
                   "--trustees", 3, "--threshold", 2, "--out", tmp_path / "e")
    assert code == 0, out
    assert "no part of the election key's secret is here" in out and "DEMO" not in out
    assert not (tmp_path / "e" / "trustees").exists()
    code, out = kc("election", "show", tmp_path / "e", "--json")
    info = json.loads(out)
    assert code == 0 and info["ballot_format"] == 2 and info["trustees"] == {"count": 3, "threshold": 2}
    key = load_package(tmp_path / "e").election.election_public_key
    code, out = kc("trustee", "check", "--election-id", EID, "--trustees", 3, "--threshold", 2,
                   "--announcements", announced, "--json")
    assert from_b64url(json.loads(out)["public_key"], "y") == key


def test_election_init_refuses_a_ceremony_run_with_other_parameters(announced, tmp_path, capsys):
    err = refused(capsys, "election", "init", "--demo", "ttabok", "--communities", 12, "--trustees-from", announced,
                  "--trustees", 3, "--threshold", 3, "--out", tmp_path / "e")
    assert "trustee 1's announcement: expected 3 commitments" in err and "--threshold 3" in err
    assert not (tmp_path / "e" / "election.json").exists()


def test_election_init_refuses_an_altered_announcement_naming_the_trustee(announced, tmp_path, capsys):
    board = tmp_path / "board"
    board.mkdir()
    for f in announced.iterdir():
        (board / f.name).write_text(f.read_text())
    two = json.loads((board / "trustee-2.announcement.json").read_text())
    two["commitments"][0] = two["commitments"][1]
    (board / "trustee-2.announcement.json").write_text(json.dumps(two))
    err = refused(capsys, "election", "init", "--demo", "ttabok", "--communities", 12, "--trustees-from", board,
                  "--out", tmp_path / "e", code=1)
    assert "trustee 2's commitment 0" in err and "Schnorr proof does not verify" in err


def test_election_init_refuses_a_missing_announcement(announced, tmp_path, capsys):
    board = tmp_path / "board"
    board.mkdir()
    (board / "trustee-1.announcement.json").write_text((announced / "trustee-1.announcement.json").read_text())
    err = refused(capsys, "election", "init", "--demo", "ttabok", "--communities", 12, "--trustees-from", board,
                  "--out", tmp_path / "e")
    assert "no announcement of trustee 2, 3" in err
