"""Cards a photo does not give away (issue 21): the card's QR holds nothing about its PIN; the PIN's
verifier reaches the kiosk in the authority's card list, sealed to the kiosk's key; every refusal
of a list or of an unlisted card; every try counts; the commands from minting to unlocking."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import cv2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from centralhelp import make_kiosk
from pollhelp import PIN, STATION, TECH_PIN, card_file, cli
from storehelp import NOW, load_cards, make_station

from kiosk.contract.card_list import CardList, CardListRefusal, CardListRefused, make_card_list, parse_card_list
from kiosk.contract.cards import CardPin, card_body, hash_pin, mint_card, parse_card, sign_card
from kiosk.contract.keys import SigningKey
from kiosk.contract.package import load_package
from kiosk.station.cardlist import CardListRefusedError, held_card_list, load_card_list
from kiosk.station.datadir import DataDir
from kiosk.station.pinpolicy import NO_CARD_LIST, NOT_LISTED, WRONG_PIN, Unlocked, UnlockRefused, check_unlock
from kiosk.station.station import Station
from scanner.decode import decode_frame
from sync.central.sheets import card_qr, save_png

ROOT = Path(__file__).resolve().parents[1]


def unlock_events(root):
    with Station.open(root) as station:
        return [(e.kind, e.fields()) for e in station.store.events(("card_refused", "pin_refused",
                                                                   "poll_worker_unlocked", "card_list_loaded"))]


def test_a_photographed_card_gives_nothing_to_try_pins_against(tmp_path):
    """What a photo of the card holds, read back through the real decoder, is made from the card's
    public fields and the authority key alone: two PINs give the same bytes, so there is nothing to
    brute-force offline (a KC1 card carried the PIN's argon2id hash: 186 s for 4 digits)."""
    authority = SigningKey.generate()
    minted = mint_card(authority, "ABCDEFGH", "poll-worker", "S01", "482915", NOW - 10, NOW + 3600)
    save_png(card_qr(minted.payload), tmp_path / "card.png", scale=6)
    [photo] = decode_frame(cv2.imread(str(tmp_path / "card.png")))
    assert photo == minted.payload
    body = json.loads(photo[4:].rpartition(".")[0])
    assert set(body) == {"v", "card_id", "role", "station", "election", "not_before", "not_after"}
    for pin in ("482915", "730418"):  # the same public fields under any PIN: the very same payload
        rebuilt = sign_card(authority, card_body("ABCDEFGH", "poll-worker", "S01", NOW - 10, NOW + 3600,
                                                 card_id=minted.pin.card_id))
        assert rebuilt == photo, pin
    assert "argon2" not in photo and minted.pin.pin_hash.split("$")[-1] not in photo


def test_the_list_opens_only_with_its_kiosks_key():
    authority, kiosk, other = SigningKey.generate(), SigningKey.generate(), SigningKey.generate()
    pin = CardPin("AAAAAAAAAAAAAAAA", "poll-worker", "S01", NOW + 60, hash_pin("482915"))
    envelope = make_card_list(authority, "ee" * 32, kiosk.verify_key.hex, "S01", [pin], NOW)
    data = json.dumps(envelope).encode()
    held = parse_card_list(data, authority.verify_key, "ee" * 32, kiosk.verify_key.hex, "S01")
    assert isinstance(held, CardList) and held.verifier(pin.card_id, kiosk) == pin.pin_hash
    assert held.verifier(pin.card_id, other) is None           # another kiosk's key opens nothing
    assert held.verifier("BBBBBBBBBBBBBBBB", kiosk) is None    # not listed
    assert "argon2" not in data.decode()                       # the file carries no verifier in the clear


def test_a_box_moved_to_another_card_does_not_open_as_that_card():
    authority, kiosk = SigningKey.generate(), SigningKey.generate()
    pins = [CardPin("AAAAAAAAAAAAAAAA", "poll-worker", "S01", NOW + 60, hash_pin("482915")),
            CardPin("BBBBBBBBBBBBBBBB", "technician", "*", NOW + 60, hash_pin("730418"))]
    body = make_card_list(authority, "ee" * 32, kiosk.verify_key.hex, "S01", pins, NOW)["body"]
    first, second = body["cards"]
    first["sealed_b64"], second["sealed_b64"] = second["sealed_b64"], first["sealed_b64"]
    from kiosk.contract.card_list import LIST_CONTEXT
    from kiosk.contract.envelope import seal_envelope

    swapped = json.dumps(seal_envelope(LIST_CONTEXT, body, authority)).encode()  # even signed by the authority
    held = parse_card_list(swapped, authority.verify_key, "ee" * 32, kiosk.verify_key.hex, "S01")
    assert held.verifier("AAAAAAAAAAAAAAAA", kiosk) is None and held.verifier("BBBBBBBBBBBBBBBB", kiosk) is None


def test_the_list_keeps_only_cards_for_its_station_still_valid():
    authority, kiosk = SigningKey.generate(), SigningKey.generate()
    h = hash_pin("482915")
    pins = [CardPin("AAAAAAAAAAAAAAAA", "poll-worker", "S01", NOW + 60, h),
            CardPin("BBBBBBBBBBBBBBBB", "poll-worker", "S02", NOW + 60, h),
            CardPin("CCCCCCCCCCCCCCCC", "technician", "*", NOW + 60, h),
            CardPin("DDDDDDDDDDDDDDDD", "poll-worker", "S01", NOW, h)]   # expired when the list is made
    body = make_card_list(authority, "ee" * 32, kiosk.verify_key.hex, "S01", pins, NOW)["body"]
    assert [c["card_id"] for c in body["cards"]] == ["AAAAAAAAAAAAAAAA", "CCCCCCCCCCCCCCCC"]


# ------------------------------------------------------------------ refusals at the kiosk


@pytest.fixture
def station_root(store_election, cards, tmp_path):
    return make_station(store_election, tmp_path / "s", polls_open=False)


def list_bytes(tokens, root, pins, authority=None, issued=NOW, **changes) -> bytes:
    with Station.open(root) as station:
        fields = {"election_hex": station.config.election_hex, "kiosk_key_hex": station.config.kiosk_key_hex,
                  "station": station.config.station, **changes}
    authority = authority or load_package(tokens.directory).authority_key()
    return json.dumps(make_card_list(authority, fields["election_hex"], fields["kiosk_key_hex"], fields["station"],
                                     pins, issued)).encode()


@pytest.mark.parametrize("change, reason, korean", [
    ({"authority": SigningKey(bytes(range(7, 39)))}, CardListRefusal.BAD_SIGNATURE, "서명한 카드 목록이 아닙니다"),
    ({"kiosk_key_hex": SigningKey(bytes(range(9, 41))).verify_key.hex}, CardListRefusal.OTHER_KIOSK, "다른 단말기"),
    ({"station": "S-0002"}, CardListRefusal.OTHER_STATION, "다른 투표소"),
    ({"election_hex": "ab" * 32}, CardListRefusal.OTHER_ELECTION, "다른 선거"),
])
def test_a_list_not_for_this_kiosk_is_refused(store_election, cards, station_root, change, reason, korean):
    data = list_bytes(store_election, station_root, cards.pins, **change)
    with Station.open(station_root) as station:
        assert _parse(station, data) == CardListRefused(reason)
        with pytest.raises(CardListRefusedError) as refused:
            load_card_list(station, data, NOW)
        assert korean in str(refused.value) and "kiosk-central cards list" in refused.value.hint
        assert held_card_list(station) is None   # nothing was written
    code, _, err = cli("", "cards", "load", "--data", station_root, _write(station_root.parent / "l.json", data))
    assert code == 1 and korean in err and "card list refused" in err
    assert not any(kind == "card_list_loaded" for kind, _ in unlock_events(station_root))


def _parse(station, data):
    return parse_card_list(data, station.package.authority, station.config.election_hex,
                           station.config.kiosk_key_hex, station.config.station)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_damaged_unknown_and_older_lists_are_refused(store_election, cards, station_root):
    good = list_bytes(store_election, station_root, cards.pins, issued=NOW + 100)
    older = list_bytes(store_election, station_root, cards.pins, issued=NOW)
    with Station.open(station_root) as station:
        assert _parse(station, good[:-40]) == CardListRefused(CardListRefusal.MALFORMED)
        newer_format = good.replace(b'"kiosk-card-list/1"', b'"kiosk-card-list/2"')
        assert _parse(station, newer_format) == CardListRefused(CardListRefusal.UNKNOWN_VERSION)
        load_card_list(station, good, NOW)
        with pytest.raises(CardListRefusedError, match="older"):
            load_card_list(station, older, NOW)
        assert held_card_list(station).issued == NOW + 100


def test_without_a_list_no_card_unlocks_and_nothing_is_checked(store_election, cards, station_root):
    with Station.open(station_root) as station:
        assert check_unlock(station, cards.poll_worker, PIN, NOW) == UnlockRefused(NO_CARD_LIST)
        assert check_unlock(station, cards.technician, TECH_PIN, NOW) == UnlockRefused(NO_CARD_LIST)
    refused = [body for kind, body in unlock_events(station_root) if kind == "card_refused"]
    assert [b["reason"] for b in refused] == [NO_CARD_LIST, NO_CARD_LIST] and all("card_id" in b for b in refused)
    assert not any(kind == "pin_refused" for kind, _ in unlock_events(station_root))


def test_a_card_not_on_the_list_is_refused_before_its_pin(store_election, cards, station_root):
    only_technician = [p for p in cards.pins if p.role == "technician"]
    load_cards(store_election, station_root, only_technician)
    with Station.open(station_root) as station:
        assert check_unlock(station, cards.poll_worker, PIN, NOW) == UnlockRefused(NOT_LISTED)
        assert isinstance(check_unlock(station, cards.technician, TECH_PIN, NOW), Unlocked)
    code, _, err = cli(PIN + "\n", "open", "--data", station_root, "--card", card_file(station_root.parent, cards.poll_worker))
    assert code == 1 and "카드 목록에 없습니다" in err and "not on this kiosk's card list" in err


def test_a_held_list_edited_on_the_sd_card_opens_nothing(store_election, cards, station_root):
    load_cards(store_election, station_root, cards.pins)
    path = DataDir(station_root).card_list
    envelope = json.loads(path.read_text())
    envelope["body"]["cards"] = envelope["body"]["cards"][:1]
    path.write_text(json.dumps(envelope))
    with Station.open(station_root) as station:
        assert isinstance(held_card_list(station), CardListRefused)
        assert check_unlock(station, cards.poll_worker, PIN, NOW) == UnlockRefused(NO_CARD_LIST)


def test_a_verifier_that_does_not_open_counts_as_a_wrong_try(store_election, cards, station_root):
    """A list signed by the authority but sealed to another key: the try is counted, not skipped."""
    with Station.open(station_root) as station:
        config = station.config
    other = SigningKey.generate()
    body = make_card_list(load_package(store_election.directory).authority_key(), config.election_hex,
                          other.verify_key.hex, config.station, cards.pins, NOW)["body"]
    body["kiosk_key_hex"] = config.kiosk_key_hex
    from kiosk.contract.card_list import LIST_CONTEXT
    from kiosk.contract.envelope import seal_envelope

    data = json.dumps(seal_envelope(LIST_CONTEXT, body, load_package(store_election.directory).authority_key()))
    with Station.open(station_root) as station:
        load_card_list(station, data.encode(), NOW)
        assert check_unlock(station, cards.poll_worker, PIN, NOW) == UnlockRefused(WRONG_PIN, None, 14)


def test_only_the_attempts_policy_ever_checks_a_pin():
    """Every PIN check goes through check_unlock, so the lockout (kept in the signed log, across
    restarts) applies to every try: no other module calls pin_matches or opens a verifier."""
    callers = set()
    for path in [*ROOT.glob("kiosk/**/*.py"), *ROOT.glob("sync/**/*.py"), *ROOT.glob("booth_ui/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in ("pin_matches", "verifier", "open_sealed"):
                    callers.add(str(path.relative_to(ROOT)))
    assert callers == {"kiosk/station/pinpolicy.py", "kiosk/contract/card_list.py"}


# ------------------------------------------------------------------ the commands, minting to unlocking


def test_mint_register_list_load_unlock_on_the_command_line(central, tmp_path, capsys):
    from sync.central.cli import main as central_main

    def run(*argv, stdin=""):
        import io
        import sys

        saved = sys.stdin
        sys.stdin = io.StringIO(stdin)
        try:
            code = central_main([str(a) for a in argv])
        finally:
            sys.stdin = saved
        return code, capsys.readouterr()

    e = central.directory
    assert run("cards", "mint", "--election", e, "--role", "poll-worker", "--station", STATION,
               "--valid-from", "2017-05-26", "--valid-until", "2099-01-01", "--out", tmp_path / "cards",
               stdin="482917\n")[0] == 0
    pins_file = e / "authority" / "card-pins.json"
    assert pins_file.stat().st_mode & 0o077 == 0 and "argon2id" in pins_file.read_text()
    root = make_kiosk(central, tmp_path / "k", register=False)
    code, out = run("cards", "list", "--election", e, "--kiosk", root / "registration.json", "--out", tmp_path / "l.json")
    assert code == 2 and "not on the roster" in out.err
    make_kiosk_registered = make_kiosk(central, tmp_path / "k2")
    code, out = run("cards", "list", "--election", e, "--kiosk", make_kiosk_registered / "registration.json",
                    "--out", tmp_path / "l.json")
    assert code == 0 and "1 cards" in out.out and "argon2" not in (tmp_path / "l.json").read_text()
    card = tmp_path / "cards" / f"poll-worker-{STATION}.txt"
    code, _, err = cli("482917\n", "pause", "--data", make_kiosk_registered, "--card", card)
    assert code == 1 and "no card list" in err
    code, out_text, _ = cli("", "cards", "load", "--data", make_kiosk_registered, tmp_path / "l.json")
    assert code == 0 and "card list loaded: 1 cards" in out_text
    assert cli("", "cards", "load", "--data", root, tmp_path / "l.json")[0] == 1   # another kiosk's list
    code, shown, _ = cli("", "cards", "show", "--data", make_kiosk_registered, "--json")
    assert code == 0 and len(json.loads(shown)["cards"]) == 1 and "argon2" not in shown
    code, _, err = cli("482917\n", "pause", "--data", make_kiosk_registered, "--card", card)
    assert code == 0, err
    assert parse_card(card.read_text().strip(), load_package(e).authority).card_id == json.loads(shown)["cards"][0]["card_id"]


# ------------------------------------------------------------------ fuzz: any bytes give a value

FUZZ_AUTHORITY, FUZZ_KIOSK = SigningKey(bytes(range(3, 35))), SigningKey(bytes(range(5, 37)))
FUZZ_LIST = json.dumps(make_card_list(
    FUZZ_AUTHORITY, "ee" * 32, FUZZ_KIOSK.verify_key.hex, "S01",
    [CardPin("AAAAAAAAAAAAAAAA", "poll-worker", "S01", NOW + 60,
             "$argon2id$v=19$m=65536,t=2,p=1$TcYR33Oa3jy+VMo1OoRhVg$CTjwg7c9sMe5B+msndMr6lo4uAHqHAS1OonigRUdqD8")],
    NOW)).encode()
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                                          max_size=5), max_leaves=20)


def fuzz_parse(data):
    return parse_card_list(data, FUZZ_AUTHORITY.verify_key, "ee" * 32, FUZZ_KIOSK.verify_key.hex, "S01", NOW)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600) | JSON_VALUES.map(lambda v: json.dumps(v).encode()))
