"""Only sync/ speaks HTTP: the core imports no HTTP, ASGI or socket library (read with ast).

The composition roots (kiosk/cli.py, kiosk/app.py) may import sync/, which then brings them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NETWORK = {"httpx", "starlette", "uvicorn", "socket", "http", "requests", "aiohttp", "h11"}  # urllib.parse quotes paths
ROOTS = {"cli.py", "app.py", "__main__.py"}


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


CORE = sorted(p for p in (ROOT / "kiosk").rglob("*.py") if p.name not in ROOTS)


@pytest.mark.parametrize("path", CORE, ids=[p.name for p in CORE])
def test_the_core_speaks_no_network(path):
    assert not imported(path) & NETWORK, f"{path.name} imports {imported(path) & NETWORK}"
    assert "sync" not in imported(path), f"{path.name} imports sync/ (an adapter)"


def test_http_lives_in_sync():
    users = {p.relative_to(ROOT).as_posix() for p in (ROOT / "sync").rglob("*.py") if imported(p) & {"httpx", "starlette", "uvicorn"}}
    assert users == {"sync/client.py", "sync/central/app.py", "sync/central/serve.py"}
