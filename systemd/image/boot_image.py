"""``make image-boot``: boot the built image under ``qemu-system-aarch64 -M virt`` and check the booth.

    .venv/bin/python systemd/image/boot_image.py [OUT] [--timeout 1500] [--keep]

Not part of ``make test``: a bench with its own time limit (TCG emulation of four A72 cores on
this machine takes minutes to boot). Needs no root: the image is copied (sparse) into
``OUT/boot/``, and the copy's root file system is edited with ``debugfs -w`` at its partition
offset; the image ``make image`` built is never written. Steps, each printed with its evidence:

1. the image's own kernel and initrd, read out of the root partition with ``debugfs dump``;
2. into the copy: a demo station (provisioned, polls open, test mode) in ``/var/lib/kiosk``
   owned by the image's ``kiosk`` user, the camera as ``dir:`` of rendered token frames, the
   printer on the guest's ``/dev/ttyS0`` (a PCI 16550 whose other end is the host's
   ``hardware.virtual_printer`` on TCP), and ``kiosk-boot-check.service``, which waits for the
   host's word on a virtio console port and then prints ``CHECK name: result`` lines;
3. QEMU: ``-M virt -cpu cortex-a72 -smp 4``, virtio disk, virtio GPU, keyboard and tablet, the
   serial console on a file, QMP on a socket, no network device;
4. waits for systemd's "Started kiosk-booth.service" on the console (a ``Type=notify`` unit is
   started only when it sent READY=1: after its first frame was drawn), takes a screendump
   through QMP (the attract screen drawn by KMS/DRM) and saves it as PNG;
5. casts one test ballot with keys sent through QMP, planned by the project's own booth on
   the host (the same code and election: which target to focus and press on each screen),
   and waits for the paper record on the host's virtual printer;
6. tells the guest to run its checks: ``systemctl is-system-running``, the watchdog
   (``kill -STOP`` the booth, systemd restarts it, the journal says so), ``kiosk verify``;
   then the guest powers off and QEMU's exit is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

READY_LINE = re.compile(r"Started kiosk-booth\.service")
CHECK_LINE = re.compile(r"CHECK ([a-z_-]+): (.*)")
KEYS = {"tab": "tab", "enter": "ret"}
TOOLS = ("qemu-system-aarch64", "debugfs", "e2fsck")


@dataclass
class Report:
    """Everything the boot showed, printed at the end (and as JSON with ``--json``)."""

    checks: dict = field(default_factory=dict)
    times: dict = field(default_factory=dict)
    evidence: dict = field(default_factory=dict)

    def check(self, name: str, ok: bool, evidence: str) -> None:
        self.checks[name] = ok
        self.evidence[name] = evidence
        print(f"  {'ok  ' if ok else 'FAIL'} {name}: {evidence}", flush=True)


# ---------------------------------------------------------------- the image, without root

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
    """The image's kiosk.toml with the camera on ``dir:FRAMES`` and the printer on the PCI serial port."""
    out, section = [], None
    for line in image_config.splitlines():
        if line.startswith("["):
            section = line.strip("[] ")
        if section == "camera" and line.startswith("url ="):
            line = f'url = "dir:{frames}?fps=5&loop=1"'
        if section == "printer" and line.startswith("url ="):
            line = 'url = "/dev/ttyS0"'
        out.append(line)
    return "\n".join(out) + "\n"


