"""``kiosk-central trustee``: the whole ceremony and a tally through the command, each trustee in a folder of their own."""

from __future__ import annotations

import json

import pytest

from kiosk.app.cliutil import call
from kiosk.contract.canonical import from_b64url
from kiosk.contract.crypto import group
from kiosk.contract.crypto.elgamal import encrypt, total
from kiosk.contract.crypto.records import Aggregates
from sync.central.cli import main

N, K = 3, 2


def kc(*argv):
    return call(main, *argv)


@pytest.fixture(scope="module")
def ceremony(tmp_path_factory):
    root = tmp_path_factory.mktemp("ceremony")
    board = root / "board"                       # what is published: announcements
    board.mkdir()
    for i in range(1, N + 1):
        code, out = kc("trustee", "keygen", "--election-id", "e-1", "--trustees", N, "--threshold", K, "--index", i,
                       "--out", root / f"t{i}")
        assert code == 0, out
        (board / f"trustee-{i}.announcement.json").write_text((root / f"t{i}" / f"trustee-{i}.announcement.json").read_text())
    stick = root / "stick"                       # the USB stick the share files travel on
    for i in range(1, N + 1):
        assert kc("trustee", "share", "--secret", root / f"t{i}" / f"trustee-{i}.secret.json", "--announcements", board,
                  "--out", stick)[0] == 0
    for i in range(1, N + 1):
        code, out = kc("trustee", "accept", "--secret", root / f"t{i}" / f"trustee-{i}.secret.json",
                       "--announcements", board, "--shares", stick)
        assert code == 0 and "match their commitments" in out
    code, out = kc("trustee", "check", "--election-id", "e-1", "--trustees", N, "--threshold", K,
                   "--announcements", board, "--out", root / "election-key.json")
    assert code == 0 and "all 3 announcements check" in out
    return root


def aggregates(root, counts, ballots=12):
    y = from_b64url(json.loads((root / "election-key.json").read_text())["public_key"], "y")
    rng = group.SeededScalars(b"agg")
    items = []
    for n, c in enumerate(counts):
        cts = [encrypt(y, int(b < c), rng()) for b in range(ballots)]
        items.append(("G01", f"P{n + 1:03d}", total(cts), ballots))
    path = root / "aggregates.json"
    path.write_text(json.dumps(Aggregates("e-1", tuple(items)).to_json()))
    return path


def test_k_of_n_trustees_decrypt_the_aggregates_and_anyone_combines(ceremony):
    agg = aggregates(ceremony, [3, 0, 12, 7])
    for i in (1, 3):
        code, out = kc("trustee", "decrypt", "--secret", ceremony / f"t{i}" / f"trustee-{i}.secret.json",
                       "--election-key", ceremony / "election-key.json", "--aggregates", agg, "--floor", 10,
                       "--out", ceremony / f"partial-{i}.json")
        assert code == 0, out
    code, out = kc("trustee", "combine", "--election-key", ceremony / "election-key.json", "--aggregates", agg,
                   "--partials", ceremony / "partial-1.json", ceremony / "partial-3.json", "--json")
    assert code == 0
    assert [r["count"] for r in json.loads(out)["results"]] == [3, 0, 12, 7]
    code, out = kc("trustee", "combine", "--election-key", ceremony / "election-key.json", "--aggregates", agg,
                   "--partials", ceremony / "partial-1.json")
    assert code == 1


def test_no_secret_file_holds_the_election_key(ceremony):
    for i in range(1, N + 1):
        body = json.loads((ceremony / f"t{i}" / f"trustee-{i}.secret.json").read_text())
        assert set(body) == {"format", "ceremony", "trustee", "coefficients", "transport_secret_hex", "key_share"}
        assert (ceremony / f"t{i}" / f"trustee-{i}.secret.json").stat().st_mode & 0o077 == 0


def test_an_aggregate_below_the_floor_is_refused(ceremony, capsys):
    agg = aggregates(ceremony, [1], ballots=3)
    code, _ = kc("trustee", "decrypt", "--secret", ceremony / "t2" / "trustee-2.secret.json",
                 "--election-key", ceremony / "election-key.json", "--aggregates", agg, "--floor", 10,
                 "--out", ceremony / "p.json")
    assert code == 1 and "fewer than the floor of 10" in capsys.readouterr().err


