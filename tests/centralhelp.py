"""Helpers for the sync and central-node tests: an election with nodes, real kiosks, real nodes.

Everything here goes through the project's own code: packages from ``create_package``,
tokens from ``mint_tokens``, stations from ``provision``, ballots from ``cast`` and batches
from ``seal`` / ``close_polls``, nodes from :class:`CentralNode` served by uvicorn.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from kiosk.station.casting import Cast, cast
from kiosk.station.datadir import DataDir
from kiosk.station.provisioning import provision
from kiosk.contract.election import Election
from kiosk.contract.keys import SigningKey, save_signing_key
from kiosk.contract.minting import mint_tokens
from kiosk.contract.package import create_package, load_package
from kiosk.station.polls import close_polls, open_polls
from kiosk.contract.roster import add_kiosk
from kiosk.station.sealing import seal
from kiosk.station.station import Station
from kiosk.contract.ttabok import ttabok_spec
from ceremonyhelp import LocalCeremony, run_ceremony
from storehelp import NOW, choices
from sync.central.app import create_app
from sync.central.node import NODE_KEY, CentralNode
from sync.central.serve import NodeServer

NODE_COUNT = 3


@dataclass
class CentralElection:
    """A frozen election with three listed nodes; tokens per mode as (style, payload)."""

    directory: Path
    election: Election
    node_keys: dict[str, SigningKey]
    official: list[tuple[str, str]]
    test: list[tuple[str, str]]
    ceremony: LocalCeremony | None = None   # the trustees' secrets (the test plays them)

    def copy(self, target: Path) -> "CentralElection":
        """A private copy (its roster can grow without touching other tests)."""
        shutil.copytree(self.directory, target)
        return CentralElection(target, self.election, self.node_keys, self.official, self.test, self.ceremony)

    def tokens(self, mode: str) -> list[tuple[str, str]]:
        return self.official if mode == "official" else self.test


def make_central_election(directory: Path, per_style: int = 12, communities: int = 24,
                          ceremony: tuple[int, int] = (3, 2), spec: dict | None = None) -> CentralElection:
    """Create, mint and freeze an election whose package lists nodes n1..n3 on loopback.

    Its key from an in-process k-of-n ceremony (``ceremony=(n, k)``); ``spec`` replaces the Ttabok
    spec of ``communities``.
    """
    keys = {f"n{i}": SigningKey.generate() for i in range(1, NODE_COUNT + 1)}
    spec = dict(spec if spec is not None else ttabok_spec(communities))
    spec["nodes"] = [{"id": n, "url": f"http://127.0.0.1:{9000 + i}", "key_hex": k.verify_key.hex}
                     for i, (n, k) in enumerate(keys.items())]
    local = run_ceremony(spec["id"], *ceremony)
    package = create_package(directory, spec, election_key=local.record)
    styles = [s.id for s in package.election.styles]
    official = mint_tokens(package, [(s, per_style) for s in styles], "official")
    test = mint_tokens(package, [(s, 2) for s in styles], "test")
    roll = package.roll()
    roll.freeze(package.authority_key())
    roll.close()
    order = sorted(range(len(official)), key=lambda i: (i % per_style, i))  # many styles first
    return CentralElection(directory, package.election, keys, [(official[i].style, official[i].payload) for i in order],
                           [(t.style, t.payload) for t in test], local)


def make_kiosk(central: CentralElection, root: Path, station: str = "S-0001", mode: str = "official",
               register: bool = True) -> Path:
    """Provision a kiosk, put it on the roster (unless told not to) and open its polls."""
    provision(central.directory, station, root, NOW, mode=mode, seal_interval_s=0)
    if register:
        package = load_package(central.directory)
        add_kiosk(central.directory, central.election.fingerprint_hex, package.authority_key(),
                  DataDir(root).registration_file.read_bytes())
    with Station.open(root) as s:
        open_polls(s, NOW)
    return root


def vote(root: Path, tokens: list[tuple[str, str]], election: Election, likes: int = 2) -> list[Cast]:
    """Cast one ballot per (style, payload) at the kiosk in ``root``; every one must be cast."""
    out = []
    with Station.open(root) as s:
        for style, payload in tokens:
            result = cast(s, payload, choices(election, style, likes), NOW + 60)
            assert isinstance(result, Cast), result
            out.append(result)
    return out


def seal_batch(root: Path) -> Path:
    """Seal what is unsealed into the next batch; its outbox file."""
    with Station.open(root) as s:
        batch = seal(s, NOW + 120)
        return s.data.batch_file(batch.header.mode, batch.header.number)


def close_station(root: Path) -> Path:
    """Close the polls (the closing batch); its outbox file."""
    with Station.open(root) as s:
        batch = close_polls(s, NOW + 600)
        return s.data.batch_file(batch.header.mode, batch.header.number)


def batches(root: Path, mode: str = "official") -> list[bytes]:
    """The outbox's batch files' bytes, in number order."""
    return [p.read_bytes() for p in sorted((Path(root) / "outbox" / mode).glob("batch-*.json"))]


@contextlib.contextmanager
def running_node(central: CentralElection, data: Path, node_id: str = "n1", mode: str = "official",
                 port: int = 0) -> Iterator[tuple[CentralNode, NodeServer]]:
    """A real node on loopback, stopped (and its store closed) on the way out."""
    if not (Path(data) / NODE_KEY).exists():
        save_signing_key(Path(data) / NODE_KEY, central.node_keys[node_id])
    node = CentralNode(central.directory, data, mode=mode)
    server = NodeServer(create_app(node), port=port).start()
    try:
        yield node, server
    finally:
        if getattr(server, "test_client", None) is not None:
            server.test_client.close()
        server.stop()
        node.close()


def post(server: NodeServer, body: bytes, central: CentralElection | None = None, node_id: str = "n1"):
    """POST a batch to a real node: the checked Acknowledgement, or (status, error JSON) for a refusal."""
    import httpx

    from kiosk.contract.ack import parse_ack

    client = getattr(server, "test_client", None)
    if client is None:  # one client per server: making an httpx client costs tens of milliseconds
        client = server.test_client = httpx.Client(timeout=30)
    response = client.post(server.url + "/v1/batches", content=body)
    if response.status_code != 200:
        return response.status_code, response.json()
    key = central.node_keys[node_id].verify_key if central else None
    return parse_ack(response.content, key)


def serial_of(payload: str) -> bytes:
    """The token serial inside a payload (what a sealed ballot carries)."""
    from kiosk.contract.tokens import parse_token

    return parse_token(payload).serial


def signed_batch(root: Path, election: Election, ballots: list[tuple[str, bytes]], number: int = 1,
                 previous=None, mode: str = "official", key: SigningKey | None = None) -> bytes:
    """A batch signed with the kiosk's own key (or ``key``) over ballots (style, serial) made here.

    For refusals a real kiosk would never produce (its store stops them): a serial off the
    roll, a token it already spent. Everything else is the kiosk's own code: each ballot encrypted
    to the election key with its proofs, signed with the token's key and the kiosk's.
    """
    import os

    from kiosk.contract.ballot import seal_ballot
    from kiosk.contract.sealed_batch import build_batch, encode_batch
    from kiosk.contract.crypto.encrypted_ballot import ballot_bytes, encrypt_ballot
    from kiosk.contract.keys import load_signing_key

    key = key or load_signing_key(DataDir(root).key_file)
    sealed = []
    for style, serial in ballots:
        ballot_id = os.urandom(16)
        encrypted = encrypt_ballot(election.election_public_key, election, style, ballot_id.hex(),
                                   choices(election, style), os.urandom(32))
        sealed.append(seal_ballot(key, election, serial, ballot_id, style, ballot_bytes(encrypted)))
    batch = build_batch(key, election.fingerprint_hex, mode, number, previous, sealed, (), polls_closed=False)
    return encode_batch(batch)


def partial_files(central: CentralElection, data: Path, folder: Path, trustees: tuple[int, ...] = (1, 3),
                  mode: str = "official") -> list[Path]:
    """The named trustees' partial decryptions of the aggregates a node published (``tally
    --aggregates``), computed with their key shares as ``trustee decrypt`` does, written to ``folder``."""
    import json

    from kiosk.contract.crypto.records import Aggregates
    from sync.central.record_files import AGGREGATES_FILE, node_record_dir

    published = json.loads((node_record_dir(data, mode) / AGGREGATES_FILE).read_text())
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for body in central.ceremony.partials(Aggregates.from_json(published), trustees, central.election.lowest_floor):
        files.append(folder / f"partial-{body['trustee']}.json")
        files[-1].write_text(json.dumps(body))
    return files


def tally_node(central: CentralElection, node: CentralNode, folder: Path, trustees: tuple[int, ...] = (1, 3),
               override_open: bool = False):
    """The whole tally on a node: aggregates published, the named trustees' partials
    (:func:`partial_files`) combined. The :class:`sync.central.tally.TallyReport`."""
    from sync.central.tally_count import publish_aggregates, tally_partials

    publish_aggregates(node, override_open=override_open)
    files = partial_files(central, node.data_dir, folder, trustees, node.mode)
    return tally_partials(node, files, override_open=override_open)


def not_counted(node: CentralNode) -> tuple[set[int], list[dict]]:
    """The board's leaves the tally sets aside, and each double use with its decision (or none)."""
    from kiosk.contract.double_use import load_decisions
    from sync.central.count import counted_leaves
    from sync.central.tally_count import board_ballots

    decisions = load_decisions(node.election_dir, node.election.fingerprint_hex, node.authority)
    board = board_ballots(node)
    counted = counted_leaves(board, decisions)
    return {b.index for b in board} - {b.index for b in counted.ballots}, counted.double_uses
