"""A CPU quota for a child process: cgroup v2 ``cpu.max``, cgroup v1 ``cpu.cfs_quota_us``, or systemd.

``CpuQuota.find()`` picks the first mechanism that works on this machine and says why the others
do not; ``quota.run(argv, fraction)`` starts ``argv`` limited to ``fraction`` of one core. The
quota bounds the whole process (all its threads together), so it models one slower core.
The period is kept short (the quota is at least 1 ms, the kernel's minimum) so that a 16 ms
frame spans several periods and the slowdown is spread evenly rather than in one stall.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")
MIN_QUOTA_US = 1000


def period_for(fraction: float) -> tuple[int, int]:
    """(quota_us, period_us) for ``fraction`` of a core, with the quota at the kernel's 1 ms minimum."""
    period = max(2000, int(round(MIN_QUOTA_US / fraction)))
    return max(MIN_QUOTA_US, int(round(fraction * period))), period


@dataclass
class CpuQuota:
    """One way of limiting a child's CPU time; ``kind`` is None when none works (``why`` says why)."""

    kind: str | None
    base: Path | None = None
    why: list[str] = field(default_factory=list)

    @classmethod
    def find(cls) -> "CpuQuota":
        """The first usable mechanism: v2 ``cpu.max``, v1 ``cpu.cfs_quota_us``, ``systemd-run --scope``."""
        why = []
        for base in (CGROUP, CGROUP / "unified"):
            controllers = base / "cgroup.controllers"
            if not controllers.exists():
                continue
            if "cpu" not in controllers.read_text().split():
                why.append(f"cgroup v2 at {base}: no cpu controller enabled")
                continue
            if _writable_child(base, "cpu.max"):
                return cls("cgroup-v2", base, why)
            why.append(f"cgroup v2 at {base}: cannot create a child cgroup with cpu.max (not writable)")
        v1 = CGROUP / "cpu"
        if (v1 / "cpu.cfs_quota_us").exists():
            if _writable_child(v1, "cpu.cfs_quota_us"):
                return cls("cgroup-v1", v1, why)
            why.append(f"cgroup v1 at {v1}: cannot create a child cgroup (not writable)")
        else:
            why.append("no cgroup v1 cpu controller mounted")
        if shutil.which("systemd-run") and Path("/run/systemd/system").is_dir():
            return cls("systemd-run", None, why)
        why.append("systemd-run: systemd is not the init system here" if shutil.which("systemd-run")
                   else "systemd-run: not installed")
        return cls(None, None, why)

    def describe(self, fraction: float) -> str:
        """One line: the mechanism and the quota it sets."""
        quota, period = period_for(fraction)
        if self.kind == "cgroup-v2":
            return f"cgroup v2 cpu.max '{quota} {period}' in {self.base}"
        if self.kind == "cgroup-v1":
            return f"cgroup v1 cpu.cfs_quota_us={quota} cpu.cfs_period_us={period} in {self.base}"
        if self.kind == "systemd-run":
            return f"systemd-run --scope -p CPUQuota={fraction * 100:.1f}% -p CPUQuotaPeriodSec={period}us"
        return "no CPU quota available: " + "; ".join(self.why)

    def popen(self, argv: list[str], fraction: float, **options) -> subprocess.Popen:
        """Start ``argv`` under ``fraction`` of one core (the child joins the cgroup before exec)."""
        quota, period = period_for(fraction)
        if self.kind == "systemd-run":
            argv = ["systemd-run", "--scope", "--quiet", "-p", f"CPUQuota={fraction * 100:.2f}%",
                    "-p", f"CPUQuotaPeriodSec={period}us", *argv]
            return subprocess.Popen(argv, **options)
        if self.kind is None:
            raise RuntimeError(self.describe(fraction))
        group = self.base / f"pi-budget-{os.getpid()}-{quota}-{period}"
        group.mkdir(exist_ok=True)
        if self.kind == "cgroup-v2":
            (group / "cpu.max").write_text(f"{quota} {period}\n")
        else:
            (group / "cpu.cfs_period_us").write_text(f"{period}\n")
            (group / "cpu.cfs_quota_us").write_text(f"{quota}\n")
        procs = group / "cgroup.procs"
        child = subprocess.Popen(argv, preexec_fn=lambda: procs.write_text(f"{os.getpid()}\n"), **options)
        child.cgroup = group
        return child

    @staticmethod
    def release(child: subprocess.Popen) -> None:
        """Remove the child's cgroup once it has exited."""
        group = getattr(child, "cgroup", None)
        if group is not None:
            try:
                group.rmdir()
            except OSError:
                pass


def _writable_child(base: Path, knob: str) -> bool:
    probe = base / f"pi-budget-probe-{os.getpid()}"
    try:
        probe.mkdir()
    except OSError:
        return False
    try:
        return (probe / knob).exists() and os.access(probe / knob, os.W_OK)
    finally:
        try:
            probe.rmdir()
        except OSError:
            pass
