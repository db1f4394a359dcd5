"""The dependency rules of DESIGN.md section 3, read from every module's imports with ``ast``.

- Only ``scanner/`` imports OpenCV, pyzbar and zxing-cpp; only ``booth_ui/`` pygame; only
  ``hardware/`` pyserial; only ``sync/`` speaks HTTP.
- Adapters (``scanner``, ``booth_ui``, ``hardware``, ``sync``) may import the core ``kiosk``
  but never each other; the core imports no adapter and none of their libraries.
- ``scanner/`` and ``hardware/`` know nothing of elections: of the core they use only the
  scanning port, the error base and the font finder.
- Composition roots (the ``kiosk/app/`` package, ``kiosk/cli.py``, every ``cli.py`` and ``__main__.py``)
  may import everything; so may ``tests/`` and ``bench/``.
- The two rooms of the core: ``kiosk/contract/`` imports nothing of ``kiosk/station/``; neither
  imports the composition root; ``sync/central/`` imports of the core only the contract and the
  top-level modules (its ``*cli.py`` also ``kiosk.app.cliutil``).
- Neither room sleeps, prints, spawns threads or processes, opens sockets, or touches files
  outside the modules named for storage (:data:`STORAGE`).
- No import circle, counting imports inside function bodies (so none can hide one).
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


# ---------------------------------------------------------------- the two rooms and the node

CONTRACT, STATION = "kiosk/contract/", "kiosk/station/"
TOP_LEVEL = {"kiosk", "kiosk.errors", "kiosk.files", "kiosk.fonts", "kiosk.scanning", "kiosk.words"}
ROOTS_OF_KIOSK = ("kiosk.app", "kiosk.cli")  # the composition root: neither room imports it


def kiosk_modules(path: Path) -> set[str]:
    """The ``kiosk`` modules (or packages) a file imports, each named by its longest existing module."""
    found = set()
    for name in imported_names(path):
        if name.split(".")[0] != "kiosk":
            continue
        parts = name.split(".")
        while len(parts) > 1 and not ((ROOT / Path(*parts)).with_suffix(".py").is_file()
                                      or (ROOT / Path(*parts) / "__init__.py").is_file()):
            parts.pop()
        found.add(".".join(parts))
    return found


def room_problems(path: Path) -> list[str]:
    """The contract imports nothing of the station; neither room imports the composition root;
    ``sync/central`` imports of the core only the contract and the top-level modules."""
    rel = path.relative_to(ROOT).as_posix()
    found = []
    for module in sorted(kiosk_modules(path)):
        in_root = module in ROOTS_OF_KIOSK or module.startswith(tuple(f"{r}." for r in ROOTS_OF_KIOSK))
        if rel.startswith(CONTRACT) and module.startswith("kiosk.station"):
            found.append(f"imports {module}: the contract imports nothing of the station")
        if rel.startswith((CONTRACT, STATION)) and in_root:
            found.append(f"imports {module}: the core never imports the composition root")
        if rel.startswith("sync/central/") and not (module in TOP_LEVEL or module.startswith("kiosk.contract")
                                                   or (path.name.endswith("cli.py") and module == "kiosk.app.cliutil")):
            found.append(f"imports {module}: sync/central imports only kiosk.contract and "
                         f"{', '.join(sorted(TOP_LEVEL))}" + (" (and kiosk.app.cliutil)" if path.name.endswith("cli.py")
                                                              else ""))
    return found


def test_the_rooms_and_the_node_keep_to_their_imports():
    broken = {path.relative_to(ROOT).as_posix(): p for path in modules() if (p := room_problems(path))}
    assert not broken, "\n".join(f"{m}: {'; '.join(p)}" for m, p in broken.items())


@pytest.mark.parametrize("package, source, expected", [
    ("kiosk/contract/x.py", "from kiosk.station.store import Store", "imports nothing of the station"),
    ("kiosk/contract/x.py", "from ..station import store", "imports nothing of the station"),
    ("kiosk/station/x.py", "from kiosk.app.cliutil import run", "never imports the composition root"),
    ("kiosk/contract/x.py", "import kiosk.cli", "never imports the composition root"),
    ("sync/central/x.py", "from kiosk.station.datadir import DataDir", "sync/central imports only"),
    ("sync/central/x.py", "from kiosk.app.cliutil import run", "sync/central imports only"),
    ("sync/central/x_cli.py", "from kiosk.app.notify import Notifier", "sync/central imports only"),
    ("sync/central/x_cli.py", "from kiosk.app.cliutil import run", None),
    ("sync/central/x.py", "from kiosk.contract.sealed_batch import parse_batch\nfrom kiosk import __version__, words", None),
    ("kiosk/station/x.py", "from kiosk.contract.sealed_batch import parse_batch", None),
])
def test_the_room_rules_catch_what_they_should(tmp_path, monkeypatch, package, source, expected):
    for module in ("kiosk/station/store.py", "kiosk/station/datadir.py", "kiosk/app/cliutil.py",
                   "kiosk/app/notify.py", "kiosk/contract/batch.py", "kiosk/cli.py", "kiosk/words.py"):
        (tmp_path / module).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / module).write_text("")
        for parent in (tmp_path / module).relative_to(tmp_path).parents:
            if parent != Path("."):
                (tmp_path / parent / "__init__.py").touch()
    path = tmp_path / package
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source + "\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    found = room_problems(path)
    if expected is None:
        assert found == []
    else:
        assert any(expected in p for p in found), found


# ---------------------------------------------------------------- the core acts on nothing

# The modules named for storage: the only ones of the two rooms that touch the file system
# themselves (everyone else goes through them, or reads a named input through kiosk.files.read_input).
STORAGE = {
    "kiosk/contract/envelope.py": "signed envelope files",
    "kiosk/contract/keys.py": "key files",
    "kiosk/contract/package.py": "the election package directory",
    "kiosk/contract/roll.py": "the token roll's database",
    "kiosk/station/attest.py": "hashes the installed software's files",
    "kiosk/station/datadir.py": "the data directory: station.json, the writer lock",
    "kiosk/station/delivery.py": "the acknowledgement files",
    "kiosk/station/outbox.py": "the outbox's batch files",
    "kiosk/station/provisioning.py": "writes a new data directory",
    "kiosk/station/store.py": "the store's database",
}
ACTING_MODULES = {"socket", "socketserver", "ssl", "threading", "_thread", "subprocess", "multiprocessing",
                  "concurrent", "asyncio", "selectors", "signal"}
FILE_MODULES = {"shutil", "tempfile", "glob"}  # sqlite3 may be imported for its exception classes
FILE_FUNCTIONS = {("os", "open"), ("io", "open"), ("os", "replace"), ("os", "rename"), ("os", "remove"),
                  ("os", "unlink"), ("os", "makedirs"), ("os", "mkdir"), ("os", "listdir"), ("os", "scandir"),
                  ("os", "fsync"), ("os", "chmod"), ("os", "walk"), ("sqlite3", "connect"), ("apsw", "Connection")}
ACTING_FUNCTIONS = {("time", "sleep"), ("os", "system"), ("os", "popen"), ("os", "fork"), ("os", "kill")}
FILE_METHODS = {"read_bytes", "read_text", "write_bytes", "write_text", "mkdir", "iterdir", "glob", "rglob",
                "unlink", "rmdir", "touch", "chmod"}


def acting_problems(path: Path) -> list[str]:
    """What a core module must not do: sleep, print, spawn, open sockets, or (outside STORAGE) touch files."""
    rel = path.relative_to(ROOT).as_posix()
    if not rel.startswith((CONTRACT, STATION)):
        return []
    storage = rel in STORAGE
    found = []
    for name in imported_names(path):
        top = name.split(".")[0]
        if top in ACTING_MODULES:
            found.append(f"imports {top}: the core spawns nothing and opens no socket")
        if top in FILE_MODULES and not storage:
            found.append(f"imports {top}: only the storage modules touch files")
        if name in ("time.sleep", "os.system", "os.popen"):
            found.append(f"imports {name}: the core never sleeps or spawns")
        if name == "kiosk.files.write_atomic" and not storage:
            found.append("imports write_atomic: only the storage modules write files")
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "print":
            found.append(f"line {node.lineno}: print (the core returns values; roots print them)")
        elif isinstance(func, ast.Name) and func.id == "open" and not storage:
            found.append(f"line {node.lineno}: open() outside the storage modules")
        elif isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else None
            if (owner, func.attr) in ACTING_FUNCTIONS:
                found.append(f"line {node.lineno}: {owner}.{func.attr} (the core never sleeps or spawns)")
            elif not storage and ((owner, func.attr) in FILE_FUNCTIONS or func.attr in FILE_METHODS):
                found.append(f"line {node.lineno}: {func.attr} touches files outside the storage modules")
    return sorted(set(found))


def test_the_core_sleeps_prints_spawns_and_opens_nothing():
    assert all((ROOT / module).is_file() for module in STORAGE), "a storage module was renamed"
    broken = {path.relative_to(ROOT).as_posix(): p for path in modules() if (p := acting_problems(path))}
    assert not broken, "\n".join(f"{m}: {'; '.join(p)}" for m, p in broken.items())


@pytest.mark.parametrize("package, source, expected", [
    ("kiosk/contract/rules2.py", "import socket", "opens no socket"),
    ("kiosk/contract/rules2.py", "import threading", "spawns nothing"),
    ("kiosk/station/x.py", "import subprocess", "spawns nothing"),
    ("kiosk/contract/rules2.py", "def f():\n    print('hello')", "print"),
    ("kiosk/contract/rules2.py", "import time\ndef f():\n    time.sleep(1)", "never sleeps"),
    ("kiosk/station/x.py", "from time import sleep", "never sleeps"),
    ("kiosk/station/x.py", "def f(p):\n    return p.read_bytes()", "touches files"),
    ("kiosk/station/x.py", "def f(p):\n    return open(p).read()", "open() outside"),
    ("kiosk/contract/x.py", "import os\nfd = os.open('x', 0)", "touches files"),
    ("kiosk/station/x.py", "import shutil", "only the storage modules"),
    ("kiosk/station/x.py", "import sqlite3\ndb = sqlite3.connect('x')", "touches files"),
    ("kiosk/station/x.py", "import sqlite3\ntry:\n    pass\nexcept sqlite3.Error:\n    pass", None),
    ("kiosk/station/x.py", "from kiosk.files import write_atomic", "only the storage modules write"),
    ("kiosk/station/store.py", "import sqlite3\ndef f(p):\n    return sqlite3.connect(p), p.read_bytes()", None),
    ("kiosk/station/store.py", "import socket", "opens no socket"),
    ("kiosk/station/x.py", "from kiosk.files import read_input\nimport time\nnow = time.time()", None),
    ("kiosk/app/x.py", "import socket\nprint(1)", None),
])
def test_the_acting_rules_catch_what_they_should(tmp_path, monkeypatch, package, source, expected):
    path = tmp_path / package
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source + "\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    found = acting_problems(path)
    if expected is None:
        assert found == []
    else:
        assert any(expected in p for p in found), found


# ---------------------------------------------------------------- no circle, not even a hidden one

def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports, counting imports inside function bodies too."""
    known = {module_name(p): p for p in modules()}
    graph = {}
    for name, path in known.items():
        targets = set()
        for imported in imported_names(path):
            while imported and imported not in known:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_import_circle_even_through_imports_inside_functions():
    """An import moved into a function body to dodge a circle is still an edge here: lazy imports
    are allowed only where they keep a command light (pygame, psycopg), never to hide a circle."""
    found = circles(import_graph())
    assert not found, "import circles: " + "; ".join(" -> ".join(c) for c in found)


def test_the_circle_check_sees_a_circle_hidden_in_a_function(tmp_path, monkeypatch):
    (tmp_path / "kiosk" / "station").mkdir(parents=True)
    (tmp_path / "kiosk" / "__init__.py").write_text("")
    (tmp_path / "kiosk" / "station" / "__init__.py").write_text("")
    (tmp_path / "kiosk" / "station" / "a.py").write_text("from kiosk.station.b import g\n")
    (tmp_path / "kiosk" / "station" / "b.py").write_text("def g():\n    from kiosk.station import a\n")
    (tmp_path / "kiosk" / "station" / "c.py").write_text("from kiosk.station.a import g\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert circles(import_graph()) == [["kiosk.station.a", "kiosk.station.b"]]
