"""Receipt checks: a code on the board is found; an unknown code and a lying node look the same; a
mistyped code is said to be mistyped before any node is asked."""

from __future__ import annotations

import hashlib
import json

import httpx

from centralhelp import batches, post, running_node
from kiosk.contract.sealed_batch import parse_batch
from kiosk.contract.receipts import ReceiptNotFound
from kiosk.contract.tracking import code_prefix, normalise_code, tracking_code
from sync.central.board_client import check_code_on_node
from sync.central.cli import main
from synchelp import kiosk_with_batches


class FlipProofs(httpx.BaseTransport):
    """A node that answers everything honestly except that its inclusion proofs are altered."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self.inner.handle_request(request)
        if request.url.path != "/v1/board/proof/inclusion" or answer.status_code != 200:
            return answer
        body = json.loads(answer.read())
        body["proof"][0] = ("A" if body["proof"][0][0] != "A" else "B") + body["proof"][0][1:]
        return httpx.Response(200, json=body)


UNKNOWN = tracking_code(hashlib.sha256(b"on no board").digest())


def test_codes_read_back_as_typed():
    digest = bytes(range(32))
    code = tracking_code(digest)
    assert normalise_code(code.lower().replace("-", " ")) == code and code_prefix(code) == digest[:5]
    assert normalise_code(code[:-1] + ("X" if code[-1] != "X" else "Y")) is None and code_prefix("nope") is None


def test_a_receipt_is_found_and_refusals_look_like_unknown_codes(central, tmp_path, capsys):
    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(6, 2))
    with running_node(central, tmp_path / "n1") as (node, server):
        for body in batches(kiosk):
            post(server, body, central)
        ballot = parse_batch(batches(kiosk)[1]).ballots[1]
        code = tracking_code(ballot.leaf_hash())
        args = ["board", "check", "--election", str(central.directory), "--node", server.url, "--json"]
        assert main(args + [code.lower().replace("-", " ")]) == 0
        found = json.loads(capsys.readouterr().out)
        assert (found["found"], found["leaf_index"], found["tree_size"], found["node_id"]) == (True, 7, 8, "n1")
        assert found["leaf_hash_hex"] == ballot.leaf_hash().hex()

        unknown = UNKNOWN
        assert main(args + [unknown]) == 1
        assert json.loads(capsys.readouterr().out) == {"code": unknown, "found": False, "node": server.url,
                                                       "node_id": "n1"}
        _, lied = check_code_on_node(server.url, code, central.election, transport=FlipProofs())
        assert lied == ReceiptNotFound(code)
        _, other_board = check_code_on_node(server.url, code, central.election, mode="test")
        assert other_board == ReceiptNotFound(code)
        assert main(args[:-1] + [unknown]) == 1 and main(args[:-1] + [code]) == 0
        words = capsys.readouterr().out.splitlines()
        assert words[0] == f"not found: {unknown} is not shown on a signed checkpoint of {server.url}"
        assert words[1].startswith(f"found: {code} is ballot 8 of 8 on node n1's board")
    assert main(args + [code]) == 4  # the node is gone: a network error, not an answer about the code
    swapped = code[1] + code[0] + code[2:] if code[0] != code[1] else code[:-1] + "Z"
    assert main(args + [swapped]) == 2   # a typing slip is said before any node is asked
    assert "두 글자의 순서가 바뀌었습니다" in capsys.readouterr().err


def test_the_dashboard_receipt_page(central, tmp_path):
    """A typed code found on the page; an unknown code is not on the board; a mistyped one is said to be."""
    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(6,))
    with running_node(central, tmp_path / "n1") as (node, server):
        for body in batches(kiosk):
            post(server, body, central)
        code = tracking_code(parse_batch(batches(kiosk)[0]).ballots[2].leaf_hash())
        found = httpx.get(f"{server.url}/receipt", params={"code": code.lower()}).text
        assert "This ballot is on the board" in found and "checkpoint of 6 ballots" in found
        unknown = httpx.get(f"{server.url}/receipt", params={"code": UNKNOWN}).text
        garbage = httpx.get(f"{server.url}/receipt", params={"code": "<script>x</script>"}).text
        assert "This code is not on the board" in unknown and "<script>x" not in garbage
        assert "a character no tracking code uses" in garbage
        slip = httpx.get(f"{server.url}/receipt", params={"code": code[:-1] + ("2" if code[-1] != "2" else "3")}).text
        assert "One character is mistyped or two are swapped" in slip and "한 글자가 잘못 입력되었거나" in slip
        assert "XXXXX-XXXXX" in httpx.get(f"{server.url}/receipt").text
