"""A stick is outside input (issue 21: ingest followed a symlink to ``/dev/zero`` until memory ran
out): only plain files are read, each within its manifest size and ``--max-batch-bytes``, never
through a symlinked folder; the good batches beside a hostile one still go in.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.errors import FormatError
from sync.usb import NotRegular, export, read_export, read_regular
from synchelp import kiosk_with_batches


@pytest.fixture
def stick(central, tmp_path):
    """An export of a kiosk with two batches: (export folder, manifest)."""
    kiosk = kiosk_with_batches(central, tmp_path / "k", sizes=(10, 2))
    (tmp_path / "stick").mkdir()
    return Path(export(kiosk, tmp_path / "stick")["folder"])


def batch_entries(folder):
    manifest = json.loads((folder / "manifest.json").read_bytes())
    return manifest, [e for e in manifest["files"] if e["path"].startswith("outbox/")]


def rewrite_manifest(folder, manifest):
    (folder / "manifest.json").write_bytes(json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode())


def test_a_symlink_to_dev_zero_is_named_and_skipped(stick):
    _, entries = batch_entries(stick)
    target = stick / entries[0]["path"]
    target.unlink()
    target.symlink_to("/dev/zero")
    _, batches, problems = read_export(stick)
    assert [b.number for b in batches] == [2]
    assert any("not a plain file" in p for p in problems)


def test_sizes_over_the_manifest_or_the_limit_are_not_read(stick):
    manifest, entries = batch_entries(stick)
    first = stick / entries[0]["path"]
    with open(first, "ab") as f:
        f.write(b" " * 100)  # longer than the manifest says
    _, batches, problems = read_export(stick)
    assert 1 not in [b.number for b in batches] and any("more than the" in p for p in problems)
    for e in manifest["files"]:
        e["bytes"] = 2**40  # a manifest that claims a terabyte
    rewrite_manifest(stick, manifest)
    _, batches, problems = read_export(stick, max_batch_bytes=1 << 20)
    assert batches == [] and all("over the" in p for p in problems if p.startswith("outbox/"))


def test_a_symlinked_folder_and_a_symlinked_manifest_are_refused(stick, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    shutil.move(str(stick / "outbox" / "official"), elsewhere)
    (stick / "outbox" / "official").symlink_to(elsewhere)
    _, batches, problems = read_export(stick)
    assert batches == [] and any("symlink" in p for p in problems)
    (stick / "manifest.json").rename(tmp_path / "m.json")
    (stick / "manifest.json").symlink_to(tmp_path / "m.json")
    with pytest.raises(FormatError):
        read_export(stick)


def test_read_regular_refuses_devices_and_reads_plain_files(tmp_path):
    with pytest.raises(NotRegular):
        read_regular(Path("/dev/zero"), 10)
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(NotRegular):
        read_regular(tmp_path / "pipe", 10)
    (tmp_path / "f").write_bytes(b"abc")
    assert read_regular(tmp_path / "f", 3) == b"abc"
    with pytest.raises(NotRegular):
        read_regular(tmp_path / "f", 2)


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12))
def test_any_manifest_is_refused_or_read_never_crashes(tmp_path_factory, body):
    folder = tmp_path_factory.mktemp("m")
    (folder / "manifest.json").write_bytes(json.dumps(body).encode())
    try:
        read_export(folder)
    except FormatError:
        pass
