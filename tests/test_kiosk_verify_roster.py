"""``kiosk verify`` names the kiosk key and its first entry, and with ``--roster`` catches a store
re-keyed and cast again with a key the authority never registered (issue 21); ``Station.open``
writes again an outbox file that differs from the store, so it does not hold later batches back.
"""

from __future__ import annotations

import contextlib
import io
import json

from centralhelp import make_kiosk, seal_batch, vote
from kiosk.cli import main as kiosk_main
from kiosk.station.datadir import DataDir
from kiosk.station.station import Station
from kiosk.station.verify import verify_data


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = kiosk_main(list(argv))
    return code, out.getvalue()


def rekeyed(central, tmp_path):
    """A registered kiosk's data directory provisioned again with a new key that is not registered."""
    from kiosk.station.polls import open_polls
    from kiosk.station.provisioning import provision
    from storehelp import NOW

    real = make_kiosk(central, tmp_path / "real", station="S-0001")
    fake = tmp_path / "fake"
    provision(central.directory, "S-0001", fake, NOW, mode="official", seal_interval_s=0)
    with Station.open(fake) as station:
        open_polls(station, NOW)
    vote(fake, central.official[:10], central.election)
    return real, fake


def test_verify_names_the_key_and_checks_it_against_the_roster(central, tmp_path):
    real, fake = rekeyed(central, tmp_path)
    vote(real, central.official[10:20], central.election)
    roster = central.directory / "roster.json"
    code, said = run("verify", "--data", str(real), "--roster", str(roster))
    assert code == 0 and "on the roster for this station" in said and "first entry 20" in said
    code, said = run("verify", "--data", str(fake))  # the re-keyed store verifies on its own ...
    assert code == 0 and "not checked against a roster" in said
    code, said = run("verify", "--data", str(fake), "--roster", str(central.directory))  # ... not against it
    assert code == 1 and "does not list this kiosk's key" in said
    report = json.loads(run("verify", "--data", str(fake), "--roster", str(roster), "--json")[1])
    assert report["kiosk"]["on_roster"] is False and report["kiosk"]["kiosk_key_hex"]


def test_a_wrong_roster_path_is_a_clear_problem(central, tmp_path):
    real = make_kiosk(central, tmp_path / "real")
    code, said = run("verify", "--data", str(real), "--roster", str(tmp_path / "nowhere"))
    assert code == 1 and "roster.json" in said


def test_open_writes_again_an_outbox_file_that_differs(central, tmp_path):
    root = make_kiosk(central, tmp_path / "k")
    vote(root, central.official[:10], central.election)
    seal_batch(root)
    path = DataDir(root).batch_file("official", 1)
    whole = path.read_bytes()
    path.write_bytes(whole[:-40] + b"x" * 40)  # damaged on the card
    assert not verify_data(root).ok
    with Station.open(root):
        pass
    assert path.read_bytes() == whole and verify_data(root).ok
