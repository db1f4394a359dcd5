"""The election package on disk: the signed ``election.json``, the token roll and its root.

Layout of the directory ``election init`` writes::

    election.json            signed by the authority (public)
    roll.sqlite              token roll: references, modes, ballot styles (public)
    roll-root.json           the roll's signed Merkle root, once frozen (public)
    authority/authority.key  the authority's Ed25519 key (secret: keep offline)

The body carries the trustees' public ``election_key`` record (their dealerless ceremony): no
part of the election's secret key is ever here. A package of ballot format 1 (a dealer's key and
its split) is refused (:func:`kiosk.contract.election.format_1_refused`).

A kiosk gets only the three public files. The package is trusted only if ``election.json``
is signed by the authority key it names itself; the kiosk then trusts only that key.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from kiosk.contract.canonical import parse_json
from kiosk.contract.election import (ELECTION_CONTEXT, ELECTION_FORMAT, Election, format_1_refused, is_format_1,
                                     parse_election)
from kiosk.contract.envelope import read_envelope, seal_envelope, write_envelope
from kiosk.errors import FormatError, KioskError
from kiosk.contract.keys import SigningKey, VerifyKey, load_signing_key, save_signing_key
from kiosk.contract.roll import ROLL_FILE, ROOT_FILE, TokenRoll

ELECTION_FILE = "election.json"
AUTHORITY_KEY = Path("authority") / "authority.key"
PUBLIC_FILES = (ELECTION_FILE, ROLL_FILE, ROOT_FILE)


@dataclass
class ElectionPackage:
    """A loaded, signature-checked election package."""

    directory: Path
    election: Election

    @property
    def authority(self) -> VerifyKey:
        return VerifyKey.from_hex(self.election.authority_key_hex)

    def roll(self) -> TokenRoll:
        """Open the package's token roll (created empty if absent)."""
        return TokenRoll(self.directory, self.election.fingerprint, self.authority)

    def authority_key(self) -> SigningKey:
        """The authority's private key: present only in the authority's copy of the package."""
        path = self.directory / AUTHORITY_KEY
        if not path.exists():
            raise KioskError(f"no authority key at {path}",
                             hint="minting and freezing happen on the authority's copy of the package")
        return load_signing_key(path)


def load_package(directory: Path) -> ElectionPackage:
    """Read ``election.json``, check it is signed by the authority it names, and parse it."""
    directory = Path(directory)
    path = directory / ELECTION_FILE
    if not path.exists():
        raise FormatError(f"no {ELECTION_FILE} in {directory}",
                          hint="give the directory that 'kiosk-central election init' wrote")
    envelope = parse_json(path.read_bytes(), str(path))
    body = envelope.get("body") if isinstance(envelope, dict) else None
    if not isinstance(body, dict):
        raise FormatError(f"{path} is not a signed election package")
    if body.get("format") != ELECTION_FORMAT:
        raise FormatError(f"{path} has format {body.get('format')!r}; this version reads {ELECTION_FORMAT!r}",
                          hint="use a kiosk software version that knows this format")
    if is_format_1(body):
        raise format_1_refused(str(directory))
    election = parse_election(body)
    read_envelope(path, ELECTION_CONTEXT, VerifyKey.from_hex(election.authority_key_hex), str(path))
    return ElectionPackage(directory, election)


def create_package(directory: Path, spec_body: dict, election_key: dict,
                   authority: SigningKey | None = None) -> ElectionPackage:
    """Make the authority key, complete the body, validate, sign and write a new package directory.

    ``spec_body`` is an election body without keys (see docs/election-spec.md); ``election_key`` is
    the trustees' ``kiosk-election-key/1`` record: the key comes from their dealerless ceremony and
    nothing secret of it is made or written here.
    """
    directory = Path(directory)
    if (directory / ELECTION_FILE).exists():
        raise KioskError(f"{directory} already holds an election package",
                         hint="choose an empty directory; packages are never overwritten")
    authority = authority or SigningKey.generate()
    body = dict(spec_body)
    body.update({"format": ELECTION_FORMAT, "authority_key_hex": authority.verify_key.hex,
                 "election_key": election_key})
    parse_election(body)  # raises ValidationError naming every problem
    directory.mkdir(parents=True, exist_ok=True)
    save_signing_key(directory / AUTHORITY_KEY, authority)
    write_envelope(directory / ELECTION_FILE, seal_envelope(ELECTION_CONTEXT, body, authority))
    package = load_package(directory)
    package.roll().close()
    return package


def copy_public(source: Path, target: Path) -> None:
    """Copy only the public files of a package (what a kiosk or an observer gets)."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for name in PUBLIC_FILES:
        if (Path(source) / name).exists():
            shutil.copy2(Path(source) / name, target / name)