CHECK_SCRIPT = r"""#!/bin/sh
# Injected by make image-boot into its copy only: waits for the host, then checks and powers off.
say() { echo "CHECK $1: $2" > /dev/console; }
read -r word < /dev/virtio-ports/kiosk-control
say host "$word"
say is-system-running "$(systemctl is-system-running --wait 2>&1)"
pid=$(systemctl show -p MainPID --value kiosk-booth.service)
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


def prepare_copy(image: Path, work: Path, report: Report) -> tuple[Path, Path, Path, list]:
    """Copy the image, read its kernel and initrd, put the demo station and the checks into the copy."""
    from kiosk.app.demo import prepare
    from scanner.showcase import write_held_up_frames

    copy = work / "kiosk-boot.img"
    subprocess.run(["cp", "--sparse=always", str(image), str(copy)], check=True)
    offset, _ = root_partition(copy)
    target = f"{copy}?offset={offset}"
    kernel_path, initrd_path = kernel_files(target)
    kernel, initrd = work / "vmlinuz", work / "initrd.img"
    debugfs(target, f"dump {kernel_path} {kernel}", f"dump {initrd_path} {initrd}")
    report.check("kernel", kernel.stat().st_size > 0, f"{kernel_path}, {initrd_path} read out of the image")
    demo = work / "demo"
    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()):
        tokens = prepare(demo)
    uid, gid = owner_ids(read_file(target, "/etc/passwd"), "kiosk")
    frames = work / "frames"
    write_held_up_frames(frames, tokens[0][1])
    config = boot_config(read_file(target, "/etc/kiosk/kiosk.toml"), "/var/lib/kiosk/boot-frames")
    (work / "kiosk.toml").write_text(config)
    (work / "check.sh").write_text(CHECK_SCRIPT)
    (work / "check.service").write_text(CHECK_UNIT)
    requests = []   # the image's /var/lib/kiosk is empty (make image-check says so)
    for path in sorted((demo / "station").iterdir()):
        requests += copy_tree_requests(path, f"/var/lib/kiosk/{path.name}", uid, gid) if path.is_dir() else [
            f"write {path} /var/lib/kiosk/{path.name}", f"sif /var/lib/kiosk/{path.name} uid {uid}",
            f"sif /var/lib/kiosk/{path.name} gid {gid}", f"sif /var/lib/kiosk/{path.name} mode 0100640"]
    requests += copy_tree_requests(frames, "/var/lib/kiosk/boot-frames", uid, gid)
    requests += ["rm /etc/kiosk/kiosk.toml", f"write {work / 'kiosk.toml'} /etc/kiosk/kiosk.toml",
                 "sif /etc/kiosk/kiosk.toml mode 0100644",
                 f"write {work / 'check.sh'} /usr/local/sbin/kiosk-boot-check",
                 "sif /usr/local/sbin/kiosk-boot-check mode 0100755",
                 f"write {work / 'check.service'} /etc/systemd/system/kiosk-boot-check.service",
                 "symlink /etc/systemd/system/multi-user.target.wants/kiosk-boot-check.service "
                 "/etc/systemd/system/kiosk-boot-check.service"]
    debugfs(target, *requests, write=True)
    fsck = subprocess.run(["e2fsck", "-fn", target], capture_output=True, text=True)
    report.check("copy-edited", fsck.returncode == 0,
                 f"station, {len(list(frames.iterdir()))} camera frames, config and check unit written with debugfs; "
                 f"e2fsck -fn exit {fsck.returncode}")
    return copy, kernel, initrd, tokens


# ---------------------------------------------------------------- QEMU and its monitor

class Qmp:
    """A QMP client on a Unix socket: one command at a time, events skipped."""

    def __init__(self, path: Path, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(str(path))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        self.file = self.sock.makefile("rwb")
        json.loads(self.file.readline())           # the greeting
        self.command("qmp_capabilities")

    def command(self, name: str, **arguments) -> object:
        """Run ``name``; its ``return`` value, or RuntimeError with QMP's error."""
        self.file.write(json.dumps({"execute": name, "arguments": arguments}).encode() + b"\n")
        self.file.flush()
        while True:
            answer = json.loads(self.file.readline())
            if "return" in answer:
                return answer["return"]
            if "error" in answer:
                raise RuntimeError(f"QMP {name}: {answer['error'].get('desc')}")

    def key(self, name: str) -> None:
        """Press and release one key (QEMU's key names: 'tab', 'ret', ...)."""
        self.command("send-key", keys=[{"type": "qcode", "data": name}])

    def screendump(self, ppm: Path, png: Path) -> tuple[int, int]:
        """The guest's display as PNG (QEMU writes PPM); its size."""
        from booth_ui.screenshots import convert_screendump

        self.command("screendump", filename=str(ppm))
        return convert_screendump(ppm, png)

    def pixels(self, ppm: Path):
        """The guest's display now as a flat array of bytes (to tell whether the screen changed)."""
        import numpy as np

        self.command("screendump", filename=str(ppm))
        return np.frombuffer(ppm.read_bytes(), np.uint8)

    def close(self) -> None:
        self.sock.close()


def differs(a, b, fraction: float) -> bool:
    """More than ``fraction`` of the bytes of two screendumps differ (a new screen, not a blink)."""
    return a.shape != b.shape or (a != b).mean() > fraction


def wait_for_new_screen(qmp: Qmp, ppm: Path, before, longest_s: float, step_s: float = 2.0):
    """Screendumps until the display is a new screen (over 2 % of it changed since ``before``)
    that holds still (under 0.5 % changed over one more dump); after ``longest_s`` go on anyway.

    Returns (the screen now, True when it changed and settled)."""
    end, last = time.monotonic() + longest_s, None
    while True:
        now = qmp.pixels(ppm)
        if differs(now, before, 0.02) and last is not None and not differs(now, last, 0.005):
            return now, True
        if time.monotonic() > end:
            return now, False
        last = now
        time.sleep(step_s)


