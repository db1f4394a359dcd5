"""Node keys and the election's node list (what ``node init`` and ``election init --node`` do).

A node's data directory starts with one file, ``node.key`` (Ed25519, mode 0600). The
election package lists every node as ``{"id", "url", "key_hex"}``; kiosks trust an
acknowledgement only when the key that signed it is listed there.
"""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.contract.keys import SigningKey, save_signing_key
from sync.central.node import NODE_KEY

DEMO_FIRST_PORT = 8471


def init_node(directory: Path) -> SigningKey:
    """Make a node key in ``directory/node.key`` (refuses to overwrite one)."""
    path = Path(directory) / NODE_KEY
    if path.exists():
        raise KioskError(f"{path} already exists", hint="a node key is never overwritten; use a new directory")
    key = SigningKey.generate()
    save_signing_key(path, key)
    return key


def parse_node_option(text: str) -> dict:
    """``ID=URL=KEYHEX`` into a node entry (the URL may itself contain '=')."""
    node_id, _, rest = text.partition("=")
    url, _, key_hex = rest.rpartition("=")
    if not node_id or not url or not re.fullmatch(r"[0-9a-f]{64}", key_hex):
        raise KioskError(f"cannot read the node {text[:80]!r}",
                         hint="write --node ID=URL=KEYHEX, e.g. n1=https://node1.example=<64 hex digits>")
    return {"id": node_id, "url": url, "key_hex": key_hex}


def demo_nodes(count: int) -> list[tuple[dict, SigningKey]]:
    """``count`` fresh node keys with loopback URLs (for a demo or a test on one machine)."""
    out = []
    for i in range(1, count + 1):
        key = SigningKey.generate()
        out.append(({"id": f"n{i}", "url": f"http://127.0.0.1:{DEMO_FIRST_PORT + i - 1}", "key_hex": key.verify_key.hex},
                    key))
    return out


def save_demo_keys(election_dir: Path, nodes: list[tuple[dict, SigningKey]]) -> list[Path]:
    """Write each demo node's key to ``DIR/nodes/ID/node.key``: those folders are the nodes' --data."""
    paths = []
    for entry, key in nodes:
        path = Path(election_dir) / "nodes" / entry["id"] / NODE_KEY
        save_signing_key(path, key)
        paths.append(path.parent)
    return paths
