"""``--db postgresql://…``: a node's board in a real PostgreSQL server, read back by ``verify``."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from centralhelp import batches, close_station, make_kiosk, vote
from kiosk.errors import KioskError
from kiosk.contract.keys import save_signing_key
from pghelp import schema_url
from sync.central.cli import main as central_main
from sync.central.node import NODE_KEY, CentralNode
from sync.central.pg_store import PostgresNodeStore


def test_verify_reads_the_board_from_postgresql(central, tmp_path, pg_server):
    url = schema_url(pg_server, str(tmp_path))
    data = tmp_path / "n1"
    data.mkdir()
    save_signing_key(data / NODE_KEY, central.node_keys["n1"])
    kiosk = make_kiosk(central, tmp_path / "a")
    vote(kiosk, central.official[:5], central.election)
    close_station(kiosk)
    node = CentralNode(central.directory, data, db=url)
    try:
        assert isinstance(node.store, PostgresNodeStore)
        assert node.submit(batches(kiosk)[0]).ack.verdict == "accepted"
    finally:
        node.close()
    assert not list(data.glob("store-*.sqlite"))  # nothing went to the SQLite default
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = central_main(["verify", "--data", str(data), "--election", str(central.directory), "--db", url, "--json"])
    report = json.loads(out.getvalue())
    assert code == 0 and report["counts"]["leaves"] == 5, report


def test_db_must_be_a_postgresql_url(central, tmp_path):
    from sync.central.stores import open_store

    with pytest.raises(KioskError, match="postgresql://"):
        open_store("mysql://x/y", tmp_path / "s.sqlite", None)