def test_any_bytes_give_a_list_or_a_refusal(data):
    assert isinstance(fuzz_parse(data), (CardList, CardListRefused))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_every_change_to_a_signed_list_is_refused_or_harmless(data):
    envelope = json.loads(FUZZ_LIST)
    path = data.draw(st.sampled_from(["election_hex", "kiosk_key_hex", "station", "issued", "format", "cards",
                                      "card_id", "role", "not_after", "sealed_b64"]))
    value = data.draw(JSON_VALUES)
    target = envelope["body"]["cards"][0] if path in ("card_id", "role", "not_after", "sealed_b64") else envelope["body"]
    if target[path] == value:
        return
    target[path] = value
    assert isinstance(fuzz_parse(json.dumps(envelope).encode()), CardListRefused)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(FUZZ_LIST) - 1), st.integers(0, 255))
def test_any_byte_flip_of_a_list_gives_a_value(i, byte):
    changed = FUZZ_LIST[:i] + bytes([byte]) + FUZZ_LIST[i + 1:]
    result = fuzz_parse(changed)
    assert isinstance(result, (CardList, CardListRefused))
    if isinstance(result, CardList):  # only a change JSON does not see (white space, an escape) may pass
        assert result == fuzz_parse(FUZZ_LIST)


def test_the_booth_takes_an_old_card_as_a_card_and_a_checked_ballots_code_as_a_code():
    """An old KC1 card is refused by name on the worker screen; the checked-ballot slip's code
    (``KC1:TAG:ID:SEED``, same four letters) stays a code, never a card."""
    from booth_ui import flow
    from kiosk.app.booth import translate
    from kiosk.scanning import PayloadScanned

    old_card = 'KC1:{"card_id":"AAAAAAAAAAAAAAAA"}.sig'
    checked = "KC1:ABCDEFGH:" + "0" * 32 + ":" + "A" * 52
    assert isinstance(translate(PayloadScanned(old_card, "camera", 0.0)), flow.CardScanned)
    assert isinstance(translate(PayloadScanned(checked, "camera", 0.0)), flow.CodeScanned)
    assert parse_card(old_card, SigningKey.generate().verify_key).reason.value == "old_format"


