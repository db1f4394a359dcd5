"""Property tests for every parser of outside input on the sync path.

Acknowledgements, registrations, USB manifests, the node's HTTP request bodies and
parameters, and the sync client's reading of whatever a node (or something pretending to be
one) answers: any input gives a value or a KioskError, never another exception or a 500.
"""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from kiosk.contract.ack import Acknowledgement, BatchRef, Checkpoint, ack_from_body, parse_ack, sign_ack
from kiosk.contract.canonical import canonical_bytes
from kiosk.errors import KioskError
from kiosk.contract.keys import SigningKey
from kiosk.contract.roster import parse_registration
from sync.client import NodeClient, SyncError

NODE = SigningKey(bytes(range(96, 128)))
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                         max_size=4), max_leaves=12)
hex32 = st.binary(min_size=32, max_size=32).map(bytes.hex)
acks = st.builds(
    lambda verdict, reason, n, size, detail, double, t, k, h, r: Acknowledgement(
        "n1", "5b" * 32, "official", BatchRef(k, n, h), verdict, reason if verdict == "rejected" else None,
        detail, double, Checkpoint(size, r), t),
    st.sampled_from(["accepted", "duplicate", "held", "rejected"]), st.from_regex(r"[a-z][a-z_]{0,20}", fullmatch=True),
    st.integers(1, 2**31), st.integers(0, 2**40), st.text(max_size=50), st.integers(0, 1000), st.integers(0, 2**40),
    hex32, hex32, hex32)


def good_body() -> dict:
    return sign_and_parse(Acknowledgement("n1", "5b" * 32, "official", BatchRef("ab" * 32, 1, "cd" * 32), "accepted",
                                          None, "", 0, Checkpoint(1, "ef" * 32), 1)).body()


def sign_and_parse(ack: Acknowledgement) -> Acknowledgement:
    return parse_ack(sign_ack(NODE, ack), NODE.verify_key)


@given(acks)
def test_ack_round_trip(ack):
    assert sign_and_parse(ack) == ack


@given(st.binary(max_size=600))
def test_ack_parser_on_any_bytes(data):
    with pytest.raises(KioskError):
        parse_ack(data, NODE.verify_key)


@given(st.sampled_from(sorted(good_body())), json_values)
def test_ack_body_with_any_value_in_any_field(field, value):
    body = good_body()
    body[field] = value
    try:
        ack_from_body(body)
    except KioskError:
        pass


@given(st.integers(0, 400), st.integers(0, 7))
def test_ack_with_any_bit_flipped_is_refused(position, bit):
    data = bytearray(sign_ack(NODE, sign_and_parse(Acknowledgement(
        "n1", "5b" * 32, "official", BatchRef("ab" * 32, 1, "cd" * 32), "accepted", None, "", 0,
        Checkpoint(1, "ef" * 32), 1))))
    data[position % len(data)] ^= 1 << bit
    with pytest.raises(KioskError):
        parse_ack(bytes(data), NODE.verify_key)


@given(json_values)
def test_registration_parser_on_any_json(value):
    try:
        parse_registration(canonical_bytes(value), "5b" * 32)
    except KioskError:
        pass


@given(json_values)
def test_usb_manifest_on_any_json(tmp_path_factory, value):
    from sync.usb import MANIFEST, read_export

    folder = tmp_path_factory.mktemp("stick")
    (folder / MANIFEST).write_bytes(canonical_bytes(value))
    try:
        read_export(folder)
    except KioskError:
        pass


# -- the node's HTTP API: any body, any path parameter: 200 or a 4xx with a reason code ------

@pytest.fixture(scope="module")
def api(central_template, tmp_path_factory):
    from kiosk.contract.keys import save_signing_key
    from sync.central.app import create_app
    from sync.central.node import NODE_KEY, CentralNode

    data = tmp_path_factory.mktemp("node")
    save_signing_key(data / NODE_KEY, central_template.node_keys["n1"])
    from sync.central.serve import NodeServer

    node = CentralNode(central_template.directory, data)
    with NodeServer(create_app(node, max_batch_bytes=4096)) as server, \
            httpx.Client(base_url=server.url, timeout=30) as client:
        yield client
    node.close()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=5000) | json_values.map(canonical_bytes))
def test_node_answers_any_body(api, body):
    response = api.post("/v1/batches", content=body)
    assert response.status_code in (200, 400, 413)
    if response.status_code != 200:
        assert set(response.json()) == {"error", "detail"}


printable = st.characters(min_codepoint=33, max_codepoint=126, blacklist_characters="/?#%")


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="0123456789abcdefABCDEF.-xyz", max_size=70), st.text(alphabet=printable, max_size=12))
def test_node_answers_any_path(api, key, start):
    for path in (f"/v1/kiosks/{key}", f"/v1/kiosks/{key}/acks", f"/v1/kiosks/{key}/batches/{start}/ack"):
        response = api.get(path, params={"from": start})
        assert response.status_code in (200, 400, 404, 405), (path, response.status_code)


# -- the sync client reading whatever comes back ------------------------------------------

@given(st.integers(100, 599), st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()))
def test_client_reads_any_answer(status, body):
    client = NodeClient("http://node.invalid", transport=httpx.MockTransport(lambda request: httpx.Response(
        status, content=body)))
    try:
        for call in (client.info, lambda: client.accepted_through("ab" * 32), lambda: client.submit(b"{}")):
            try:
                call()
            except SyncError:
                pass
    finally:
        client.close()
