"""``make image-boot``: boot the built image under ``qemu-system-aarch64 -M virt`` and check the booth.

    .venv/bin/python systemd/image/boot_image.py [OUT] [--timeout 1500] [--keep]

Not part of ``make test``: a bench with its own time limit (TCG emulation of four A72 cores on
this machine takes minutes to boot). Needs no root: the image is copied (sparse) into
``OUT/boot/``, and the copy's root file system is edited with ``debugfs -w`` at its partition
offset; the image ``make image`` built is never written. Steps, each printed with its evidence:

1. the image's own kernel and initrd, read out of the root partition with ``debugfs dump``;
2. into the copy: a demo station (provisioned, polls open, test mode) in ``/var/lib/kiosk``
   owned by the image's ``kiosk`` user, the camera as ``dir:`` of rendered token frames, the
   printer on the guest's ``/dev/ttyUSB0`` (an emulated USB-serial bridge whose other end is the host's
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
6. tells the guest to run its checks: ``systemctl is-system-running``, the running booth's
   sandbox (read-only root, writable data, no capability, its own network namespace), the watchdog
   (``kill -STOP`` the booth, systemd restarts it, the journal says so), ``kiosk verify``;
   then the guest powers off and QEMU's exit is timed.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from boot_disk import prepare_copy, sandbox_holds  # noqa: E402  (this folder is on sys.path when run as a script)
from boot_keys import key_plan  # noqa: E402
from boot_qemu import CHECK_LINE, KEYS, READY_LINE, Qmp, check_line, qemu_command, wait_console, wait_for_new_screen  # noqa: E402

TOOLS = ("qemu-system-aarch64", "debugfs", "e2fsck")


@dataclass
class Report:
    """Everything the boot showed: each check printed as it is made, the times as JSON at the end."""

    checks: dict = field(default_factory=dict)
    times: dict = field(default_factory=dict)
    evidence: dict = field(default_factory=dict)

    def check(self, name: str, ok: bool, evidence: str) -> None:
        self.checks[name] = ok
        self.evidence[name] = evidence
        print(f"  {'ok  ' if ok else 'FAIL'} {name}: {evidence}", flush=True)


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
    copy, kernel, initrd, tokens = prepare_copy(images[-1], work, report.check)
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
        _, at = wait_console(log, check_line("control"), deadline, at)   # the guest's checks listen
        control = socket.socket(socket.AF_UNIX)
        control.connect(str(work / "control.sock"))
        time.sleep(5)
        size = qmp.screendump(work / "screen.ppm", work / "attract.png")
        report.check("screendump", size[0] > 0, f"{work / 'attract.png'} ({size[0]}x{size[1]})")
        attract = qmp.pixels(work / "wait.ppm")
        control.sendall(b"show-token\n")   # the camera's frames now hold the token up for 2 s of each 30
        _, at = wait_console(log, check_line("token"), deadline, at)
        seen = _cast_by_keys(qmp, keys, work, deadline, attract, lambda: control.sendall(b"hide-token\n"))
        report.times["ready_to_first_cast_s"] = time.monotonic() - ready
        report.check("cast-keys", all(s in ("next screen", "busy screen, next screen", "ballot shown") for s in seen),
                     f"{len(keys)} keys; screens: {', '.join(seen)}")
        paper = "\n".join(printer.transcript())
        (work / "paper.txt").write_text(paper + "\n")   # Hangul is printed as raster lines: their sizes and hashes
        report.check("paper-record", bool(paper.strip()), f"{len(paper.splitlines())} lines on the virtual printer ({work / 'paper.txt'})")
        qmp.screendump(work / "screen.ppm", work / "after-cast.png")
        control.sendall(b"cast-done\n")
        checks = {}
        while "done" not in checks:
            found, at = wait_console(log, CHECK_LINE, deadline, at)
            checks[found.group(1)] = found.group(2)
        report.check("is-system-running", checks.get("is-system-running") == "running",
                     f"{checks.get('is-system-running', '?')}; failed units: {checks.get('failed-units') or 'none'}")
        report.check("sandbox", sandbox_holds(checks.get("sandbox", "")), checks.get("sandbox", "?"))
        report.check("watchdog", checks.get("watchdog-journal", "none") != "none"
                     and checks.get("watchdog-restarted", "").split(",")[0] != checks.get("watchdog-stopped", "").split(",")[0],
                     f"{checks.get('watchdog-stopped')} -> {checks.get('watchdog-restarted')}; {checks.get('watchdog-journal')}")
        report.check("kiosk-verify", "FAIL" not in checks.get("verify", "FAIL").upper(), checks.get("verify", "?"))
        # the booth logs no cast (its time would tell the casting order): the store's count says it
        report.check("cast-recorded", re.search(r"\b1 ballots\b", checks.get("verify", "")) is not None,
                     "kiosk verify counts 1 ballot in the guest's store")
        stop = time.monotonic()
        qemu.wait(timeout=max(10.0, deadline - time.monotonic()))
        report.times["poweroff_s"] = time.monotonic() - stop
        report.check("shutdown", qemu.returncode == 0, f"QEMU exit {qemu.returncode} "
                     f"{report.times['poweroff_s']:.0f} s after the checks")
        qmp.close()
        control.close()
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


def _cast_by_keys(qmp: Qmp, keys: list[str], work: Path, deadline: float, attract, token_away) -> list[str]:
    """Wait for the ballot (the token is held up in the camera's frame loop), take the token away
    (``token_away()``), press the planned keys.

    After each Enter the next screen is awaited by screendumps (bounded: an emulated A72 takes
    seconds per screen); what was seen is returned for the report."""
    ppm, seen = work / "wait.ppm", []
    screen, changed = wait_for_new_screen(qmp, ppm, attract, longest_s=90)
    seen.append(f"ballot {'shown' if changed else 'not seen to change in 90 s'}")
    token_away()
    for key in keys:
        if time.monotonic() > deadline:
            raise TimeoutError("out of time while casting")
        if key == "wait":
            screen, changed = wait_for_new_screen(qmp, ppm, screen, longest_s=45)
            seen.append("next screen" if changed else "no new screen in 45 s")
        elif key == "wait-busy":
            # the busy screen (printing, casting), then the one after it; a busy screen gone before the
            # next frame was drawn is not seen, and the one after it then comes first
            screen, changed = wait_for_new_screen(qmp, ppm, screen, longest_s=45)
            after, settled = wait_for_new_screen(qmp, ppm, screen, longest_s=60) if changed else (screen, False)
            screen = after
            seen.append("busy screen, next screen" if settled else "next screen" if changed else "no new screen in 45 s")
        if key.startswith("wait"):   # each screen the cast went through, for the report
            qmp.screendump(work / "screen.ppm", work / f"cast-{len(seen) - 1}.png")
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
