"""The dependency rules of DESIGN.md section 3, read from every module's imports with ``ast``.

- Only ``scanner/`` imports OpenCV, pyzbar and zxing-cpp; only ``booth_ui/`` pygame; only
  ``hardware/`` pyserial; only ``sync/`` speaks HTTP.
- Adapters (``scanner``, ``booth_ui``, ``hardware``, ``sync``) may import the core ``kiosk``
  but never each other; the core imports no adapter and none of their libraries.
- ``scanner/`` and ``hardware/`` know nothing of elections: of the core they use only the
  scanning port, the error base and the font finder.
- Composition roots (the ``kiosk/app/`` package, ``kiosk/cli.py``, every ``cli.py`` and ``__main__.py``)
  may import everything; so may ``tests/`` and ``bench/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ADAPTERS = {"scanner", "booth_ui", "hardware", "sync"}
PACKAGES = ADAPTERS | {"kiosk"}
# socketserver is not here: the virtual printer serves raw ESC/POS bytes over TCP (socket://)
HTTP = {"http", "urllib", "requests", "httpx", "aiohttp", "urllib3", "websockets", "starlette", "uvicorn"}
LIBRARY_OWNER = {"cv2": "scanner", "pyzbar": "scanner", "zxingcpp": "scanner", "pygame": "booth_ui",
                 "serial": "hardware"} | {lib: "sync" for lib in HTTP}
ELECTION_FREE_CORE = {"kiosk.scanning", "kiosk.errors", "kiosk.fonts"}  # the font finder knows no election
ELECTION_FREE = {"scanner", "hardware"}


def modules():
    for package in sorted(PACKAGES):
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path


def is_composition_root(path: Path) -> bool:
    rel = path.relative_to(ROOT).as_posix()
    return rel.startswith("kiosk/app/") or rel == "kiosk/cli.py" or path.name in ("cli.py", "__main__.py")


def imported_names(path: Path) -> set[str]:
    """Absolute dotted names of every import (relative ones resolved against the file's package)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = list(package[:len(package) - node.level + 1]) + ([node.module] if node.module else [])
                module = ".".join(parts)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def problems(path: Path) -> list[str]:
    if is_composition_root(path):
        return []
    owner = path.relative_to(ROOT).parts[0]
    found = []
    for name in sorted(imported_names(path)):
        top = name.split(".")[0]
        if name.startswith("urllib.parse"):  # quoting a file: URI for SQLite is not HTTP
            continue
        if LIBRARY_OWNER.get(top, owner) != owner:
            found.append(f"imports {top}, which only {LIBRARY_OWNER[top]}/ may import")
        if top in ADAPTERS and top != owner:
            found.append(f"imports the adapter {top}" + (" (the core imports no adapter)" if owner == "kiosk"
                                                         else " (adapters never import each other)"))
        if owner in ELECTION_FREE and top == "kiosk" and name.count(".") >= 1:
            module = ".".join(name.split(".")[:2])
            if module not in ELECTION_FREE_CORE:
                found.append(f"imports {module}: {owner}/ knows nothing of elections "
                             f"(allowed from the core: {', '.join(sorted(ELECTION_FREE_CORE))})")
    return sorted(set(found))


def test_every_module_keeps_the_dependency_rules():
    broken = {path.relative_to(ROOT).as_posix(): p for path in modules() if (p := problems(path))}
    assert not broken, "\n".join(f"{m}: {'; '.join(p)}" for m, p in broken.items())


@pytest.mark.parametrize("package, source, expected", [
    ("kiosk/rules2.py", "import cv2", "only scanner/"),
    ("kiosk/rules2.py", "from scanner.decode import decode_frame", "the core imports no adapter"),
    ("scanner/x.py", "import serial", "only hardware/"),
    ("scanner/x.py", "from hardware import serial_scanner", "adapters never import each other"),
    ("scanner/x.py", "from kiosk.contract.tokens import parse_token", "knows nothing of elections"),
    ("hardware/sub/x.py", "from ...kiosk import tokens", "knows nothing of elections"),
    ("hardware/x.py", "import urllib.request", "only sync/"),
    ("booth_ui/x.py", "from kiosk.contract.tokens import parse_token", None),
    ("scanner/x.py", "from kiosk.scanning import RepeatFilter", None),
    ("sync/cli.py", "import cv2, serial, pygame", None),
])
def test_the_rules_catch_what_they_should(tmp_path, monkeypatch, package, source, expected):
    path = tmp_path / package
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source + "\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    found = problems(path)
    if expected is None:
        assert found == []
    else:
        assert any(expected in p for p in found), found
