"""A kiosk that is not on the roster is refused; once the authority adds it, it is accepted."""

from __future__ import annotations

from centralhelp import batches, close_station, make_kiosk, post, running_node, vote
from kiosk.station.datadir import DataDir
from kiosk.contract.package import load_package
from kiosk.contract.roster import add_kiosk


def test_unknown_kiosk_then_registered(central, tmp_path):
    kiosk = make_kiosk(central, tmp_path / "k", register=False)
    vote(kiosk, central.official[:10], central.election)
    close_station(kiosk)
    (batch,) = batches(kiosk)
    with running_node(central, tmp_path / "n1") as (node, server):
        ack = post(server, batch, central)
        assert (ack.verdict, ack.reason) == ("rejected", "unknown_kiosk")
        assert node.store.ack(ack.batch.kiosk_key_hex, 1) is None  # nothing kept of an unknown kiosk
        package = load_package(central.directory)
        add_kiosk(central.directory, central.election.fingerprint_hex, package.authority_key(),
                  DataDir(kiosk).registration_file.read_bytes())  # the roster is reread when it changes
        assert post(server, batch, central).verdict == "accepted"
        assert node.store.checkpoint()[0] == 10


def test_many_kiosks_added_with_one_signature_and_none_twice(central, tmp_path):
    import pytest

    from kiosk.errors import KioskError
    from kiosk.contract.roster import add_kiosks, load_roster

    election = central.copy(tmp_path / "own-election")
    roots = [make_kiosk(election, tmp_path / f"k{i}", station=f"S-{i}", register=False) for i in range(3)]
    package = load_package(election.directory)
    registrations = [DataDir(r).registration_file.read_bytes() for r in roots]
    added = add_kiosks(election.directory, election.election.fingerprint_hex, package.authority_key(), registrations)
    roster = load_roster(election.directory, election.election.fingerprint_hex, package.authority)
    assert [k.station for k in roster.kiosks] == ["S-0", "S-1", "S-2"] == [k.station for k in added]
    with pytest.raises(KioskError, match="already on the roster"):
        add_kiosks(election.directory, election.election.fingerprint_hex, package.authority_key(), registrations[2:])
