"""The appliance's systemd files, checked by systemd's own tools.

``systemd-analyze verify`` exits 0 on an unknown key (it only warns), so any output on stderr
counts as a failure here. ``systemd-analyze security --offline=true`` scores each unit's
exposure; the booth must stay at or below 2.0 and the sync daemon at or below 3.0.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "systemd"
ANALYZE = shutil.which("systemd-analyze")
THRESHOLDS = {"kiosk-booth.service": 2.0, "kiosk-sync.service": 3.0}
needs_analyze = pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed (Debian: systemd)")


def unit_files() -> list[Path]:
    return sorted(UNITS.glob("*.service"))


def directives(path: Path) -> dict[str, list[str]]:
    """Every ``Key=value`` of a unit file, values in order (keys may repeat)."""
    out: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, value = line.split("=", 1)
            out.setdefault(key.strip(), []).append(value.strip())
    return out


def console_script(name: str, tmp_path: Path) -> str:
    """The installed console script, so verify finds an executable; a stand-in if none is."""
    for candidate in (Path(sys.executable).parent / name, shutil.which(name)):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    stub = tmp_path / "bin" / name
    stub.parent.mkdir(exist_ok=True)
    stub.write_text("#!/bin/sh\nexit 0\n")
    stub.chmod(0o755)
    return str(stub)


def staged_units(tmp_path: Path, extra: str = "") -> list[Path]:
    """Copies of the units with ExecStart pointing at executables that exist on this machine."""
    out = []
    for unit in unit_files():
        text = unit.read_text()
        for name in ("kiosk-sync", "kiosk"):
            text = re.sub(rf"/usr/bin/{name}\b(?!-)", console_script(name, tmp_path), text)
        if extra:
            text = text.replace("[Service]\n", f"[Service]\n{extra}\n", 1)
        (tmp_path / unit.name).write_text(text)
        out.append(tmp_path / unit.name)
    return out


def verify(paths: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run([ANALYZE, "verify", "--man=no", *map(str, paths)],
                          capture_output=True, text=True, timeout=60)


def test_the_expected_units_are_there():
    assert {p.name for p in unit_files()} == set(THRESHOLDS)


@needs_analyze
def test_systemd_analyze_verify_says_nothing(tmp_path):
    result = verify(staged_units(tmp_path))
    assert result.returncode == 0 and result.stderr == "", result.stderr


@needs_analyze
def test_verify_would_catch_a_misspelt_key(tmp_path):
    result = verify(staged_units(tmp_path, extra="ProtectSystm=strict"))
    assert "ProtectSystm" in result.stderr  # the check above can fail


@needs_analyze
@pytest.mark.parametrize("unit", sorted(THRESHOLDS))
def test_security_exposure_is_below_the_threshold(unit):
    result = subprocess.run([ANALYZE, "security", "--offline=true", "--no-pager", str(UNITS / unit)],
                            capture_output=True, text=True, timeout=60)
    m = re.search(rf"Overall exposure level for {re.escape(unit)}: (\d+\.\d+)", result.stdout)
    assert m, result.stdout + result.stderr
    assert float(m.group(1)) <= THRESHOLDS[unit], result.stdout


def test_booth_is_a_watched_notify_service_without_network():
    d = directives(UNITS / "kiosk-booth.service")
    assert d["Type"] == ["notify"] and d["Restart"] == ["on-failure"] and int(d["WatchdogSec"][0]) > 0
    assert d["User"] == ["kiosk"] and d["PrivateNetwork"] == ["yes"] and d["IPAddressDeny"] == ["any"]
    families = d["RestrictAddressFamilies"][0].split()
    assert "AF_INET" not in families and "AF_INET6" not in families
    assert d["ProtectSystem"] == ["strict"] and d["ReadWritePaths"] == ["/var/lib/kiosk", "-/media/kiosk-usb"]
    assert d["CapabilityBoundingSet"] == [""] and d["NoNewPrivileges"] == ["yes"]
    assert "@system-service" in d["SystemCallFilter"] and d["DevicePolicy"] == ["closed"]
    assert d["LimitCORE"] == ["0"]  # a core dump could hold a voter's choice
    assert d["ExecStart"][0].startswith("/usr/bin/kiosk booth --data /var/lib/kiosk")


def test_booth_keeps_w_xor_x_and_names_a_mesa_software_driver_without_a_jit():
    """MemoryDenyWriteExecute=yes and Mesa's default software driver (llvmpipe, a JIT) cannot go together:
    under QEMU's virtio-gpu the booth died with SIGSEGV before its first frame. softpipe draws without one."""
    d = directives(UNITS / "kiosk-booth.service")
    env = dict(word.split("=", 1) for line in d["Environment"] for word in line.split())
    assert d["MemoryDenyWriteExecute"] == ["yes"] and d["ProcSubset"] == ["pid"]
    assert env["GALLIUM_DRIVER"] == "softpipe" and env["SDL_VIDEODRIVER"] == "kmsdrm"


