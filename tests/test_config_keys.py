"""Every key docs/configuration.md lists reaches a command: changed in a written file, it changes what
``kiosk booth``, ``kiosk selftest`` or ``kiosk-sync run`` starts with. A key that is documented and parsed
but read by nothing fails here (issue 16: "an unused key is a failing test")."""

from __future__ import annotations

import dataclasses

import pytest

from kiosk.app.config import DEFAULT_CONFIG, SECTIONS, config_toml, load_config
from kiosk.app.configured import booth_run, camera_url, selftest_run
from kiosk.cli import build_parser as kiosk_parser
from scanner.source_url import parse_source_url
from sync.cli import build_parser as sync_parser, configured
from test_config import doc_rows

DOCUMENTED = sorted(doc_rows())


def other_value(f: dataclasses.Field):
    """A valid value of the key that is not its default."""
    default, meta = f.default, f.metadata
    if isinstance(default, bool):
        return not default
    if meta["choices"]:
        return next(c for c in meta["choices"] if c != default)
    if isinstance(default, int):
        return default + 1 if meta["max"] is None or default + 1 <= meta["max"] else default - 1
    if isinstance(default, str):
        return default + "x"   # still a camera device, a printer URL, a path
    return ("n1=http://127.0.0.1:9",)


def observed(tmp_path, config) -> tuple:
    """What the three commands start with, given ``config`` written to a file and no flags."""
    path = tmp_path / "kiosk.toml"
    path.write_text(config_toml(config), encoding="utf-8")
    loaded = load_config(path)
    booth = booth_run(kiosk_parser().parse_args(["booth", "--config", str(path)]), loaded)
    selftest = selftest_run(kiosk_parser().parse_args(["selftest", "--config", str(path)]), loaded)
    sync = configured(sync_parser().parse_args(["run", "--data", "D", "--config", str(path)]))
    return booth, selftest, sync


def test_the_documented_keys_are_the_parsed_keys():
    assert DOCUMENTED == sorted((s, f.name) for s, cls in SECTIONS.items() for f in dataclasses.fields(cls))


@pytest.mark.parametrize("section, key", DOCUMENTED, ids=[f"{s}.{k}" for s, k in DOCUMENTED])
def test_every_documented_key_changes_what_a_command_starts_with(tmp_path, section, key):
    f = {f.name: f for f in dataclasses.fields(SECTIONS[section])}[key]
    table = dataclasses.replace(getattr(DEFAULT_CONFIG, section), **{key: other_value(f)})
    changed = dataclasses.replace(DEFAULT_CONFIG, **{section: table})
    assert observed(tmp_path, changed) != observed(tmp_path, DEFAULT_CONFIG), \
        f"[{section}] {key} is documented but no command reads it: give it an effect or take it out of the docs"


def test_the_camera_keys_are_asked_of_a_camera_device_not_of_frames_from_disk():
    camera = dataclasses.replace(DEFAULT_CONFIG.camera, width=640, height=480, fps=10)
    spec = parse_source_url(camera_url("/dev/video0", camera))
    assert (spec.width, spec.height, spec.fps) == (640, 480, 10)
    assert camera_url("dir:/frames?loop=1&fps=10", camera) == "dir:/frames?loop=1&fps=10"
    assert camera_url("0?width=320&height=240", camera) == "0?width=320&height=240"   # the URL's own options win


def test_flags_override_the_file(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text(config_toml(), encoding="utf-8")
    args = kiosk_parser().parse_args(["booth", "--config", str(path), "--data", "/d", "--camera", "dir:/f",
                                      "--printer", "file:/p", "--scanner", "loop://"])
    run = booth_run(args, load_config(path))
    assert (str(run.data), run.camera, run.printer, run.scanner) == ("/d", "dir:/f", "file:/p", "loop://")
    args = kiosk_parser().parse_args(["selftest", "--config", str(path), "--data", "/d", "--min-free-mb", "20",
                                      "--camera", "1"])
    assert (selftest_run(args, load_config(path)).min_free_mb, selftest_run(args, None).min_free_mb) == (20, 20)
    assert selftest_run(kiosk_parser().parse_args(["selftest", "--data", "/d"]), None).min_free_mb == 512
