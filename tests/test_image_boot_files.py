"""check-boot-files.sh, run by ``make image-check``, on small images made like build-image.sh makes the real one.

The first real build showed why it is there: with mkinitramfs held off during the install,
``update-initramfs -u`` found no initrd to update, raspi-firmware's hook then found no initrd
either and copied neither kernel nor initrd to the FAT partition, nor wrote config.txt: an image
that no Pi could boot, which no check saw.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "systemd" / "image" / "check-boot-files.sh"
pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("mkfs.vfat", "mcopy", "mdir", "sfdisk")),
                                reason="no dosfstools, mtools or fdisk")
FIRMWARE = ("start4.elf", "fixup4.dat", "bootcode.bin", "bcm2711-rpi-4-b.dtb", "bcm2837-rpi-3-b.dtb")
CONFIG = "arm_64bit=1\nenable_uart=1\nupstream_kernel=1\n\nkernel=vmlinuz-6.1.0-50-arm64\n" \
         "# For details on the initramfs directive\ninitramfs initrd.img-6.1.0-50-arm64\n"
CMDLINE = "console=tty2 root=LABEL=kioskroot rw fsck.repair=yes net.ifnames=0 rootwait quiet\n"


def image_with(tmp_path: Path, files: dict[str, bytes]) -> Path:
    """A DOS-labelled image whose first partition is a FAT file system holding ``files``."""
    stage = tmp_path / "stage"
    stage.mkdir()
    for name, data in files.items():
        (stage / name).write_bytes(data)
    fat = tmp_path / "boot.vfat"
    subprocess.run(["mkfs.vfat", "-n", "KIOSKBOOT", "-C", str(fat), str(8 * 1024)], check=True, capture_output=True)
    if files:
        subprocess.run(["mcopy", "-s", "-i", str(fat), *map(str, sorted(stage.iterdir())), "::"], check=True)
    image = tmp_path / "kiosk.img"
    with open(image, "wb") as f:
        f.truncate(16 << 20)
    subprocess.run(["sfdisk", "-q", str(image)], input="label: dos\nstart=1MiB, size=8MiB, type=c, bootable\n"
                   "start=9MiB, type=83\n", text=True, check=True)
    with open(image, "r+b") as f:
        f.seek(1 << 20)
        f.write(fat.read_bytes())
    return image


def good_files() -> dict[str, bytes]:
    files = {name: b"firmware" for name in FIRMWARE}
    files |= {"vmlinuz-6.1.0-50-arm64": b"kernel" * 100, "initrd.img-6.1.0-50-arm64": b"initrd" * 100,
              "config.txt": CONFIG.encode(), "cmdline.txt": CMDLINE.encode()}
    return files


def check(image: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), str(image)], capture_output=True, text=True)


def test_a_complete_boot_partition_passes(tmp_path):
    run = check(image_with(tmp_path, good_files()))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "initramfs initrd.img-6.1.0-50-arm64" in run.stdout and "root=LABEL=kioskroot" in run.stdout


def test_the_partition_raspi_firmware_leaves_without_an_initrd_fails(tmp_path):
    # only the firmware the package itself copies: its kernel hook gave up ("no initrd found")
    run = check(image_with(tmp_path, {name: b"firmware" for name in FIRMWARE[:3]}))
    assert run.returncode == 1 and "bcm2711-rpi-4-b.dtb is not on the boot partition" in run.stdout


@pytest.mark.parametrize("change, message", [
    (lambda f: f.pop("initrd.img-6.1.0-50-arm64"), "initrd.img-6.1.0-50-arm64, which is not on the boot partition"),
    (lambda f: f.update({"initrd.img-6.1.0-50-arm64": b""}), "initrd.img-6.1.0-50-arm64 on the boot partition is empty"),
    (lambda f: f.update({"config.txt": CONFIG.split("# For")[0].encode()}), "names no initramfs"),
    (lambda f: f.update({"cmdline.txt": CMDLINE.replace("LABEL=kioskroot", "/dev/mmcblk0p2").encode()}),
     "no root=LABEL=kioskroot"),
])
def test_each_missing_part_is_named(tmp_path, change, message):
    files = good_files()
    change(files)
    run = check(image_with(tmp_path, files))
    assert run.returncode == 1 and message in run.stdout, run.stdout + run.stderr


def test_an_image_without_a_fat_partition_fails(tmp_path):
    image = tmp_path / "blank.img"
    with open(image, "wb") as f:
        f.truncate(4 << 20)
    subprocess.run(["sfdisk", "-q", str(image)], input="label: dos\nstart=1MiB, type=c\n", text=True, check=True)
    run = check(image)
    assert run.returncode == 1 and "not a FAT file system" in run.stdout
