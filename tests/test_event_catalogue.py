"""The catalogue of event kinds: every kind written is in it, and docs/formats.md lists exactly it.

Three ways a kind can go astray, each caught here: a kind missing from (or different in) the doc;
a kind the code hands the store's writer that the catalogue lacks (found in the source with
``ast``, and refused by the real writer at run time); ids or kinds given twice.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kiosk.contract.keys import SigningKey
from kiosk.station.events import BY_KIND, CATALOGUE, FAILURE, SUCCESS
from kiosk.station.lifecycle import Action, STAYING, TRANSITIONS
from kiosk.station.store import Store

ROOT = Path(__file__).resolve().parents[1]
ROW = re.compile(r"^\| (E\d\d) \| `([a-z_]+)` \| (success|failure) \| (.*) \|$")


def doc_rows(text: str) -> list[tuple[str, str, str, str]]:
    """The rows of the event table in the "Event log" section of docs/formats.md."""
    section = text.split("## Event log", 1)[1].split("\n## ", 1)[0]
    return [m.groups() for line in section.splitlines() if (m := ROW.match(line))]


def test_ids_and_kinds_are_unique_and_well_formed():
    ids = [k.id for k in CATALOGUE]
    assert len(set(ids)) == len(ids) and len(BY_KIND) == len(CATALOGUE)
    assert all(re.fullmatch(r"E\d\d", i) for i in ids)
    assert all(k.outcome in (SUCCESS, FAILURE) and k.body for k in CATALOGUE)
    assert {"paper_record_spoiled", "software_attested"} <= set(BY_KIND)
    assert "device_error" not in BY_KIND  # written nowhere, so not catalogued (see the report of issue 18)


def test_the_doc_lists_exactly_the_catalogue():
    rows = doc_rows((ROOT / "docs" / "formats.md").read_text())
    assert rows == [(k.id, k.kind, k.outcome, k.body) for k in CATALOGUE]


def test_the_doc_check_fails_when_a_kind_is_missing():
    text = (ROOT / "docs" / "formats.md").read_text()
    dropped = "\n".join(line for line in text.splitlines() if "`paper_record_spoiled`" not in line)
    assert doc_rows(dropped) != [(k.id, k.kind, k.outcome, k.body) for k in CATALOGUE]


def test_the_writer_refuses_a_kind_not_in_the_catalogue(tmp_path):
    key = SigningKey(bytes(32))
    store = Store.open(tmp_path / "s.sqlite", key)
    try:
        store.create({"election_hex": "00" * 32, "kiosk_key_hex": key.verify_key.hex, "mode": "test",
                      "station": "S"}, "station_provisioned", {"time": 1})
        with pytest.raises(ValueError, match="device_error.*not in the catalogue"):
            with store.transaction():
                store.append("device_error", {"time": 2})
        assert [e.kind for e in store.events()] == ["station_provisioned"]
    finally:
        store.close()


def string_constants() -> dict[str, set[str]]:
    """Every module-level ``NAME = "text"`` of kiosk/, by name (a name may stand in several modules)."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "kiosk").rglob("*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and \
                    isinstance(node.value.value, str):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found.setdefault(target.id, set()).add(node.value.value)
    return found


def _is_store_append(node: ast.AST) -> bool:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append"
            and len(node.args) == 2):
        return False
    target = node.func.value
    return isinstance(target, ast.Attribute) and target.attr == "store" or \
        isinstance(target, ast.Name) and target.id == "store"


def _kind_values(kind: ast.AST, constants: dict[str, set[str]]) -> set[str]:
    if isinstance(kind, ast.Constant) and isinstance(kind.value, str):
        return {kind.value}
    if isinstance(kind, (ast.Name, ast.Attribute)):
        return constants.get(kind.id if isinstance(kind, ast.Name) else kind.attr, set())
    return set()


def written_kinds(source: str, constants: dict[str, set[str]]) -> set[str]:
    """The kinds a module hands to a store's ``append``, directly or through a function of the module
    that passes one of its parameters on as the kind (literals and named constants; others skipped)."""
    tree = ast.parse(source)
    kinds, wrappers = set(), {}
    for func in ast.walk(tree):
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            params = [a.arg for a in func.args.args]
            for node in ast.walk(func):
                if _is_store_append(node) and isinstance(node.args[0], ast.Name) and node.args[0].id in params:
                    wrappers[func.name] = params.index(node.args[0].id)
    for node in ast.walk(tree):
        if _is_store_append(node):
            kinds |= _kind_values(node.args[0], constants)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in wrappers \
                and len(node.args) > wrappers[node.func.id]:
            kinds |= _kind_values(node.args[wrappers[node.func.id]], constants)
    return kinds


def test_every_kind_the_code_writes_is_catalogued():
    constants = string_constants()
    written = set()
    for path in list((ROOT / "kiosk").rglob("*.py")) + list((ROOT / "booth_ui").rglob("*.py")):
        written |= written_kinds(path.read_text(), constants)
    # the life cycle's steps are written through decision.event: the table's kinds
    written |= {event for _, event in TRANSITIONS.values()} | {STAYING[Action.CHANGE_MODE][1]}
    assert {"ballot_cast", "batch_sealed", "paper_record_spoiled", "software_attested", "pin_refused",
            "report_printed", "polls_reopened"} <= written  # the scan sees them
    assert written - set(BY_KIND) == set()


def test_the_source_scan_sees_an_uncatalogued_kind():
    source = 'DEVICE = "device_error"\ndef f(station):\n    station.store.append(DEVICE, {})\n'
    assert written_kinds(source, {"DEVICE": {"device_error"}}) == {"device_error"}
    assert written_kinds('def f(store):\n    store.append("x_y", {})\n', {}) == {"x_y"}
    wrapped = 'def w(station, kind, body):\n    station.store.append(kind, body)\ndef f(s):\n    w(s, "z_z", {})\n'
    assert written_kinds(wrapped, {}) == {"z_z"}