def qemu_command(work: Path, copy: Path, kernel: Path, initrd: Path, printer_port: int) -> list[str]:
    """The QEMU command line: virt, 4 A72 cores, virtio disk/GPU/keyboard/tablet, no network."""
    return ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a72", "-smp", "4", "-m", "2048",
            "-kernel", str(kernel), "-initrd", str(initrd),
            "-append", "root=LABEL=kioskroot rw console=ttyAMA0 systemd.show_status=1 panic=10",
            "-drive", f"file={copy},format=raw,if=virtio",
            "-device", "virtio-gpu-pci", "-device", "virtio-keyboard-pci", "-device", "virtio-tablet-pci",
            "-nic", "none", "-display", "none", "-serial", f"file:{work / 'console.log'}",
            "-chardev", f"socket,id=printer,host=127.0.0.1,port={printer_port}",
            "-device", "pci-serial,chardev=printer",
            "-device", "virtio-serial-pci",
            "-chardev", f"socket,id=control,path={work / 'control.sock'},server=on,wait=off",
            "-device", "virtserialport,chardev=control,name=kiosk-control",
            "-qmp", f"unix:{work / 'qmp.sock'},server=on,wait=off", "-no-reboot"]


def wait_console(log: Path, pattern: re.Pattern, deadline: float, start: int = 0) -> tuple[re.Match, int]:
    """Wait for ``pattern`` in the console log after byte ``start``; the match and where it ended."""
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace") if log.exists() else ""
        found = pattern.search(text, start)
        if found:
            return found, found.end()
        time.sleep(1.0)
    raise TimeoutError(f"no {pattern.pattern!r} on the console in time (see {log})")


def key_plan(station_dir: Path, style: str) -> list[str]:
    """The keys a voter presses to cast one ballot with the first like, planned by the real booth.

    The booth runs here headless on the same election (the demo's) with a port that accepts,
    prints and casts; on each screen the target wanted is reached with Tab and pressed with
    Enter, and the keys are recorded. The guest runs the same code, so the same keys cast there.
    """
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    from booth_ui import flow
    from booth_ui.booth import KEY_SELECT, KEY_TAB, Booth
    from booth_ui.display import HeadlessScreen
    from kiosk.app.booth import SCREEN_SIZE
    from kiosk.station.station import Station

    class Port:
        def check_token(self, payload):
            return flow.TokenAccepted(style)

        def print_paper_record(self, payload, style, selections, language):
            return flow.PrintDone("0" * 32)

        def cast(self, payload, style, selections, ballot_id):
            return flow.CastDone("ABCD-1234")

    with Station.open(station_dir) as station:
        booth = Booth(station.election, station.mode, Port(), SCREEN_SIZE, polls_open=True)
    screen = HeadlessScreen(booth, SCREEN_SIZE)
    booth.inputs.put(flow.CodeScanned("x"))
    keys: list[str] = []

    def settle(predicate) -> list:
        for _ in range(300):
            screen.frame()
            if booth.idle() and any(predicate(t.event) or isinstance(t.event, flow.NextPage)
                                    for t in booth.last_frame.targets):
                break
            time.sleep(0.01)
        return booth.last_frame.targets

    def press(predicate) -> None:
        targets = settle(predicate)
        index = next(i for i, t in enumerate(targets) if predicate(t.event))
        tabs = index + 1 if booth.focus is None else (index - booth.focus) % len(targets)
        for _ in range(tabs):
            booth.key(KEY_TAB)
            keys.append("tab")
        booth.key(KEY_SELECT)
        keys.extend(["enter", "wait"])

    for predicate in (lambda e: isinstance(e, flow.Choose), lambda e: isinstance(e, flow.ToReview),
                      lambda e: isinstance(e, flow.Confirm), lambda e: isinstance(e, flow.CastOnPaper)):
        while not any(predicate(t.event) for t in settle(predicate)):
            press(lambda e: isinstance(e, flow.NextPage))     # the review button is on the last page
        press(predicate)
    for _ in range(300):
        screen.frame()
        if booth.state.screen is flow.Screen.CAST_DONE:
            break
        time.sleep(0.01)
    if booth.state.screen is not flow.Screen.CAST_DONE:
        raise RuntimeError(f"the planned keys end on {booth.state.screen.value}, not the cast receipt")
    booth.close()
    return keys


