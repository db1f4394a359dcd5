"""``make image-boot``, the image without root: its partitions, kernel and files, and the edited copy.

The copy's root file system is read and written with ``debugfs`` at the root partition's
offset (``IMAGE?offset=N``), so no loop device, mount or root is needed; the image that
``make image`` built is never written.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path


def root_partition(image: Path) -> tuple[int, int]:
    """(offset, size) in bytes of the image's second partition (the ext4 root), from its MBR."""
    with open(image, "rb") as f:
        mbr = f.read(512)
    if mbr[510:512] != b"\x55\xaa":
        raise RuntimeError(f"{image} has no DOS partition table (build-image.sh writes one)")
    entry = mbr[446 + 16:446 + 32]
    start, count = int.from_bytes(entry[8:12], "little"), int.from_bytes(entry[12:16], "little")
    if entry[4] != 0x83 or not count:
        raise RuntimeError(f"{image}: the second partition is not a Linux one (type {entry[4]:#x})")
    return start * 512, count * 512


def debugfs(target: str, *requests: str, write: bool = False) -> str:
    """Run ``debugfs`` requests on ``target`` (``IMAGE?offset=N``); their output."""
    with tempfile.NamedTemporaryFile("w", suffix=".debugfs", delete=False) as f:
        f.write("\n".join(requests) + "\n")
    try:
        run = subprocess.run(["debugfs", *(["-w"] if write else []), "-f", f.name, target],
                             capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    if run.returncode != 0:
        raise RuntimeError(f"debugfs on {target} failed: {run.stderr.strip()}")
    return run.stdout + run.stderr


def read_file(target: str, path: str) -> str:
    """A file of the image's root file system (``debugfs cat``)."""
    out = subprocess.run(["debugfs", "-R", f"cat {path}", target], capture_output=True, text=True)
    return out.stdout


def owner_ids(passwd: str, user: str) -> tuple[int, int]:
    """(uid, gid) of ``user`` in an ``/etc/passwd`` text."""
    for line in passwd.splitlines():
        fields = line.split(":")
        if fields[0] == user:
            return int(fields[2]), int(fields[3])
    raise RuntimeError(f"no user {user} in the image's /etc/passwd: is it the kiosk image?")


def copy_tree_requests(host: Path, guest: str, uid: int, gid: int) -> list[str]:
    """debugfs requests that copy the host tree ``host`` to ``guest``, owned by uid:gid, modes kept."""
    requests = [f"mkdir {guest}", f"sif {guest} uid {uid}", f"sif {guest} gid {gid}",
                f"sif {guest} mode 040750"]
    for path in sorted(host.rglob("*")):
        dest = f"{guest}/{path.relative_to(host).as_posix()}"
        if path.is_dir():
            requests += [f"mkdir {dest}", f"sif {dest} mode 040750"]
        else:
            requests += [f"write {path} {dest}", f"sif {dest} mode 0100{path.stat().st_mode & 0o777:o}"]
        requests += [f"sif {dest} uid {uid}", f"sif {dest} gid {gid}"]
    return requests


def station_requests(station: Path, uid: int, gid: int) -> list[str]:
    """debugfs requests that put the station directory's contents into the image's empty
    ``/var/lib/kiosk`` (make image-check says it is empty), owned by uid:gid, modes kept."""
    requests = []
    for path in sorted(station.iterdir()):
        # modes kept: the booth refuses a kiosk.key that is not 0600 (a fixed 0640 here stopped it)
        requests += copy_tree_requests(path, f"/var/lib/kiosk/{path.name}", uid, gid) if path.is_dir() else [
            f"write {path} /var/lib/kiosk/{path.name}", f"sif /var/lib/kiosk/{path.name} uid {uid}",
            f"sif /var/lib/kiosk/{path.name} gid {gid}",
            f"sif /var/lib/kiosk/{path.name} mode 0100{path.stat().st_mode & 0o777:o}"]
    return requests


def kernel_files(target: str) -> tuple[str, str]:
    """The newest ``/boot/vmlinuz-*`` and its ``/boot/initrd.img-*`` in the root file system."""
    listing = debugfs(target, "ls -p /boot")
    names = [f.split("/")[5] for f in listing.splitlines() if f.count("/") >= 6]
    kernels = sorted(n for n in names if n.startswith("vmlinuz-"))
    if not kernels:
        raise RuntimeError("no /boot/vmlinuz-* in the image: was linux-image-arm64 installed?")
    version = kernels[-1][len("vmlinuz-"):]
    if f"initrd.img-{version}" not in names:
        raise RuntimeError(f"no /boot/initrd.img-{version} in the image")
    return f"/boot/vmlinuz-{version}", f"/boot/initrd.img-{version}"


def boot_config(image_config: str, frames: str) -> str:
    """The image's kiosk.toml with the camera on ``dir:FRAMES`` and the printer on the emulated USB-serial port.

    ``/dev/ttyUSB0``, not a PCI 16550's ``/dev/ttyS0``: the booth's unit allows USB serial
    devices only (``DeviceAllow=char-ttyUSB``), as a receipt printer on a Pi is one."""
    out, section = [], None
    for line in image_config.splitlines():
        if line.startswith("["):
            section = line.strip("[] ")
        if section == "camera" and line.startswith("url ="):
            line = f'url = "dir:{frames}?fps=5&loop=1"'
        if section == "printer" and line.startswith("url ="):
            line = 'url = "/dev/ttyUSB0"'
        out.append(line)
    return "\n".join(out) + "\n"


CHECK_SCRIPT = r"""#!/bin/sh
# Injected by make image-boot into its copy only: waits for the host, then checks and powers off.
say() { echo "CHECK $1: $2" > /dev/console; }
# until the host connects, a read of the port ends at once with nothing: keep it open (so what
# the host sends is delivered, not dropped) and read until a word comes
exec 3< /dev/virtio-ports/kiosk-control
say control listening
# show-token / hide-token: the token held up to the camera, or taken away, by replacing the frames
# its picture is in, each by a rename (the booth reads the folder's files again on every loop);
# frame 0000 is always the empty scene
frames=/var/lib/kiosk/boot-frames token=/var/lib/kiosk/boot-token
put() { cp -p "$1" "$frames/.next.tmp" && mv "$frames/.next.tmp" "$frames/$2"; }
while :; do
  word=""
  while [ -z "$word" ]; do read -r word <&3 || sleep 1; done
  case "$word" in
    show-token) for f in "$token"/*.jpg; do put "$f" "${f##*/}"; done; say token shown ;;
    hide-token) for f in "$token"/*.jpg; do put "$frames/0000.jpg" "${f##*/}"; done; say token hidden ;;
    *) break ;;
  esac
done
exec 3<&-
say host "$word"
say is-system-running "$(systemctl is-system-running --wait 2>&1)"
say failed-units "$(systemctl --failed --no-legend --plain | awk '{print $1}' | tr '\n' ' ')"
say booth-journal "$(journalctl -b -u kiosk-booth.service -o cat --no-pager | grep -v '^$' | tail -n 6 | tr '\n' '|')"
pid=$(systemctl show -p MainPID --value kiosk-booth.service)
# the sandbox as the running booth has it: its root and data mounts, capabilities, network
say sandbox "$(awk '$5 == "/" {r = $6} $5 == "/var/lib/kiosk" {d = $6} END {print "root " r " data " d}' /proc/$pid/mountinfo) \
cap $(awk '/^CapEff/ {print $2}' /proc/$pid/status) \
net $([ "$(readlink /proc/$pid/ns/net)" = "$(readlink /proc/1/ns/net)" ] && echo shared || echo private)"
restarts=$(systemctl show -p NRestarts --value kiosk-booth.service)
kill -STOP "$pid"
say watchdog-stopped "pid $pid, restarts before: $restarts"
for _ in $(seq 1 120); do
  sleep 1
  now=$(systemctl show -p MainPID --value kiosk-booth.service)
  [ "$now" != "$pid" ] && [ "$now" != 0 ] && break
done
say watchdog-restarted "pid $now, restarts after: $(systemctl show -p NRestarts --value kiosk-booth.service)"
say watchdog-journal "$(journalctl -b -u kiosk-booth.service --no-pager | grep -m1 -i 'watchdog timeout' || echo none)"
systemctl stop kiosk-booth.service
say verify "$(runuser -u kiosk -- kiosk verify --data /var/lib/kiosk 2>&1 | tail -n 3 | tr '\n' ' ')"
say done "powering off"
systemctl poweroff
"""

# the frames of the camera's 30-second loop (5 fps) the token is held up in: two seconds
TOKEN_FRAMES = range(10, 20)


def sandbox_holds(line: str) -> bool:
    """The guest's ``sandbox`` line says: root read-only, data directory writable, no capability,
    a network namespace of its own (``root ro,... data rw,... cap 0000000000000000 net private``)."""
    words = line.split()
    fields = dict(zip(words[::2], words[1::2]))
    return (fields.get("root", "").split(",")[0] == "ro" and fields.get("data", "").split(",")[0] == "rw"
            and fields.get("cap", "x").strip("0") == "" and fields.get("net") == "private")


# The one change to the booth's unit in the copy: TCG emulation on a shared host draws the first
# frame minutes after start, past the 120 s a Pi is given; the sandbox and watchdog stay as built.
SLOW_START = """[Service]
TimeoutStartSec=900
"""

CHECK_UNIT = """[Unit]
Description=make image-boot: the host's checks (only in its copy of the image)
After=kiosk-booth.service

[Service]
# simple, not oneshot: the boot must finish (is-system-running --wait) while this waits for the host
Type=simple
ExecStart=/usr/local/sbin/kiosk-boot-check
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
"""


def prepare_copy(image: Path, work: Path, check: Callable[[str, bool, str], None]) -> tuple[Path, Path, Path, list]:
    """Copy the image, read its kernel and initrd, put the demo station and the checks into the copy.

    ``check(name, ok, evidence)`` is told what was done (the boot report's ``Report.check``)."""
    from kiosk.app.demo import prepare
    from scanner.showcase import write_held_up_frames

    copy = work / "kiosk-boot.img"
    subprocess.run(["cp", "--sparse=always", str(image), str(copy)], check=True)
    offset, _ = root_partition(copy)
    target = f"{copy}?offset={offset}"
    kernel_path, initrd_path = kernel_files(target)
    kernel, initrd = work / "vmlinuz", work / "initrd.img"
    debugfs(target, f"dump {kernel_path} {kernel}", f"dump {initrd_path} {initrd}")
    check("kernel", kernel.stat().st_size > 0, f"{kernel_path}, {initrd_path} read out of the image")
    demo = work / "demo"
    with contextlib.redirect_stdout(io.StringIO()):
        tokens = prepare(demo)
    uid, gid = owner_ids(read_file(target, "/etc/passwd"), "kiosk")
    # the camera sees an empty scene until the host says show-token (CHECK_SCRIPT swaps the token's
    # frames in), so the attract screen is seen before the ballot, and the token only once
    frames, token_frames = work / "frames", work / "token-frames"
    write_held_up_frames(frames, tokens[0][1], held=range(0))
    write_held_up_frames(token_frames, tokens[0][1], held=TOKEN_FRAMES)
    for path in token_frames.iterdir():
        if int(path.stem) not in TOKEN_FRAMES:
            path.unlink()
    config = boot_config(read_file(target, "/etc/kiosk/kiosk.toml"), "/var/lib/kiosk/boot-frames")
    (work / "kiosk.toml").write_text(config)
    (work / "check.sh").write_text(CHECK_SCRIPT)
    (work / "check.service").write_text(CHECK_UNIT)
    (work / "slow-start.conf").write_text(SLOW_START)
    requests = station_requests(demo / "station", uid, gid)
    requests += copy_tree_requests(frames, "/var/lib/kiosk/boot-frames", uid, gid)
    requests += copy_tree_requests(token_frames, "/var/lib/kiosk/boot-token", uid, gid)
    requests += ["rm /etc/kiosk/kiosk.toml", f"write {work / 'kiosk.toml'} /etc/kiosk/kiosk.toml",
                 "sif /etc/kiosk/kiosk.toml mode 0100644",
                 f"write {work / 'check.sh'} /usr/local/sbin/kiosk-boot-check",
                 "sif /usr/local/sbin/kiosk-boot-check mode 0100755",
                 f"write {work / 'check.service'} /etc/systemd/system/kiosk-boot-check.service",
                 "symlink /etc/systemd/system/multi-user.target.wants/kiosk-boot-check.service "
                 "/etc/systemd/system/kiosk-boot-check.service",
                 "mkdir /etc/systemd/system/kiosk-booth.service.d",
                 f"write {work / 'slow-start.conf'} /etc/systemd/system/kiosk-booth.service.d/boot-emulated.conf"]
    debugfs(target, *requests, write=True)
    fsck = subprocess.run(["e2fsck", "-fn", target], capture_output=True, text=True)
    check("copy-edited", fsck.returncode == 0,
                 f"station, {len(list(frames.iterdir()))} camera frames, config and check unit written with debugfs; "
                 f"e2fsck -fn exit {fsck.returncode}")
    return copy, kernel, initrd, tokens
