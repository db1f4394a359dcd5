"""Every package setup.cfg asks for is in the kiosk image: from Debian or as a pinned wheel.

The first real build of the image left httpx out, and ``kiosk-sync`` could not start; this
reads build-image.sh's package lists and would have said so before the hour-long build.
"""

from __future__ import annotations

import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = (ROOT / "systemd" / "image" / "build-image.sh").read_text()
# Debian's name for each Python package the image takes from Debian
DEBIAN = {"pynacl": "python3-nacl", "opencv-python-headless": "python3-opencv", "pyzbar": "python3-pyzbar",
          "pygame": "python3-pygame", "pyserial": "python3-serial"}
NOT_ON_A_KIOSK = {"starlette", "uvicorn"}   # the central node's web server


def shell_list(name: str) -> list[str]:
    found = re.search(rf'^{name}="([^"]*)"', SCRIPT, re.M)
    assert found, f"build-image.sh has no {name}"
    return found.group(1).split()


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def required() -> list[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    lines = config["options"]["install_requires"].split("\n")
    return [normal(re.split(r"[<>=!~\[; ]", line.strip(), maxsplit=1)[0]) for line in lines if line.strip()]


def test_every_requirement_is_in_the_image():
    wheels = {normal(p.split("==")[0]) for p in shell_list("PIP_PACKAGES") + shell_list("PIP_SOURCE_PACKAGES")}
    debian = set(shell_list("PACKAGES"))
    missing = [r for r in required() if r not in NOT_ON_A_KIOSK and r not in wheels and DEBIAN.get(r) not in debian]
    assert not missing, f"in setup.cfg but not in the image (add to build-image.sh's PIP_PACKAGES): {missing}"


def test_every_wheel_is_pinned():
    for spec in shell_list("PIP_PACKAGES") + shell_list("PIP_SOURCE_PACKAGES"):
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][A-Za-z0-9.]*", spec), spec


def test_what_httpx_needs_is_there_too():
    # pip installs the wheels with --no-deps: their own requirements must be listed as well
    wheels = {normal(p.split("==")[0]) for p in shell_list("PIP_PACKAGES")}
    assert {"httpx", "httpcore", "h11", "anyio", "idna", "certifi", "typing-extensions"} <= wheels
