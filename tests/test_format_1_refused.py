"""Format 1 is refused wherever it can still turn up, by name and with what to do (issues 14 and 21).

A format-1 package (a dealer's key, SealedBox ballots) cannot be provisioned onto a kiosk nor
opened by one: the refusal says, in Korean and in English, that the package is format 1 and that
the election must be made again with ``kiosk-central election init``.
"""

from __future__ import annotations

import shutil

import pytest

from format1help import write_format_1_package
from kiosk.cli import main as kiosk_main
from kiosk.errors import FormatError
from kiosk.station.provisioning import provision
from kiosk.station.station import Station
from storehelp import NOW, make_station

ENGLISH = "This election package is format 1, which this version no longer reads"
KOREAN = "이 선거 패키지는 형식 1입니다"
WHAT_TO_DO = "kiosk-central election init"


def test_provisioning_refuses_a_format_1_package_and_writes_nothing(tmp_path):
    package = write_format_1_package(tmp_path / "old")
    with pytest.raises(FormatError) as refused:
        provision(package, "S-0001", tmp_path / "s", NOW)
    assert ENGLISH in refused.value.message and WHAT_TO_DO in refused.value.hint
    assert KOREAN in refused.value.korean[0] and WHAT_TO_DO in refused.value.korean[1]
    assert not (tmp_path / "s").exists()


def test_kiosk_provision_prints_the_refusal_in_korean_and_english(tmp_path, capsys):
    package = write_format_1_package(tmp_path / "old")
    code = kiosk_main(["provision", "--election", str(package), "--station", "S-0001", "--data", str(tmp_path / "s")])
    err = capsys.readouterr().err
    assert code != 0 and KOREAN in err and ENGLISH in err and err.count(WHAT_TO_DO) >= 2


def test_a_station_whose_package_is_format_1_does_not_open(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False)
    shutil.rmtree(root / "election")
    write_format_1_package(root / "election")   # a package from before, copied over the station's
    with pytest.raises(FormatError) as refused:
        Station.open(root)
    assert ENGLISH in refused.value.message and KOREAN in refused.value.korean[0]


def test_a_node_does_not_start_on_a_format_1_package(tmp_path):
    from sync.central.node import CentralNode
    package = write_format_1_package(tmp_path / "old")
    with pytest.raises(FormatError) as refused:
        CentralNode(package, tmp_path / "node")
    assert ENGLISH in refused.value.message and WHAT_TO_DO in refused.value.hint and KOREAN in refused.value.korean[0]


def test_the_proof_verifier_refuses_a_format_1_package_before_it_opens_the_queue(tmp_path, capsys):
    from sync.central.cli import main as central_main
    package = write_format_1_package(tmp_path / "old")
    code = central_main(["verifier", "--election", str(package), "--queue", "postgresql://nowhere.invalid/none"])
    err = capsys.readouterr().err
    assert code != 0 and ENGLISH in err and KOREAN in err and WHAT_TO_DO in err


def test_the_observers_verifier_names_a_format_1_package(tmp_path):
    from sync.central.observer import check_package
    facts = check_package(write_format_1_package(tmp_path / "old"))
    assert facts.package is None
    (found,) = [f for f in facts.findings if f.place == "package"]
    assert found.level == "problem" and ENGLISH in found.detail and WHAT_TO_DO in found.detail


def test_a_format_1_batch_is_read_only_as_far_as_who_signed_it():
    """Its header and signature pass the node's first checks (so the refusal can name batch and kiosk:
    wrong_format, tests/test_node.py), and a batch signed by no kiosk on the roster is unknown_kiosk."""
    from format1help import format_1_batch
    from kiosk.contract.sealed_batch import parse_any_batch
    from kiosk.contract.keys import SigningKey
    from kiosk.contract.roster import Roster, RosterEntry
    from sync.central import acceptance as acc
    from ceremonyhelp import format2_election
    from kiosk.contract.ttabok import ttabok_spec

    election, kiosk = format2_election(ttabok_spec(4)), SigningKey.generate()
    old = parse_any_batch(format_1_batch(kiosk, election.fingerprint_hex))
    roster = Roster(election.fingerprint_hex, (RosterEntry("S-0001", kiosk.verify_key.hex, 0),))
    ctx = acc.NodeContext(election, "official", roster)
    assert acc.precheck(old, ctx) is None   # the header signature checks: the refusal names the format
    stranger = parse_any_batch(format_1_batch(SigningKey.generate(), election.fingerprint_hex))
    assert acc.precheck(stranger, ctx).reason == "unknown_kiosk"
