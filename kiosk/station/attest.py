"""Software attestation: one hash of the installed code and configuration.

The hash goes into the ``software_attested`` event at every start, onto the zero report and
into the kiosk's registration, so central staff can see that every kiosk of an election runs
the same software with the same settings, and notice one that does not.

It is the SHA-256 of a domain tag and a manifest in ``sha256sum`` format: one line
``<sha256 of the file>  <path>`` per file, sorted by path (byte order). Paths are relative to
the directory holding the packages (``kiosk/contract/election.py``, ``booth_ui/messages/ko.toml``); the
configuration file appears as ``config/kiosk.toml`` wherever it lives. Compiled files
(``__pycache__``, ``*.pyc``) are left out: Python makes them at will and they follow from the
sources. Because the manifest is plain ``sha256sum`` output, anyone can recompute the hash with
shell tools (docs/technician.md shows how).

:func:`software_hash` is pure (files in, hash out); :func:`read_software` and
:func:`attest_installed` read the disk.
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from kiosk import __version__
from kiosk.errors import StorageError

SOFTWARE_FORMAT = "kiosk-software/1"
ATTESTED_PACKAGES = ("booth_ui", "hardware", "kiosk", "scanner", "sync")
CONFIG_NAME = "config/kiosk.toml"


@dataclass(frozen=True)
class Attestation:
    """The software hash and the manifest it was computed from."""

    software_hash_hex: str
    manifest: tuple[tuple[str, str], ...]   # (path, sha256 hex), sorted by path

    @property
    def short(self) -> str:
        """A short printable form for screens and paper: 16 hex digits in groups of 4."""
        h = self.software_hash_hex[:16]
        return "-".join(h[i:i + 4] for i in range(0, 16, 4))

    def manifest_text(self) -> str:
        """The manifest in ``sha256sum`` format, as hashed."""
        return "".join(f"{digest}  {path}\n" for path, digest in self.manifest)

    def event_body(self) -> dict:
        """The body of the ``software_attested`` event (no paths: the count and the hash)."""
        return {"format": SOFTWARE_FORMAT, "software_hash_hex": self.software_hash_hex,
                "files": len(self.manifest), "version": __version__}


def software_hash(files: Iterable[tuple[str, bytes]]) -> Attestation:
    """Hash (relative path, contents) pairs, in any order, into an :class:`Attestation`."""
    manifest = []
    seen = set()
    for path, data in files:
        if "\n" in path or "\\" in path or path.startswith("/") or not path:
            raise ValueError(f"cannot attest a file named {path!r}")  # sha256sum would escape it
        if path in seen:
            raise ValueError(f"{path} is listed twice")
        seen.add(path)
        manifest.append((path, hashlib.sha256(data).hexdigest()))
    manifest.sort(key=lambda item: item[0].encode("utf-8"))
    attestation = Attestation("", tuple(manifest))
    digest = hashlib.sha256(f"{SOFTWARE_FORMAT}\n".encode() + attestation.manifest_text().encode("utf-8"))
    return Attestation(digest.hexdigest(), attestation.manifest)


def _attested(path: Path) -> bool:
    return path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo")


def read_software(package_dirs: dict[str, Path], config_path: Path | None) -> list[tuple[str, bytes]]:
    """Read every attested file of the given package directories, and the configuration file."""
    files = []
    try:
        for name, directory in sorted(package_dirs.items()):
            for path in sorted(Path(directory).rglob("*")):
                if _attested(path):
                    files.append((f"{name}/{path.relative_to(directory).as_posix()}", path.read_bytes()))
        if config_path is not None:
            files.append((CONFIG_NAME, Path(config_path).read_bytes()))
    except OSError as e:
        raise StorageError(f"cannot read {e.filename} for the software hash: {e.strerror}",
                           hint="the installation is damaged; reflash the kiosk") from e
    return files


def installed_package_dirs(packages: Iterable[str] = ATTESTED_PACKAGES) -> dict[str, Path]:
    """Where Python imports each package from (the code that actually runs)."""
    dirs = {}
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise StorageError(f"the package {name} is not installed", hint="reflash the kiosk")
        dirs[name] = Path(list(spec.submodule_search_locations)[0])
    return dirs


def attest_installed(config_path: Path | None) -> Attestation:
    """The attestation of the code this process imports, plus the configuration file."""
    return software_hash(read_software(installed_package_dirs(), config_path))