def test_a_partial_decryption_for_other_aggregates_is_refused_and_named(ceremony, capsys):
    agg = aggregates(ceremony, [3, 0, 12, 7])
    for i in (1, 2):
        assert kc("trustee", "decrypt", "--secret", ceremony / f"t{i}" / f"trustee-{i}.secret.json",
                  "--election-key", ceremony / "election-key.json", "--aggregates", agg, "--floor", 10,
                  "--out", ceremony / f"q-{i}.json")[0] == 0
    other = aggregates(ceremony, [4, 0, 12, 7])
    code, _ = kc("trustee", "combine", "--election-key", ceremony / "election-key.json", "--aggregates", other,
                 "--partials", ceremony / "q-1.json", ceremony / "q-2.json")
    assert code == 1 and "trustee 1's decryption share of aggregate 1" in capsys.readouterr().err


def test_a_wrong_share_is_refused_at_accept_naming_the_sender(ceremony, tmp_path, capsys):
    from kiosk.contract.crypto.records import secret_from_json
    from kiosk.contract.crypto.threshold import Announcement, seal_share
    body = json.loads((ceremony / "t2" / "trustee-2.secret.json").read_text())
    c, secret, _ = secret_from_json(body)
    cheat = type(secret)(2, ((secret.coefficients[0] + 1) % group.L,) + secret.coefficients[1:], secret.transport)
    target = Announcement.from_json(json.loads((ceremony / "board" / "trustee-3.announcement.json").read_text()), c)
    stick = tmp_path / "stick"
    stick.mkdir()
    for f in (ceremony / "stick").iterdir():
        (stick / f.name).write_text(f.read_text())
    (stick / "share-2-to-3.json").write_text(json.dumps(seal_share(c, cheat, target)))
    secret3 = tmp_path / "trustee-3.secret.json"
    secret3.write_text((ceremony / "t3" / "trustee-3.secret.json").read_text())
    secret3.chmod(0o600)
    code, _ = kc("trustee", "accept", "--secret", secret3, "--announcements", ceremony / "board", "--shares", stick)
    err = capsys.readouterr().err
    assert code == 1 and "trustee 2's share for trustee 3 does not match trustee 2's published commitments" in err


def test_a_tampered_announcement_is_refused_naming_the_trustee(ceremony, tmp_path, capsys):
    board = tmp_path / "board"
    board.mkdir()
    for f in (ceremony / "board").iterdir():
        (board / f.name).write_text(f.read_text())
    a = json.loads((board / "trustee-2.announcement.json").read_text())
    a["commitments"][1], a["commitments"][0] = a["commitments"][0], a["commitments"][1]
    (board / "trustee-2.announcement.json").write_text(json.dumps(a))
    code, _ = kc("trustee", "check", "--election-id", "e-1", "--trustees", N, "--threshold", K, "--announcements", board)
    assert code == 1 and "trustee 2's commitment 0" in capsys.readouterr().err
    (board / "trustee-2.announcement.json").unlink()
    code, _ = kc("trustee", "check", "--election-id", "e-1", "--trustees", N, "--threshold", K, "--announcements", board)
    assert code == 2 and "no announcement of trustee 2" in capsys.readouterr().err


def test_keygen_refuses_to_overwrite_a_secret(ceremony, capsys):
    code, _ = kc("trustee", "keygen", "--election-id", "e-1", "--trustees", N, "--threshold", K, "--index", 1,
                 "--out", ceremony / "t1")
    assert code == 2 and "exists" in capsys.readouterr().err


from hypothesis import given, settings, strategies as st  # noqa: E402

JUNK = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                    lambda c: st.lists(c, max_size=4) | st.dictionaries(
                        st.sampled_from(["format", "election", "aggregates", "ceremony", "trustee", "count",
                                         "threshold", "coefficients", "contest", "x"]), c, max_size=5),
                    max_leaves=16)


@settings(max_examples=150, deadline=None)
@given(JUNK)
def test_the_ceremony_and_tally_file_parsers_refuse_junk_with_a_format_error(value):
    from kiosk.contract.crypto.records import election_key_from_json, secret_from_json
    from kiosk.errors import FormatError
    for parse in (Aggregates.from_json, secret_from_json, election_key_from_json):
        with pytest.raises(FormatError):
            parse(value)
