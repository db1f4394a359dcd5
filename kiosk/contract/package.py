"""The election package on disk: the signed ``election.json``, the token roll and its root.

Layout of the directory ``election init`` writes::

    election.json            signed by the authority (public)
    roll.sqlite              token roll: references, modes, ballot styles (public)
    roll-root.json           the roll's signed Merkle root, once frozen (public)
    authority/authority.key  the authority's Ed25519 key (secret: keep offline)
    trustees/trustee-N.share format 1 only: each trustee's share of the dealer's key (secret: hand out)

In format 2 the body carries the trustees' public ``election_key`` record instead, and no
part of the election's secret key is ever here.

A kiosk gets only the three public files. The package is trusted only if ``election.json``
is signed by the authority key it names itself; the kiosk then trusts only that key.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from kiosk.contract.canonical import parse_json
from kiosk.contract.election import ELECTION_CONTEXT, ELECTION_FORMAT, Election, parse_election
from kiosk.contract.envelope import read_envelope, seal_envelope, write_envelope
from kiosk.errors import FormatError, KioskError
from kiosk.contract.keys import EncryptionKey, SigningKey, VerifyKey, load_signing_key, save_signing_key
from kiosk.contract.roll import ROLL_FILE, ROOT_FILE, TokenRoll
from kiosk.contract.trustees import save_share, split_secret

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
    election = parse_election(body)
    read_envelope(path, ELECTION_CONTEXT, VerifyKey.from_hex(election.authority_key_hex), str(path))
    return ElectionPackage(directory, election)


def create_package(directory: Path, spec_body: dict, trustees: int = 1, threshold: int = 1,
                   authority: SigningKey | None = None, encryption: EncryptionKey | None = None,
                   election_key: dict | None = None) -> ElectionPackage:
    """Make keys, complete the body, validate, sign and write a new package directory.

    ``spec_body`` is an election body without keys (see docs/election-spec.md). With
    ``election_key`` (the trustees' ``kiosk-election-key/1`` record) the package is of format 2:
    the key comes from the dealerless ceremony and nothing secret of it is made or written here.
    Without it (format 1) a dealer makes an X25519 key and splits it into ``trustees`` shares.
    """
    directory = Path(directory)
    if (directory / ELECTION_FILE).exists():
        raise KioskError(f"{directory} already holds an election package",
                         hint="choose an empty directory; packages are never overwritten")
    authority = authority or SigningKey.generate()
    body = dict(spec_body)
    body.update({"format": ELECTION_FORMAT, "authority_key_hex": authority.verify_key.hex})
    if election_key is not None:
        body["election_key"] = election_key
    else:
        encryption = encryption or EncryptionKey.generate()
        body.update({"encryption_key_hex": encryption.public_raw.hex(),
                     "trustees": {"count": trustees, "threshold": threshold}})
    election = parse_election(body)  # raises ValidationError naming every problem
    directory.mkdir(parents=True, exist_ok=True)
    save_signing_key(directory / AUTHORITY_KEY, authority)
    if election_key is None:
        for share in split_secret(encryption, election.fingerprint_hex, trustees, threshold):
            save_share(directory / "trustees" / f"trustee-{share.index}.share", share)
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
