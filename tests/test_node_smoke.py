from centralhelp import *
from kiosk.ack import parse_ack
from kiosk.keys import VerifyKey
import httpx

def test_smoke(central, tmp_path):
    k = make_kiosk(central, tmp_path / "k1")
    vote(k, central.official[:12], central.election)
    seal_batch(k)
    vote(k, central.official[12:15], central.election)
    close_station(k)
    b = batches(k)
    assert len(b) == 2
    with running_node(central, tmp_path / "n1") as (node, server):
        r = httpx.post(server.url + "/v1/batches", content=b[1])
        ack = parse_ack(r.content, VerifyKey(central.node_keys["n1"].verify_key.raw))
        print(ack)
        assert ack.verdict == "held"
        r = httpx.post(server.url + "/v1/batches", content=b[0])
        ack = parse_ack(r.content, None)
        assert ack.verdict == "accepted", ack
        r = httpx.get(server.url + f"/v1/kiosks/{ack.batch.kiosk_key_hex}")
        print(r.json())
        assert r.json()["accepted_through"] == 2
        r = httpx.get(server.url + f"/v1/kiosks/{ack.batch.kiosk_key_hex}/acks")
        acks = [parse_ack(l, None) for l in r.content.splitlines()]
        print(acks)
        assert [a.verdict for a in acks] == ["accepted", "accepted"]
        r = httpx.post(server.url + "/v1/batches", content=b[0])
        assert parse_ack(r.content, None).verdict == "duplicate"
        r = httpx.post(server.url + "/v1/batches", content=b"garbage")
        assert r.status_code == 400, r.text
        print(r.json())
