"""Tampering: each edit of a store or a batch file is caught by ``kiosk verify``, which names the place.

The triggers refuse UPDATE, DELETE and out-of-order inserts, but an attacker drops them first:
what must catch every edit is the chain and the signatures.
"""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from kiosk.station.casting import cast
from kiosk.station.eventlog import SIGNATURE_CONTEXT
from kiosk.contract.keys import SigningKey
from kiosk.station.sealing import seal
from kiosk.station.station import Station
from storehelp import NOW, choices, make_station, verify_json


@pytest.fixture
def station_dir(store_election, tmp_path):
    """A test station with 12 ballots: 10 sealed in batch 1, 2 not yet sealed."""
    root = make_station(store_election, tmp_path / "s")
    e = store_election.election
    with Station.open(root) as station:
        for i, (style, payload) in enumerate(store_election.test[:12]):
            cast(station, payload, choices(e, style, n=i % 3), NOW + i)
            if i == 9:
                seal(station, NOW + 10)
    assert verify_json(root)[0] == 0
    return root


def open_db(root) -> sqlite_utils.Database:
    db = sqlite_utils.Database(root / "store-test.sqlite")
    for trigger in db.triggers:
        db.execute(f"DROP TRIGGER {trigger.name}")
    return db


def flip(blob: bytes, at: int = 5) -> bytes:
    return blob[:at] + bytes([blob[at] ^ 0x01]) + blob[at + 1:]


def first_ballot(db) -> tuple:
    return db.execute("SELECT ballot_id, sealed, selections FROM ballots ORDER BY ballot_id LIMIT 1").fetchone()


def flip_sealed(db):
    ballot_id, sealed, _ = first_ballot(db)
    db.execute("UPDATE ballots SET sealed = ? WHERE ballot_id = ?", [flip(sealed, 40), ballot_id])
    return f"ballot {ballot_id.hex()}"


def change_selection(db):
    ballot_id, _, selections = first_ballot(db)
    changed = selections.replace("[]", '["P999"]') if "[]" in selections else selections.replace('["', '["X', 1)
    db.execute("UPDATE ballots SET selections = ? WHERE ballot_id = ?", [changed, ballot_id])
    return f"ballot {ballot_id.hex()}"


def edit_event_body(db):
    db.execute("UPDATE events SET body = replace(body, '\"count\":4', '\"count\":40') WHERE seq = 6")
    return "event seq 6"


def delete_event(db):
    db.execute("DELETE FROM events WHERE seq = 7")
    return "event seq 8"


def delete_ballot(db):
    ballot_id = first_ballot(db)[0]
    db.execute("DELETE FROM ballots WHERE ballot_id = ?", [ballot_id])
    return "ballot box"


def reorder_seq(db):
    db.execute("UPDATE events SET seq = -1 WHERE seq = 4")
    db.execute("UPDATE events SET seq = 4 WHERE seq = 5")
    db.execute("UPDATE events SET seq = 5 WHERE seq = -1")
    return "event seq 4"


def forge_event_signature(db):
    (digest,) = db.execute("SELECT entry_hash FROM events WHERE seq = 9").fetchone()
    forged = SigningKey(bytes(32)).sign(SIGNATURE_CONTEXT, digest)
    db.execute("UPDATE events SET signature = ? WHERE seq = 9", [forged])
    return "event seq 9"


def replace_ballot(db):
    ballot_id, sealed, selections = first_ballot(db)
    row = db.execute("SELECT * FROM ballots WHERE ballot_id = ?", [ballot_id]).fetchone()
    db.execute("INSERT OR REPLACE INTO ballots VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               [row[0], row[1], row[2], row[3], row[4], flip(row[5], 60), row[6], row[7]])
    return f"ballot {ballot_id.hex()}"


def replace_event(db):
    row = db.execute("SELECT * FROM events WHERE seq = 3").fetchone()
    db.execute("INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?, ?, ?)",
               [row[0], row[1], row[2].replace('"time":', '"time":1'), row[3], row[4], row[5]])
    return "event seq 3"


def stuff_ballot(db):
    row = list(db.execute("SELECT * FROM ballots ORDER BY ballot_id LIMIT 1").fetchone())
    row[0], row[1] = b"\xff" * 16, b"\xee" * 32  # a copy under another id and token reference
    db.execute("INSERT INTO ballots VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
    return f"ballot {'ff' * 16}"


@pytest.mark.parametrize("tamper", [flip_sealed, change_selection, edit_event_body, delete_event, delete_ballot,
                                    reorder_seq, forge_event_signature, replace_ballot, replace_event,
                                    stuff_ballot])
def test_verify_names_the_tampered_place(station_dir, tamper):
    db = open_db(station_dir)
    place = tamper(db)
    db.conn.commit()
    db.close()
    code, report = verify_json(station_dir)
    assert code == 1 and not report["ok"]
    assert report["problems"][0]["place"] == f"test {place}", report["problems"]


def test_a_flipped_byte_in_an_outbox_batch_is_caught(station_dir):
    path = station_dir / "outbox" / "test" / "batch-000001.json"
    data = path.read_bytes()
    at = data.index(b'"encrypted_b64":"') + 24
    path.write_bytes(data[:at] + (b"A" if data[at:at + 1] != b"A" else b"B") + data[at + 1:])
    code, report = verify_json(station_dir)
    assert code == 1 and report["problems"][0]["place"] == "outbox/test/batch-000001.json"


def test_a_foreign_file_in_the_outbox_is_caught(station_dir):
    (station_dir / "outbox" / "test" / "batch-000002.json").write_bytes(b"{}")
    code, report = verify_json(station_dir)
    assert code == 1 and report["problems"][0]["place"] == "outbox/test/batch-000002.json"


@pytest.mark.parametrize("statement", [
    "UPDATE ballots SET style = 'C002'",
    "DELETE FROM ballots",
    "UPDATE events SET body = '{}' WHERE seq = 2",
    "DELETE FROM events WHERE seq = 2",
    "INSERT INTO events SELECT seq + 100, kind, body, prev_hash, entry_hash, signature FROM events WHERE seq = 2",
    "INSERT OR REPLACE INTO events SELECT * FROM events WHERE seq = 2",
    "INSERT OR REPLACE INTO ballots SELECT * FROM ballots LIMIT 1",
    "DELETE FROM batch_members",
    "UPDATE batches SET number = 5",
])
def test_the_triggers_refuse_changes_while_they_are_in_place(station_dir, statement):
    db = sqlite3.connect(station_dir / "store-test.sqlite")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(statement)
    db.close()
    assert verify_json(station_dir)[0] == 0


def test_one_edited_entry_is_one_problem(station_dir):
    """The entries after a bad one are judged on their own: the report does not cascade."""
    db = open_db(station_dir)
    edit_event_body(db)
    db.conn.commit()
    db.close()
    code, report = verify_json(station_dir)
    assert code == 1 and [p["place"] for p in report["problems"]] == ["test event seq 6"]
