"""The node's read endpoints: holdings for resume, acknowledgements (all and one), checkpoint, node."""

from __future__ import annotations

import httpx

from centralhelp import batches, post, running_node
from kiosk.contract.ack import parse_ack
from synchelp import kiosk_with_batches


def test_read_endpoints(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k")
    first, second = batches(kiosk)
    key = central.node_keys["n1"].verify_key
    with running_node(central, tmp_path / "n1") as (node, server), httpx.Client(base_url=server.url) as http:
        ack = post(server, first, central)
        kiosk_hex = ack.batch.kiosk_key_hex
        holdings = http.get(f"/v1/kiosks/{kiosk_hex}").json()
        assert (holdings["accepted_through"], holdings["held"], holdings["mode"]) == (1, [], "official")
        assert holdings["checkpoint"] == {"tree_size": 12, "root_hex": ack.checkpoint.root_hex}
        assert http.get("/v1/checkpoint").json() == holdings["checkpoint"]
        info = http.get("/v1/node").json()
        assert (info["node_id"], info["node_key_hex"], info["election_hex"]) == \
            ("n1", key.hex, central.election.fingerprint_hex)
        one = http.get(f"/v1/kiosks/{kiosk_hex}/batches/1/ack")
        assert parse_ack(one.content, key) == ack
        missing = http.get(f"/v1/kiosks/{kiosk_hex}/batches/2/ack")
        assert missing.status_code == 404 and missing.json()["error"] == "not_found"
        post(server, second, central)
        lines = http.get(f"/v1/kiosks/{kiosk_hex}/acks", params={"from": 2}).content.splitlines()
        assert [parse_ack(line, key).batch.number for line in lines] == [2]
        assert http.get("/v1/kiosks/NOT-HEX").json()["error"] == "bad_kiosk_key"
        assert http.get(f"/v1/kiosks/{kiosk_hex}/acks", params={"from": "x"}).json()["error"] == "bad_number"
        assert http.get(f"/v1/kiosks/{'00' * 32}").json()["accepted_through"] == 0
