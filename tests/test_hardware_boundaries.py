"""hardware/ owns pyserial and knows nothing of elections (read from the imports with ast)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What hardware/ may lean on from the core: error base and the font finder, nothing electoral.
ALLOWED_CORE = {"kiosk.errors", "kiosk.fonts"}
ALLOWED_THIRD_PARTY = {"serial", "PIL", "segno"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_hardware_imports_only_its_own_libraries():
    for path in sorted((ROOT / "hardware").glob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            ok = (top == "hardware" or name in ALLOWED_CORE or top in ALLOWED_THIRD_PARTY
                  or top in sys.stdlib_module_names)
            assert ok, f"{path.relative_to(ROOT)} imports {name}"


def test_only_hardware_imports_serial():
    for package in ("kiosk", "scanner", "booth_ui", "sync"):
        for path in (ROOT / package).rglob("*.py"):
            assert not any(n.split(".")[0] == "serial" for n in _imports(path)), path
