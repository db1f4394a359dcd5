"""Software attestation: stable, sensitive to one byte, and recomputable with shell tools."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.station.attest import (ATTESTED_PACKAGES, CONFIG_NAME, attest_installed, installed_package_dirs,
                          read_software, software_hash)
from kiosk.app.config import config_toml
from kiosk.errors import StorageError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def installed(tmp_path):
    """A copy of the five packages (with a stray __pycache__) and a configuration file."""
    site = tmp_path / "site"
    for name in ATTESTED_PACKAGES:
        shutil.copytree(ROOT / name, site / name, ignore=shutil.ignore_patterns("__pycache__"))
    (site / "kiosk" / "__pycache__").mkdir()
    (site / "kiosk" / "__pycache__" / "cli.cpython-311.pyc").write_bytes(b"compiled")
    config = tmp_path / "kiosk.toml"
    config.write_text(config_toml())
    return {name: site / name for name in ATTESTED_PACKAGES}, config


def flip_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_the_hash_is_stable_across_runs_and_processes(installed):
    dirs, config = installed
    first = software_hash(read_software(dirs, config))
    assert software_hash(read_software(dirs, config)) == first
    code = ("import sys, pathlib; from kiosk.station.attest import read_software, software_hash;"
            "dirs = {n: pathlib.Path(sys.argv[1]) / n for n in sys.argv[3:]};"
            "print(software_hash(read_software(dirs, pathlib.Path(sys.argv[2]))).software_hash_hex)")
    site = next(iter(dirs.values())).parent
    out = subprocess.run([sys.executable, "-c", code, str(site), str(config), *dirs],
                         capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "12345"},
                         check=True, timeout=60)
    assert out.stdout.strip() == first.software_hash_hex


def test_order_of_reading_does_not_matter(installed):
    files = read_software(*installed)
    shuffled = files[:]
    random.Random(7).shuffle(shuffled)
    assert software_hash(shuffled) == software_hash(files)


def test_one_byte_of_code_changes_the_hash(installed):
    dirs, config = installed
    before = software_hash(read_software(dirs, config))
    flip_one_byte(dirs["kiosk"] / "contract" / "tokens.py")
    after = software_hash(read_software(dirs, config))
    assert after.software_hash_hex != before.software_hash_hex
    changed = {p for (p, d), (_, e) in zip(before.manifest, after.manifest) if d != e}
    assert changed == {"kiosk/contract/tokens.py"}


def test_one_byte_of_data_or_config_changes_the_hash(installed):
    dirs, config = installed
    before = software_hash(read_software(dirs, config)).software_hash_hex
    flip_one_byte(dirs["booth_ui"] / "messages" / "ko.toml")
    middle = software_hash(read_software(dirs, config)).software_hash_hex
    text = config.read_text()
    changed = re.sub(r"^volume = (\d+)$", lambda m: f"volume = {int(m[1]) + 1}", text, count=1, flags=re.M)
    assert changed != text, "the default configuration has no [audio] volume line to change"
    config.write_text(changed)
    after = software_hash(read_software(dirs, config)).software_hash_hex
    assert len({before, middle, after}) == 3


def test_an_added_file_or_a_renamed_one_changes_the_hash(installed):
    dirs, config = installed
    before = software_hash(read_software(dirs, config)).software_hash_hex
    (dirs["sync"] / "extra.py").write_text("")
    added = software_hash(read_software(dirs, config)).software_hash_hex
    (dirs["sync"] / "extra.py").rename(dirs["sync"] / "other.py")
    renamed = software_hash(read_software(dirs, config)).software_hash_hex
    assert len({before, added, renamed}) == 3


def test_compiled_files_are_left_out_and_the_config_has_a_fixed_name(installed):
    att = software_hash(read_software(*installed))
    paths = [p for p, _ in att.manifest]
    assert not any("__pycache__" in p or p.endswith(".pyc") for p in paths)
    assert CONFIG_NAME in paths and "booth_ui/messages/ko.toml" in paths and "kiosk/station/attest.py" in paths
    assert paths == sorted(paths)


def test_the_documented_shell_recipe_gives_the_same_hash(installed):
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum is not installed (Debian: coreutils)")
    dirs, config = installed
    site = next(iter(dirs.values())).parent
    recipe = (  # the same commands as in docs/technician.md, "Check the software hash by hand"
        "cd \"$SITE\" && { find booth_ui hardware kiosk scanner sync -type f ! -name '*.pyc' "
        "! -path '*/__pycache__/*' -print0 | xargs -0 sha256sum; "
        "sha256sum < \"$CONFIG\" | sed 's|-$|config/kiosk.toml|'; } "
        "| LC_ALL=C sort -k2 | { printf 'kiosk-software/1\\n'; cat; } | sha256sum")
    out = subprocess.run(["bash", "-c", recipe], capture_output=True, text=True, check=True, timeout=60,
                         env={**os.environ, "SITE": str(site), "CONFIG": str(config)})
    assert out.stdout.split()[0] == software_hash(read_software(dirs, config)).software_hash_hex


def test_the_installed_code_is_found_and_attested(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text("")
    att = attest_installed(config)
    assert set(installed_package_dirs()) == set(ATTESTED_PACKAGES)
    assert len(att.software_hash_hex) == 64 and len(att.short) == 19
    assert att.event_body()["files"] == len(att.manifest)


def test_a_missing_config_file_is_a_storage_error(tmp_path):
    with pytest.raises(StorageError, match="software hash"):
        attest_installed(tmp_path / "missing.toml")


@pytest.mark.parametrize("name", ["", "/etc/passwd", "a\nb", "a\\b"])
def test_names_sha256sum_would_escape_are_refused(name):
    with pytest.raises(ValueError):
        software_hash([(name, b"")])
