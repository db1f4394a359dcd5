"""``kiosk-central verify`` passes on an honest node and names every kind of tampering."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3

import pytest

from centralhelp import batches, close_station, make_kiosk, post, running_node, vote
from sync.central.cli import main as central_main
from sync.central.node import store_path


def verify(central, node_dir) -> tuple[int, dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = central_main(["verify", "--data", str(node_dir), "--election", str(central.directory), "--json"])
    return code, json.loads(out.getvalue())


@pytest.fixture
def honest_node(central, tmp_path):
    a = make_kiosk(central, tmp_path / "a", station="S-0001")
    b = make_kiosk(central, tmp_path / "b", station="S-0002")
    vote(a, central.official[:12], central.election)
    vote(b, central.official[12:20] + central.official[:1], central.election)  # one double use
    close_station(a)
    close_station(b)
    with running_node(central, tmp_path / "n1") as (_, server):
        for kiosk in (a, b):
            post(server, batches(kiosk)[0], central)
    return tmp_path / "n1"


def tamper(node_dir, *statements):
    db = sqlite3.connect(store_path(node_dir, "official"))
    db.execute("DROP TRIGGER board_no_update")  # triggers stop bugs, not someone with the file
    db.execute("DROP TRIGGER batches_no_update")
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def test_honest_node_verifies(central, honest_node):
    code, report = verify(central, honest_node)
    assert code == 0, report["problems"]
    assert report["counts"]["leaves"] == 21 and report["counts"]["batches"] == 2
    assert len(report["notes"]) == 1 and "one token used at kiosks" in report["notes"][0]["problem"]


@pytest.mark.parametrize("statement, expected", [
    ("UPDATE board SET sealed = CAST(substr(sealed, 1, 10) || x'00' || substr(sealed, 12) AS BLOB) "
     "WHERE leaf_index = 3",
     "merkle_root_mismatch"),
    ("UPDATE board SET style = CASE style WHEN 'C002' THEN 'C003' ELSE 'C002' END WHERE leaf_index = 0",
     "not on the roll"),
    ("UPDATE batches SET header = replace(header, '\"polls_closed\":true', '\"polls_closed\":false')",
     "hash is wrong"),
    ("UPDATE board SET token_ref = zeroblob(32) WHERE leaf_index = 5", "the token's signature does not verify"),
    ("UPDATE board SET sealed = 'text, not bytes' WHERE leaf_index = 2", "cannot be read"),
    # checked batch by batch (the board is streamed, never held): a leaf moved to a batch never
    # accepted, a kiosk spending one token twice
    ("UPDATE board SET number = 7 WHERE leaf_index = 4", "did not accept"),
    ("UPDATE board SET token_ref = (SELECT token_ref FROM board WHERE leaf_index = 0) WHERE leaf_index = 1",
     "already spent by the same kiosk (leaf 0)"),
])
def test_tampering_is_named(central, honest_node, statement, expected):
    tamper(honest_node, statement)
    code, report = verify(central, honest_node)
    assert code == 1
    assert any(expected in p["problem"] for p in report["problems"]), report["problems"]


def test_a_board_with_a_leaf_missing_is_a_named_error_not_a_crash(central, honest_node, capsys):
    tamper(honest_node, "UPDATE board SET leaf_index = 100 WHERE leaf_index = 20")
    code = central_main(["verify", "--data", str(honest_node), "--election", str(central.directory)])
    err = capsys.readouterr().err
    assert code == 3 and "board has no leaf" in err and "what to do:" in err
