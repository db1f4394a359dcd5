"""A node that stays up: bodies bounded before they are read, header and body deadlines, connection
caps per address, strict numbers and keys in paths and queries. Against the real node on loopback,
with raw sockets where a well-behaved client would not go.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from centralhelp import batches
from kiosk.contract.keys import save_signing_key
from sync.central.app import create_app
from sync.central.limits import BodyBudget, NodeBusy, NodeLimits, ascii_int, is_key_hex
from sync.central.node import NODE_KEY, CentralNode
from sync.central.serve import NodeServer
from synchelp import kiosk_with_batches

FAST = NodeLimits(header_timeout_s=1.0, body_window_s=1.0, min_body_rate=2000, connections_per_address=4,
                  inflight_per_address=3000, inflight_bytes=5000, tick_s=0.1)


@contextlib.contextmanager
def guarded_node(central, data: Path, limits: NodeLimits = FAST):
    save_signing_key(data / NODE_KEY, central.node_keys["n1"])
    node = CentralNode(central.directory, data)
    server = NodeServer(create_app(node, limits=limits), limits=limits).start()
    try:
        yield node, server
    finally:
        server.stop()
        node.close()


def connect(server: NodeServer, source: str = "127.0.0.1") -> socket.socket:
    s = socket.socket()
    s.bind((source, 0))
    s.settimeout(10)
    s.connect((server.host, server.port))
    return s


def answer(s: socket.socket) -> tuple[int, bytes]:
    """Read until the server closes or a whole answer arrived: (status, body)."""
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
        head, sep, body = data.partition(b"\r\n\r\n")
        length = [int(v) for k, _, v in (line.partition(b":") for line in head.split(b"\r\n")[1:])
                  if k.strip().lower() == b"content-length"]
        if sep and length and len(body) >= length[0]:
            break
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_declared_huge_bodies_are_refused_before_reading_in_korean_and_english(central, tmp_path):
    with guarded_node(central, tmp_path / "n") as (_, server):
        for path in ("/v1/batches", "/v1/witness/cosign", "/v1/board/cosignatures"):
            s = connect(server)
            s.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {2**30}\r\n\r\n".encode())
            status, body = answer(s)  # without a byte of the 1 GiB sent
            s.close()
            error = json.loads(body)
            assert status == 413 and error["error"] == "too_large", path
            assert "너무 큽니다" in error["detail"] and "too large" in error["detail"]


def test_chunked_bodies_stop_at_the_limit(central, tmp_path):
    with guarded_node(central, tmp_path / "n", NodeLimits()) as (_, server):
        big = (b"x" * 4096 for _ in range(64))  # 256 KiB, no length declared
        r = httpx.post(server.url + "/v1/witness/cosign", content=big, timeout=10)
        assert r.status_code == 413 and r.json()["error"] == "too_large"
        r = httpx.post(server.url + "/v1/witness/cosign", content=b"{}", timeout=10)
        assert r.status_code == 400  # a small bad body is still a bad request, not a 413


@pytest.mark.parametrize("path", ["/v1/kiosks/{k}/acks?from=%C2%B2", "/v1/kiosks/{k}/batches/%C2%B2/ack",
                                  "/v1/kiosks/{k}/batches/%EF%BC%91/ack", "/v1/board/leaves?start=0&end=%C2%B2",
                                  "/v1/board/proof/consistency?first=%C2%B9&second=2",
                                  "/v1/kiosks/{k}%0A", "/v1/kiosks/{k}%0A/acks",
                                  "/v1/board/proof/inclusion?leaf_hash={k}%0A&tree_size=1"])
def test_odd_digits_and_trailing_newlines_are_bad_requests_not_500(central, tmp_path, path):
    with guarded_node(central, tmp_path / "n", NodeLimits()) as (_, server):
        r = httpx.get(server.url + path.format(k="ab" * 32), timeout=10)
        assert r.status_code == 400, (path, r.status_code, r.text)


def test_half_sent_headers_get_408_and_the_node_still_answers(central, tmp_path):
    with guarded_node(central, tmp_path / "n") as (_, server):
        quiet, half = connect(server), connect(server)
        half.sendall(b"GET /v1/node HTTP/1.1\r\nHo")
        started = time.monotonic()
        status, body = answer(half)
        assert status == 408 and "too slow" in body.decode() and "느립니다" in body.decode()
        assert answer(quiet)[0] == 408  # a connection that never speaks is closed too
        assert time.monotonic() - started < 8
        assert httpx.get(server.url + "/v1/node", timeout=10).status_code == 200


def test_a_body_trickled_below_the_minimum_rate_is_cut(central, tmp_path):
    with guarded_node(central, tmp_path / "n") as (node, server):
        s = connect(server)
        s.sendall(b"POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Length: 2900\r\n\r\n")
        status = None
        s.sendall(b"x" * 2000)  # a fast start does not buy a stall
        for _ in range(60):  # then 10 bytes every 0.1 s: 100 B/s against a minimum of 2,000
            try:
                s.sendall(b"x" * 10)
            except (BrokenPipeError, ConnectionResetError):
                break
            time.sleep(0.1)
        status, _ = answer(s)
        assert status == 408 and node.store.checkpoint()[0] == 0


def test_connections_per_address_are_capped_but_other_addresses_get_in(central, tmp_path):
    with guarded_node(central, tmp_path / "n") as (_, server):
        held = [connect(server) for _ in range(FAST.connections_per_address)]
        time.sleep(0.2)
        extra = connect(server)
        status, body = answer(extra)
        assert status == 503 and "too many connections" in body.decode()
        other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
        assert other.get(server.url + "/v1/node", timeout=10).status_code == 200
        other.close()
        for s in held:
            s.close()
        time.sleep(0.3)
        assert httpx.get(server.url + "/v1/node", timeout=10).status_code == 200


def test_bodies_in_flight_from_one_address_are_budgeted(central, tmp_path):
    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(1,))
    (whole,) = batches(kiosk)
    with guarded_node(central, tmp_path / "n", NodeLimits(inflight_per_address=len(whole) + 10)) as (node, server):
        s = connect(server)  # holds all but the last byte of a body
        s.sendall(f"POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Length: {len(whole)}\r\n\r\n".encode() + whole[:-1])
        time.sleep(0.3)
        r = httpx.post(server.url + "/v1/batches", content=whole, timeout=10)
        assert r.status_code == 503 and r.json()["error"] == "busy" and r.headers["retry-after"]
        other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
        assert other.post(server.url + "/v1/batches", content=whole, timeout=10).status_code == 200
        other.close()
        s.close()


def test_body_budget_reserves_and_gives_back():
    budget = BodyBudget(total=100, per_address=60)
    budget.take("a", 60)
    with pytest.raises(NodeBusy):
        budget.take("a", 1)
    budget.take("b", 40)
    with pytest.raises(NodeBusy):
        budget.take("c", 1)
    budget.give_back("a", 60)
    budget.give_back("b", 40)
    assert budget.used == 0
    budget.take("c", 60)


@given(st.text(max_size=25))
def test_ascii_int_takes_only_ascii_digits(text):
    value = ascii_int(text)
    if value is not None:
        assert text.isascii() and text.isdigit() and int(text) == value
    elif text.isascii() and text.isdigit() and len(text) <= 19:
        assert int(text) > 2**62


def test_key_hex_refuses_a_trailing_newline():
    assert is_key_hex("ab" * 32) and not is_key_hex("ab" * 32 + "\n") and not is_key_hex("AB" * 32)
