"""The configuration file: strict parsing, named errors, and every key documented."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.app.config import (DEFAULT_CONFIG, SECTIONS, ConfigError, KioskConfig, config_toml, load_config,
                          parse_config, toml_value)
from kiosk.errors import KioskError

DOC = (Path(__file__).resolve().parent.parent / "docs" / "configuration.md").read_text()
ALL_KEYS = [(section, f) for section, cls in SECTIONS.items() for f in dataclasses.fields(cls)]


def doc_rows() -> dict[tuple[str, str], list[str]]:
    """(section, key) -> the cells of its row in docs/configuration.md."""
    rows, section = {}, None
    for line in DOC.splitlines():
        m = re.match(r"^## \[(\w+)\]", line)
        if m:
            section = m.group(1)
            continue
        m = re.match(r"^\| `(\w+)` \|(.*)\|$", line)
        if m and section:
            rows[(section, m.group(1))] = [c.strip() for c in m.group(2).split("|")]
    return rows


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(text: str) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as e:
        parse_config(tomllib.loads(text))
    return e.value.problems


# -- documentation ---------------------------------------------------------------------

@pytest.mark.parametrize("section, f", ALL_KEYS, ids=[f"{s}.{f.name}" for s, f in ALL_KEYS])
def test_every_key_is_documented_with_its_default_and_range(section, f):
    rows = doc_rows()
    assert (section, f.name) in rows, f"docs/configuration.md has no row for [{section}] {f.name}"
    default, allowed, meaning = rows[(section, f.name)]
    assert default == f"`{toml_value(f.default)}`", f"[{section}] {f.name}: documented default {default}"
    for bound in (f.metadata["min"], f.metadata["max"]):
        if bound is not None and not isinstance(f.default, str):
            assert str(bound) in allowed, f"[{section}] {f.name}: range end {bound} not documented"
    for choice in f.metadata["choices"] or ():
        assert toml_value(choice) in allowed, f"[{section}] {f.name}: choice {choice!r} not documented"
    assert meaning


def test_the_doc_names_no_key_that_does_not_exist():
    known = {(s, f.name) for s, f in ALL_KEYS}
    assert set(doc_rows()) <= known, set(doc_rows()) - known


# -- parsing ---------------------------------------------------------------------------

def test_an_empty_file_is_the_documented_defaults(tmp_path):
    assert load_config(write(tmp_path, "")) == DEFAULT_CONFIG == KioskConfig()


def test_the_written_file_reads_back_the_same(tmp_path):
    changed = dataclasses.replace(
        DEFAULT_CONFIG,
        station=dataclasses.replace(DEFAULT_CONFIG.station, id="수원-1 \"east\""),
        sync=dataclasses.replace(DEFAULT_CONFIG.sync, nodes=("https://a.example/", "https://b.example/")))
    assert load_config(write(tmp_path, config_toml(changed))) == changed
    assert load_config(write(tmp_path, config_toml())) == DEFAULT_CONFIG


def test_values_are_read_into_frozen_settings(tmp_path):
    config = load_config(write(tmp_path, '[camera]\nfps = 30\n[booth]\nlanguage = "en"\nfullscreen = false\n'))
    assert config.camera.fps == 30 and config.booth.language == "en" and config.booth.fullscreen is False
    assert config.camera.width == 1280  # untouched keys keep their defaults
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.camera.fps = 1


def test_unknown_section_and_key_are_named():
    problems = problems_of('[camera]\nfsp = 15\n[camra]\nurl = "0"\n')
    assert ("[camera] fsp", "unknown key; known: url, width, height, fps") in problems
    assert any(where == "[camra]" and "unknown section" in text for where, text in problems)


@pytest.mark.parametrize("text, where, says", [
    ("[camera]\nfps = 0", "[camera] fps", "below the minimum 1"),
    ("[camera]\nfps = 61", "[camera] fps", "above the maximum 60"),
    ("[audio]\nvolume = 101", "[audio] volume", "above the maximum 100"),
    ("[printer]\npaper_mm = 70", "[printer] paper_mm", "not one of 58, 80"),
    ("[booth]\nlanguage = \"fr\"", "[booth] language", "not one of"),
    ("[booth]\nfullscreen = 1", "[booth] fullscreen", "true or false"),
    ("[camera]\nfps = true", "[camera] fps", "whole number"),
    ("[camera]\nfps = 15.0", "[camera] fps", "whole number"),
    ("[camera]\nfps = \"15\"", "[camera] fps", "whole number"),
    ("[camera]\nurl = 0", "[camera] url", "text in quotes"),
    ("[camera]\nurl = \"\"", "[camera] url", "must not be empty"),
    ("[sync]\nnodes = \"https://a\"", "[sync] nodes", "list of texts"),
    ("[sync]\nnodes = [\"\"]", "[sync] nodes", "list of texts"),
    ("[sync]\nbackoff_initial_s = 600\nbackoff_max_s = 60", "[sync] backoff_initial_s", "backoff_max_s"),
    ("camera = 1", "[camera]", "must be a section"),
])
def test_bad_values_are_refused_with_section_and_key(text, where, says):
    problems = problems_of(text)
    assert any(w == where and says in t for w, t in problems), problems


def test_every_problem_is_reported_at_once():
    problems = problems_of("[camera]\nfps = 0\nwidth = 1\n[audio]\nvolume = -1\n")
    assert [w for w, _ in problems] == ["[camera] fps", "[camera] width", "[audio] volume"]


def test_a_missing_or_broken_file_is_a_kiosk_error_with_a_hint(tmp_path):
    with pytest.raises(KioskError, match="does not exist"):
        load_config(tmp_path / "none.toml")
    with pytest.raises(ConfigError, match="not valid TOML") as e:
        load_config(write(tmp_path, "[camera\nfps = 1"))
    assert e.value.hint


toml_values = st.recursive(
    st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10)
key_names = st.sampled_from(sorted({f.name for _, f in ALL_KEYS} | {"x"}))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(SECTIONS) + ["other"]),
                       st.dictionaries(key_names, toml_values, max_size=4) | toml_values, max_size=4))
def test_any_parsed_toml_gives_a_config_or_a_config_error(data):
    try:
        config = parse_config(data)
    except ConfigError as e:
        assert e.problems and all(where.startswith("[") for where, _ in e.problems)
    else:
        assert isinstance(config, KioskConfig)
