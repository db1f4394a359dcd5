"""The parts of ``make image-boot`` that run without a built image (the boot itself is a bench).

A small disk image made here the way build-image.sh makes the real one (a DOS label, a FAT
partition, an ext4 root made with ``mke2fs -d``) is read and edited without root exactly as the
boot bench edits its copy; QMP is spoken to a real ``qemu-system-aarch64 -M virt`` with no
kernel (screendump and a key), and the key plan is made by the real booth on a demo station.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "systemd" / "image"))
import boot_disk  # noqa: E402
import boot_image  # noqa: E402,F401  (the bench itself imports)
import boot_keys  # noqa: E402
import boot_qemu  # noqa: E402
sys.path.pop(0)

from kiosk.station.station import Station  # noqa: E402

needs_e2fs = pytest.mark.skipif(not (shutil.which("mke2fs") and shutil.which("debugfs")), reason="no e2fsprogs")


def small_image(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    for d in ("boot", "etc/kiosk", "var/lib/kiosk", "etc/systemd/system/multi-user.target.wants", "usr/local/sbin"):
        (root / d).mkdir(parents=True)
    (root / "boot" / "vmlinuz-6.1.0-28-arm64").write_text("kernel")
    (root / "boot" / "initrd.img-6.1.0-28-arm64").write_text("initrd")
    (root / "etc" / "passwd").write_text("root:x:0:0::/root:/bin/sh\nkiosk:x:999:996::/var/lib/kiosk:/usr/sbin/nologin\n")
    (root / "etc" / "kiosk" / "kiosk.toml").write_text(
        '[camera]\nurl = "/dev/video0"\nfps = 15\n[printer]\nurl = "/dev/kiosk-printer"\n')
    ext4 = tmp_path / "root.ext4"
    subprocess.run(["mke2fs", "-q", "-t", "ext4", "-L", "kioskroot", "-d", str(root), str(ext4), "16M"], check=True)
    image = tmp_path / "kiosk.img"
    with open(image, "wb") as f:
        f.truncate(24 << 20)
        mbr = bytearray(512)
        mbr[446:462] = bytes([0, 0, 0, 0, 0x0C, 0, 0, 0]) + struct.pack("<II", 2048, 8192)
        mbr[462:478] = bytes([0, 0, 0, 0, 0x83, 0, 0, 0]) + struct.pack("<II", 10240, 24 * 2048 - 10240)
        mbr[510:512] = b"\x55\xaa"
        f.write(mbr)
        f.seek(5 << 20)
        f.write(ext4.read_bytes())
    return image


@needs_e2fs
def test_the_root_file_system_is_read_and_edited_in_place_without_root(tmp_path):
    image = small_image(tmp_path)
    offset, size = boot_disk.root_partition(image)
    assert offset == 5 << 20 and size == 19 << 20
    target = f"{image}?offset={offset}"
    assert boot_disk.kernel_files(target) == ("/boot/vmlinuz-6.1.0-28-arm64", "/boot/initrd.img-6.1.0-28-arm64")
    uid, gid = boot_disk.owner_ids(boot_disk.read_file(target, "/etc/passwd"), "kiosk")
    assert (uid, gid) == (999, 996)
    tree = tmp_path / "station"
    (tree / "batches").mkdir(parents=True)
    (tree / "station.json").write_text('{"station": "S01"}')
    (tree / "batches" / "0001.batch").write_bytes(b"\x00batch")
    boot_disk.debugfs(target, *boot_disk.copy_tree_requests(tree, "/var/lib/kiosk/station", uid, gid), write=True)
    assert boot_disk.read_file(target, "/var/lib/kiosk/station/batches/0001.batch") == "\x00batch"
    stat = boot_disk.debugfs(target, "stat /var/lib/kiosk/station/station.json")
    assert "User:   999" in stat and "Group:   996" in stat
    assert subprocess.run(["e2fsck", "-fn", target], capture_output=True).returncode == 0
    with pytest.raises(RuntimeError, match="not a Linux one"):
        boot_disk.root_partition(_with_type(image, 0x0C))


def _with_type(image: Path, kind: int) -> Path:
    data = bytearray(image.read_bytes()[:512])
    data[462 + 4] = kind
    other = image.with_suffix(".other")
    other.write_bytes(bytes(data))
    return other


def test_the_boot_config_points_camera_and_printer_at_the_emulated_devices():
    config = boot_disk.boot_config('[camera]\nurl = "/dev/video0"\n[printer]\nurl = "/dev/kiosk-printer"\n'
                                    '[scanner]\nurl = ""\n', "/var/lib/kiosk/boot-frames")
    assert 'url = "dir:/var/lib/kiosk/boot-frames?fps=5&loop=1"' in config
    assert 'url = "/dev/ttyUSB0"' in config and 'url = ""' in config


def test_console_lines_are_found_after_the_last_one(tmp_path):
    log = tmp_path / "console.log"
    log.write_text("         Starting \x1b[0;1;39mkiosk-booth.servi…station kiosk: the voting booth...\n"
                   "[\x1b[0;32m  OK  \x1b[0m] Started \x1b[0;1;39mkiosk-booth.service\x1b[0m.\n"
                   "CHECK host: cast-done\nCHECK is-system-running: running\n")
    _, at = boot_qemu.wait_console(log, boot_qemu.READY_LINE, time.monotonic() + 1)
    first, at = boot_qemu.wait_console(log, boot_qemu.CHECK_LINE, time.monotonic() + 1, at)
    second, _ = boot_qemu.wait_console(log, boot_qemu.CHECK_LINE, time.monotonic() + 1, at)
    assert first.groups() == ("host", "cast-done") and second.groups() == ("is-system-running", "running")


@pytest.mark.skipif(not shutil.which("qemu-system-aarch64"), reason="no qemu-system-arm")
def test_qmp_takes_a_screendump_and_sends_a_key_to_a_virt_machine(tmp_path):
    qemu = subprocess.Popen(["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a72", "-m", "256", "-S",
                             "-nodefaults", "-device", "virtio-gpu-pci", "-device", "virtio-keyboard-pci",
                             "-display", "none", "-qmp", f"unix:{tmp_path / 'qmp.sock'},server=on,wait=off"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        qmp = boot_qemu.Qmp(tmp_path / "qmp.sock")
        width, height = qmp.screendump(tmp_path / "s.ppm", tmp_path / "s.png")
        assert width > 0 and height > 0 and (tmp_path / "s.png").stat().st_size > 0
        qmp.key("tab")
        still = qmp.pixels(tmp_path / "w.ppm")
        screen, changed = boot_qemu.wait_for_new_screen(qmp, tmp_path / "w.ppm", still, longest_s=0, step_s=0)
        assert not changed and not boot_qemu.differs(screen, still, 0.0)   # a stopped guest: same screen
        with pytest.raises(RuntimeError, match="QMP"):
            qmp.command("no-such-command")
        qmp.command("quit")
        qmp.close()
        assert qemu.wait(timeout=30) == 0
    finally:
        if qemu.poll() is None:
            qemu.kill()


def test_a_new_screen_is_told_from_a_blink():
    import numpy as np

    a = np.zeros(10_000, np.uint8)
    blink, new = a.copy(), a.copy()
    blink[:30] = 255
    new[:3000] = 255
    assert not boot_qemu.differs(a, blink, 0.02) and boot_qemu.differs(a, new, 0.02)
    assert boot_qemu.differs(a, a[:50], 0.5)   # another display size is another screen


def test_the_key_plan_is_made_by_the_real_booth(tmp_path):
    from kiosk.app.demo import prepare
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        tokens = prepare(tmp_path / "demo")
    keys = boot_keys.key_plan(tmp_path / "demo" / "station", tokens[0][0])
    waits = [k for k in keys if k.startswith("wait")]
    assert keys.count("enter") >= 4 and len(waits) == keys.count("enter") and keys[-1] == "wait-busy"
    assert set(keys) == {"tab", "enter", "wait", "wait-busy"}
    assert waits.count("wait-busy") == 2   # printing the paper record, then casting: each a busy screen first
    # the keys replayed on another booth at the guest's display size (virtio-gpu's 1280 x 800) cast
    # one like, of an option this voter may like (the first run pressed the voter's own
    # community's proposal, was told it cannot be liked, and cast a blank ballot)
    cast = replay(tmp_path / "demo" / "station", tokens[0][0], keys, (1280, 800))
    with Station.open(tmp_path / "demo" / "station") as station:
        excluded = station.election.style(tokens[0][0]).exclude
    liked = [o for _, chosen in cast.items() for o in chosen]
    assert len(liked) == 1 and liked[0] not in excluded


def replay(station_dir: Path, style: str, keys: list[str], size: tuple[int, int]) -> dict:
    """The selections a real booth of ``size`` casts when given ``keys`` (waits: frames until idle)."""
    from booth_ui import flow
    from booth_ui.booth import KEY_SELECT, KEY_TAB, Booth
    from booth_ui.display import HeadlessScreen

    cast = {}

    class Port:
        def check_token(self, payload):
            return flow.TokenAccepted(style)

        def prepare_encryption(self, payload, style, selections):
            return None

        def print_paper_record(self, payload, style, selections, language, large=False):
            return flow.PrintDone("0" * 32)

        def cast(self, payload, style, selections, ballot_id):
            cast.update(selections)
            return flow.CastDone("ABCD-1234")

    with Station.open(station_dir) as station:
        booth = Booth(station.election, station.mode, Port(), size, polls_open=True)
    screen = HeadlessScreen(booth, size)
    booth.inputs.put(flow.CodeScanned("x"))
    try:
        for key in ["wait", *keys]:
            if key.startswith("wait"):
                for _ in range(300):
                    screen.frame()
                    if booth.idle() and booth.last_frame.targets:
                        break
                    time.sleep(0.01)
            else:
                booth.key({"tab": KEY_TAB, "enter": KEY_SELECT}[key])
    finally:
        booth.close()
    assert booth.state.screen is flow.Screen.CAST_DONE
    return cast


def test_the_boot_printer_is_a_device_the_booth_unit_allows():
    # A printer on a PCI 16550 (/dev/ttyS0) would be refused by the unit's closed device list and
    # the boot would print no paper record: the bench uses what a Pi's printer is, USB serial.
    unit = (Path(__file__).resolve().parent.parent / "systemd" / "kiosk-booth.service").read_text()
    allowed = {line.split("=", 1)[1].split()[0] for line in unit.splitlines() if line.startswith("DeviceAllow=")}
    config = boot_disk.boot_config('[printer]\nurl = "/dev/kiosk-printer"\n', "/f")
    device = config.split('url = "', 1)[1].split('"', 1)[0]
    assert f"char-{Path(device).name.rstrip('0123456789')}" in allowed


@pytest.mark.skipif(not shutil.which("qemu-system-aarch64"), reason="no qemu-system-arm")
def test_qemu_accepts_the_boot_command_line(tmp_path):
    from hardware.virtual_device import VirtualPrinter
    from hardware.virtual_printer import TcpServer

    for name in ("disk.img", "vmlinuz", "initrd.img"):
        (tmp_path / name).write_bytes(b"\0" * 65536)
    server = TcpServer(VirtualPrinter()).start()
    command = boot_qemu.qemu_command(tmp_path, tmp_path / "disk.img", tmp_path / "vmlinuz",
                                     tmp_path / "initrd.img", server.server_address[1])
    assert "-nic" in command and command[command.index("-nic") + 1] == "none"
    qemu = subprocess.Popen([*command, "-S"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        qmp = boot_qemu.Qmp(tmp_path / "qmp.sock")
        devices = {d["type"] for d in _qom_tree(qmp, "/machine/peripheral-anon")}
        assert {"usb-serial", "virtio-gpu-pci", "virtio-keyboard-pci", "virtio-tablet-pci", "virtserialport"} <= devices
        qmp.command("quit")
        qmp.close()
        assert qemu.wait(timeout=30) == 0, qemu.stderr.read()
    finally:
        if qemu.poll() is None:
            qemu.kill()
        server.stop()


def _qom_tree(qmp, path: str) -> list[dict]:
    """The devices QEMU made, walking the QOM tree under ``path`` (virtserialport sits under its bus)."""
    found = []
    for child in qmp.command("qom-list", path=path):
        if child["type"].startswith("child<"):
            found.append({"type": child["type"][6:-1]})
            found += _qom_tree(qmp, f"{path}/{child['name']}")
    return found


def test_the_sandbox_line_holds_only_when_every_part_does():
    good = "root ro,relatime data rw,noatime cap 0000000000000000 net private"
    assert boot_disk.sandbox_holds(good)
    for bad in (good.replace("root ro", "root rw"), good.replace("data rw", "data ro"),
                good.replace("cap 0000000000000000", "cap 0000000000000400"), good.replace("private", "shared"),
                "root  data  cap  net private", ""):
        assert not boot_disk.sandbox_holds(bad), bad


def test_the_guest_check_script_is_valid_shell():
    assert subprocess.run(["sh", "-n"], input=boot_disk.CHECK_SCRIPT, text=True).returncode == 0


@needs_e2fs
def test_the_copied_station_keeps_the_key_private(tmp_path):
    # the first boot with a station: the booth refused kiosk.key written 0640 into the copy
    import os

    image = small_image(tmp_path)
    (tmp_path / "demo" / "station").mkdir(parents=True)
    key = tmp_path / "demo" / "station" / "kiosk.key"
    key.write_text("secret")
    os.chmod(key, 0o600)
    (tmp_path / "demo" / "station" / "station.json").write_text("{}")
    os.chmod(tmp_path / "demo" / "station" / "station.json", 0o644)
    (tmp_path / "demo" / "station" / "outbox").mkdir()
    requests = boot_disk.station_requests(tmp_path / "demo" / "station", 999, 996)
    target = f"{image}?offset={boot_disk.root_partition(image)[0]}"
    boot_disk.debugfs(target, *requests, write=True)
    assert "Mode:  0600" in boot_disk.debugfs(target, "stat /var/lib/kiosk/kiosk.key")
    assert "Mode:  0644" in boot_disk.debugfs(target, "stat /var/lib/kiosk/station.json")