def test_a_revoked_card_is_on_no_later_list(central, tmp_path, capsys):
    from sync.central.cards_cli import card_pins
    from sync.central.cli import main as central_main

    import io
    import sys

    e = central.directory
    saved = sys.stdin
    try:
        for pin in ("482917", "730418"):
            sys.stdin = io.StringIO(pin + "\n")
            assert central_main(["cards", "mint", "--election", str(e), "--role", "poll-worker", "--station", STATION,
                                 "--valid-from", "2017-05-26", "--valid-until", "2099-01-01",
                                 "--out", str(tmp_path / pin)]) == 0
    finally:
        sys.stdin = saved
    lost, kept = card_pins(e)
    root = make_kiosk(central, tmp_path / "k")
    assert central_main(["cards", "revoke", "--election", str(e), lost.card_id]) == 0
    assert central_main(["cards", "revoke", "--election", str(e), lost.card_id]) == 2   # no such card now
    assert [p.card_id for p in card_pins(e)] == [kept.card_id]
    assert central_main(["cards", "list", "--election", str(e), "--kiosk", str(root / "registration.json"),
                         "--out", str(tmp_path / "l.json")]) == 0
    capsys.readouterr()
    assert cli("", "cards", "load", "--data", root, tmp_path / "l.json")[0] == 0
    lost_card = (tmp_path / "482917" / f"poll-worker-{STATION}.txt").read_text().strip()
    kept_card = (tmp_path / "730418" / f"poll-worker-{STATION}.txt").read_text().strip()
    with Station.open(root) as station:
        assert check_unlock(station, lost_card, "482917", NOW + 60) == UnlockRefused(NOT_LISTED)
        assert isinstance(check_unlock(station, kept_card, "730418", NOW + 60), Unlocked)


def test_kiosk_verify_names_the_held_card_list(store_election, cards, station_root):
    from storehelp import verify_json

    code, report = verify_json(station_root)
    assert code == 0 and report["kiosk"]["card_list"] is None and any("no card list" in str(n) for n in report["notes"])
    load_cards(store_election, station_root, cards.pins)
    code, report = verify_json(station_root)
    assert code == 0 and report["kiosk"]["card_list"] == {"issued": NOW, "cards": len([p for p in cards.pins if p.station in ("*", "S-0001") and p.not_after > NOW])}
    path = DataDir(station_root).card_list
    path.write_text(path.read_text().replace('"S-0001"', '"S-0009"'))
    code, report = verify_json(station_root)
    assert code == 0 and any("does not check" in str(n) for n in report["notes"])
