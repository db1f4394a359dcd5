"""The technician's verbs: kiosk provision, status, verify, test-deck (exit codes 0/1/2, --json)."""

from __future__ import annotations

import io
import json
import stat
from contextlib import redirect_stdout

import pytest

from kiosk.contract.envelope import read_envelope
from kiosk.contract.keys import VerifyKey
from storehelp import kiosk_cli, verify_json


def central(*argv) -> None:
    from sync.central.cli import main

    with redirect_stdout(io.StringIO()):
        assert main([str(a) for a in argv]) == 0


@pytest.fixture(scope="module")
def minted(tmp_path_factory):
    """An election made with kiosk-central: test tokens and official tokens (payloads.tsv each), frozen."""
    root = tmp_path_factory.mktemp("cli")
    central("election", "init", "--out", root / "e", "--demo", "ttabok", "--communities", "12", "--trustees", "1",
            "--threshold", "1")
    central("tokens", "mint", "--election", root / "e", "--all-styles", "--count", "2", "--mode", "test",
            "--out", root / "test-tokens")
    central("tokens", "mint", "--election", root / "e", "--style", "C001", "--count", "1", "--mode", "official",
            "--out", root / "official-tokens")
    central("tokens", "freeze", "--election", root / "e")
    tokens = root / "all.tsv"
    tokens.write_text((root / "test-tokens" / "payloads.tsv").read_text()
                      + (root / "official-tokens" / "payloads.tsv").read_text())
    return root


def test_provision_writes_the_layout(minted, tmp_path):
    data = tmp_path / "d"
    code, out = kiosk_cli("provision", "--election", minted / "e", "--station", "S-7", "--data", data)
    assert code == 0 and "S-7" in out
    assert stat.S_IMODE((data / "kiosk.key").stat().st_mode) == 0o600
    assert {p.name for p in (data / "election").iterdir()} == {"election.json", "roll.sqlite", "roll-root.json"}
    station = json.loads((data / "station.json").read_text())
    registration = read_envelope(data / "registration.json", "kiosk-registration/1",
                                 VerifyKey.from_hex(station["kiosk_key_hex"]), "registration")
    assert registration["station"] == "S-7" and registration["election_hex"] == station["election_hex"]
    assert (data / "store-test.sqlite").exists() and (data / "outbox" / "test").is_dir()
    assert kiosk_cli("provision", "--election", minted / "e", "--station", "S-7", "--data", data)[0] == 2


def test_provision_refuses_an_unfrozen_roll(tmp_path):
    central("election", "init", "--out", tmp_path / "e", "--demo", "ttabok", "--communities", "2",
            "--trustees", "1", "--threshold", "1")
    assert kiosk_cli("provision", "--election", tmp_path / "e", "--station", "S", "--data", tmp_path / "d")[0] == 2


def test_status_and_verify(minted, tmp_path):
    data = tmp_path / "d"
    kiosk_cli("provision", "--election", minted / "e", "--station", "S-7", "--data", data)
    code, out = kiosk_cli("status", "--data", data, "--json")
    info = json.loads(out)
    assert code == 0 and (info["mode"], info["state"], info["ballots"]) == ("test", "provisioned", 0)
    assert "open" in info["allowed_actions"]["poll-worker"] and "change_mode" in info["allowed_actions"]["technician"]
    code, out = kiosk_cli("verify", "--data", data)
    assert code == 0 and "verified" in out
    assert kiosk_cli("verify", "--data", tmp_path / "nothing")[0] == 2


def test_test_deck_casts_and_tallies(minted, tmp_path):
    data = tmp_path / "d"
    kiosk_cli("provision", "--election", minted / "e", "--station", "S-7", "--data", data)
    code, out = kiosk_cli("test-deck", "--data", data, "--tokens", minted / "all.tsv", "--json")
    report = json.loads(out)
    assert code == 0 and report["match"], report
    assert report["cast"] == report["tokens"] == 24
    assert report["refused"]["actual"] == {"already_used": 1, "wrong_mode": 1}
    assert sum(sum(o.values()) for o in report["actual"].values()) > 0
    code, out = kiosk_cli("status", "--data", data, "--json")
    assert json.loads(out)["state"] == "polls_closed"
    assert verify_json(data)[0] == 0
    assert kiosk_cli("test-deck", "--data", data, "--tokens", minted / "all.tsv")[0] == 2  # not a fresh box


def test_test_deck_is_refused_in_official_mode(minted, tmp_path):
    data = tmp_path / "d"
    kiosk_cli("provision", "--election", minted / "e", "--station", "S-8", "--data", data, "--mode", "official")
    code, _ = kiosk_cli("test-deck", "--data", data, "--tokens", minted / "all.tsv")
    assert code == 2
    assert json.loads(kiosk_cli("status", "--data", data, "--json")[1])["ballots"] == 0


def test_test_deck_text_output_names_each_option(minted, tmp_path):
    data = tmp_path / "d"
    kiosk_cli("provision", "--election", minted / "e", "--station", "S-9", "--data", data)
    code, out = kiosk_cli("test-deck", "--data", data, "--tokens", minted / "test-tokens" / "payloads.tsv")
    assert code == 0 and "the tally matches" in out and "P012" in out