def boot(out: Path, timeout_s: float, keep: bool) -> int:
    """Run every step; 0 when every check passed."""
    from hardware.virtual_device import VirtualPrinter
    from hardware.virtual_printer import TcpServer

    report = Report()
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        print(f"error: {', '.join(missing)} missing: apt-get install qemu-system-arm e2fsprogs", file=sys.stderr)
        return 2
    images = sorted(out.glob("*.img"))
    if not images:
        print(f"error: no image in {out}: run make image first (docs/image.md)", file=sys.stderr)
        return 2
    work = out / "boot"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    copy, kernel, initrd, tokens = prepare_copy(images[-1], work, report)
    keys = key_plan(work / "demo" / "station", tokens[0][0])
    printer = VirtualPrinter()
    server = TcpServer(printer).start()
    deadline = time.monotonic() + timeout_s
    started = time.monotonic()
    qemu = subprocess.Popen(qemu_command(work, copy, kernel, initrd, server.server_address[1]),
                            stdout=subprocess.DEVNULL, stderr=open(work / "qemu.err", "w"))
    try:
        qmp = Qmp(work / "qmp.sock")
        log = work / "console.log"
        _, at = wait_console(log, READY_LINE, deadline)
        ready = time.monotonic()
        report.times["qemu_start_to_ready_s"] = ready - started
        report.check("ready", True, f"kiosk-booth.service READY after {ready - started:.0f} s (console line)")
        time.sleep(5)
        size = qmp.screendump(work / "screen.ppm", work / "attract.png")
        report.check("screendump", size[0] > 0, f"{work / 'attract.png'} ({size[0]}x{size[1]})")
        seen = _cast_by_keys(qmp, keys, work, deadline)
        report.times["ready_to_first_cast_s"] = time.monotonic() - ready
        report.check("cast-keys", all(s in ("next screen", "ballot shown") for s in seen),
                     f"{len(keys)} keys; screens: {', '.join(seen)}")
        paper = "\n".join(printer.transcript())
        report.check("paper-record", bool(paper.strip()), f"{len(paper.splitlines())} lines on the virtual printer")
        qmp.screendump(work / "screen.ppm", work / "after-cast.png")
        with socket.socket(socket.AF_UNIX) as control:
            control.connect(str(work / "control.sock"))
            control.sendall(b"cast-done\n")
        checks = {}
        while "done" not in checks:
            found, at = wait_console(log, CHECK_LINE, deadline, at)
            checks[found.group(1)] = found.group(2)
        report.check("is-system-running", checks.get("is-system-running") == "running",
                     checks.get("is-system-running", "?"))
        report.check("watchdog", checks.get("watchdog-journal", "none") != "none"
                     and checks.get("watchdog-restarted", "").split(",")[0] != checks.get("watchdog-stopped", "").split(",")[0],
                     f"{checks.get('watchdog-stopped')} -> {checks.get('watchdog-restarted')}; {checks.get('watchdog-journal')}")
        report.check("kiosk-verify", "FAIL" not in checks.get("verify", "FAIL").upper(), checks.get("verify", "?"))
        stop = time.monotonic()
        qemu.wait(timeout=max(10.0, deadline - time.monotonic()))
        report.times["poweroff_s"] = time.monotonic() - stop
        report.check("shutdown", qemu.returncode == 0, f"QEMU exit {qemu.returncode} "
                     f"{report.times['poweroff_s']:.0f} s after the checks")
        qmp.close()
    except (TimeoutError, RuntimeError, OSError) as e:
        report.check("boot", False, str(e))
    finally:
        if qemu.poll() is None:
            qemu.kill()
        server.stop()
        if not keep:
            copy.unlink(missing_ok=True)
    print(json.dumps(report.times))
    return 0 if all(report.checks.values()) else 1


def _cast_by_keys(qmp: Qmp, keys: list[str], work: Path, deadline: float) -> list[str]:
    """Wait for the ballot (the token comes round in the camera's frame loop), press the planned keys.

    After each Enter the next screen is awaited by screendumps (bounded: an emulated A72 takes
    seconds per screen); what was seen is returned for the report."""
    ppm, seen = work / "wait.ppm", []
    screen, changed = wait_for_new_screen(qmp, ppm, qmp.pixels(ppm), longest_s=90)
    seen.append(f"ballot {'shown' if changed else 'not seen to change in 90 s'}")
    for key in keys:
        if time.monotonic() > deadline:
            raise TimeoutError("out of time while casting")
        if key == "wait":
            screen, changed = wait_for_new_screen(qmp, ppm, screen, longest_s=45)
            seen.append("next screen" if changed else "no new screen in 45 s")
        else:
            qmp.key(KEYS[key])
            time.sleep(0.3)
    return seen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=REPO / "build" / "image")
    parser.add_argument("--timeout", type=float, default=1500.0, help="seconds for the whole boot bench")
    parser.add_argument("--keep", action="store_true", help="keep the edited copy of the image")
    args = parser.parse_args(argv)
    return boot(args.out.resolve(), args.timeout, args.keep)


if __name__ == "__main__":
    sys.exit(main())