def test_sync_sees_no_key_and_writes_only_acknowledgements():
    d = directives(UNITS / "kiosk-sync.service")
    assert d["User"] == ["kiosk-sync"] and d["ProtectSystem"] == ["strict"]
    assert "-/var/lib/kiosk/kiosk.key" in d["InaccessiblePaths"][0].split()
    assert d["TemporaryFileSystem"] == ["/var/lib/kiosk:ro"]
    assert d["BindPaths"] == ["/var/lib/kiosk/acks"] and "ReadWritePaths" not in d
    assert not any("store" in p or "kiosk.key" in p for p in d["BindReadOnlyPaths"][0].split())
    assert d["ExecStart"] == ["/usr/bin/kiosk-sync run --data /var/lib/kiosk --config /etc/kiosk/kiosk.toml"]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian: systemd)")
    return path


def test_sysusers_and_tmpfiles_make_the_users_and_directories(tmp_path):
    sysusers, tmpfiles = _tool("systemd-sysusers"), _tool("systemd-tmpfiles")
    root = tmp_path / "root"
    for kind in ("sysusers.d", "tmpfiles.d"):
        (root / "usr/lib" / kind).mkdir(parents=True)
        shutil.copy(UNITS / kind / "kiosk.conf", root / "usr/lib" / kind)
    (root / "etc").mkdir()
    made = subprocess.run([sysusers, f"--root={root}"], capture_output=True, text=True, timeout=60)
    assert made.returncode == 0 and "not valid" not in made.stderr, made.stderr
    users = {line.split(":")[0]: line.split(":") for line in (root / "etc/passwd").read_text().splitlines()}
    assert users["kiosk"][5] == "/var/lib/kiosk" and users["kiosk"][6] == "/usr/sbin/nologin"
    assert "kiosk-sync" in users
    uid, gid = int(users["kiosk"][2]), int(users["kiosk"][3])

    made = subprocess.run([tmpfiles, f"--root={root}", "--create"], capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    data = root / "var/lib/kiosk"
    assert (data.stat().st_mode & 0o7777, data.stat().st_uid, data.stat().st_gid) == (0o750, uid, gid)
    assert not any(data.iterdir())  # provisioning wants an empty data directory

    # after provisioning (as the kiosk user) the acknowledgements directory becomes group-writable
    for sub in ("outbox", "acks"):
        (data / sub).mkdir()
        shutil.chown(data / sub, uid, gid)
    made = subprocess.run([tmpfiles, f"--root={root}", "--create"], capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    assert (data / "acks").stat().st_mode & 0o7777 == 0o2770
    assert (data / "outbox").stat().st_mode & 0o7777 == 0o750


UDEV_LINE = re.compile(r'^(?:[A-Z_]+(?:\{[^}]+\})?(?:==|!=|\+=|=|:=)"[^"]*"(?:, |$))+$')
UDEV_MATCH_KEYS = {"ACTION", "SUBSYSTEM", "SUBSYSTEMS", "KERNEL", "ATTRS", "ENV"}


def test_the_usb_stick_rule_mounts_where_the_booth_exports():
    from kiosk.app.config import BoothConfig

    rule = [line for line in (UNITS / "udev" / "71-kiosk-usb.rules").read_text().splitlines()
            if line and not line.startswith("#")]
    assert len(rule) == 1 and UDEV_LINE.match(rule[0])
    assert rule[0].endswith(f" {BoothConfig().usb_dir}\"") and "noexec" in rule[0] and "--owner=kiosk" in rule[0]


def test_udev_rules_are_well_formed_and_name_both_devices():
    rules = (UNITS / "udev" / "70-kiosk.rules").read_text().splitlines()
    labels = {m.group(1) for line in rules if (m := re.match(r'^LABEL="([^"]+)"$', line))}
    names = set()
    for line in rules:
        if not line or line.startswith("#") or line.startswith("LABEL="):
            continue
        assert UDEV_LINE.match(line), f"not a udev rule: {line}"
        for key, op, value in re.findall(r'([A-Z_]+)(?:\{[^}]+\})?(==|!=|\+=|=|:=)"([^"]*)"', line):
            if key in UDEV_MATCH_KEYS and key != "ENV":
                assert op in ("==", "!="), f"{key} is a match and needs == or !=: {line}"
            if key == "GOTO":
                assert value in labels, f"GOTO to a missing label: {line}"
            if key == "SYMLINK":
                names.add(value)
    assert names == {"kiosk-printer", "kiosk-scanner"}


CENTRAL = UNITS / "central" / "kiosk-central.service"


def _limit(d: dict[str, list[str]], key: str) -> int:
    return int(d[key][-1])


def test_every_unit_bounds_descriptors_tasks_and_core_dumps():
    for unit in [*unit_files(), CENTRAL]:
        d = directives(unit)
        assert d["LimitCORE"] == ["0"], unit.name
        assert 256 <= _limit(d, "LimitNOFILE") <= 1 << 20, unit.name
        assert 16 <= _limit(d, "TasksMax") <= 1024, unit.name


def test_central_node_has_descriptors_for_its_connection_cap():
    d = directives(CENTRAL)
    argv = d["ExecStart"][0].split()
    assert argv[:2] == ["/usr/bin/kiosk-central", "serve"]
    connections = int(argv[argv.index("--max-connections") + 1])
    assert int(argv[argv.index("--connections-per-address") + 1]) < connections
    assert _limit(d, "LimitNOFILE") >= 2 * connections  # room for the store, the roll, the listener
    assert _limit(d, "LimitNOFILE") >= 65536  # well above the usual 1,024 a flood exhausted
    assert d["MemoryMax"] and d["ProtectSystem"] == ["strict"] and d["ReadWritePaths"] == ["/var/lib/kiosk-central"]


@needs_analyze
def test_central_unit_verifies_and_is_hardened(tmp_path):
    text = CENTRAL.read_text().replace("/usr/bin/kiosk-central", console_script("kiosk-central", tmp_path))
    (tmp_path / CENTRAL.name).write_text(text)
    result = verify([tmp_path / CENTRAL.name])
    assert result.returncode == 0 and result.stderr == "", result.stderr
    result = subprocess.run([ANALYZE, "security", "--offline=true", "--no-pager", str(CENTRAL)],
                            capture_output=True, text=True, timeout=60)
    m = re.search(r"Overall exposure level for kiosk-central.service: (\d+\.\d+)", result.stdout)
    assert m and float(m.group(1)) <= 3.0, result.stdout + result.stderr


def test_the_sync_daemon_does_not_wait_for_a_network_the_kiosk_may_not_have():
    # Seen in the first emulated boot: Wants=network-online.target ran systemd-networkd-wait-online,
    # which failed with no network device and left the system "degraded".
    text = (Path(__file__).resolve().parent.parent / "systemd" / "kiosk-sync.service").read_text()
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert not any("network-online" in line for line in lines)
