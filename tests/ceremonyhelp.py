"""The dealerless key ceremony run in one process, for tests of format 2 (issue 14).

Every step goes through the project's own code, as the trustees' machines would run it:
:func:`make_trustee` (keygen), :func:`seal_share` / :func:`open_share` (share and accept, the
Feldman check included), :func:`election_key_json` (check). The test then plays every trustee:
it holds their secrets and key shares, so it can write their secret files for ``trustee decrypt``
or compute their partial decryptions directly.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from kiosk.contract.crypto import group
from kiosk.contract.crypto.records import election_key_json, secret_to_json
from kiosk.contract.crypto.threshold import Announcement, Ceremony, TrusteeSecret, make_trustee, open_share, \
    partial_decrypt, seal_share, secret_key_share
from kiosk.contract.election import ELECTION_FORMAT, Election, parse_election
from kiosk.contract.keys import EncryptionKey, write_private_json
from kiosk.contract.package import ElectionPackage, create_package


@dataclass(frozen=True)
class LocalCeremony:
    """A finished ceremony: the public ``kiosk-election-key/1`` record and every trustee's secrets."""

    ceremony: Ceremony
    record: dict
    announcements: dict[int, Announcement]
    secrets: dict[int, TrusteeSecret]
    key_shares: dict[int, int]

    def write_announcements(self, folder: Path) -> Path:
        """``trustee-N.announcement.json`` for every trustee, as ``trustee keygen`` publishes them."""
        folder.mkdir(parents=True, exist_ok=True)
        for i, a in self.announcements.items():
            (folder / f"trustee-{i}.announcement.json").write_text(json.dumps(a.to_json(), indent=1, sort_keys=True))
        return folder

    def write_secret(self, folder: Path, index: int) -> Path:
        """Trustee ``index``'s secret file after ``trustee accept`` (mode 0600)."""
        path = folder / f"trustee-{index}.secret.json"
        folder.mkdir(parents=True, exist_ok=True)
        write_private_json(path, secret_to_json(self.ceremony, self.secrets[index], self.key_shares[index]))
        return path

    def partials(self, aggregates, trustees: tuple[int, ...] | None = None, floor: int = 1) -> list[dict]:
        """The named trustees' (default: the first k) partial decryptions of ``aggregates``, as JSON."""
        trustees = trustees or tuple(range(1, self.ceremony.threshold + 1))
        return [partial_decrypt(self.ceremony, i, self.key_shares[i], aggregates.ciphertexts, aggregates.ballots,
                                floor, aggregates.context).to_json() for i in trustees]


def run_ceremony(election_id: str, trustees: int = 3, threshold: int = 2, seed: bytes | None = b"ceremony") -> LocalCeremony:
    """Keygen, share, accept and check for ``trustees`` trustees (``threshold`` needed), in process.

    With ``seed`` the coefficients and transport keys are reproducible; ``seed=None`` draws them
    from the OS. The record is re-parsed by every election that carries it.
    """
    ceremony = Ceremony(election_id, trustees, threshold)
    rng = group.SeededScalars(seed) if seed is not None else group.random_scalar
    made = {}
    for i in range(1, trustees + 1):
        transport = EncryptionKey(group.scalar_bytes(rng())) if seed is not None else None
        secret, announcement = make_trustee(ceremony, i, rng, transport)
        made[i] = (secret, announcement)
    announcements = {i: a for i, (_, a) in made.items()}
    mail = {(i, l): seal_share(ceremony, made[i][0], announcements[l])
            for i in made for l in made if i != l}
    key_shares = {}
    for l, (secret, _) in made.items():
        shares = {l: secret.share_for(l)}
        shares.update({i: open_share(ceremony, secret, announcements[i], mail[i, l]) for i in made if i != l})
        key_shares[l] = secret_key_share(shares)
    return LocalCeremony(ceremony, election_key_json(ceremony, announcements), announcements,
                         {i: s for i, (s, _) in made.items()}, key_shares)


@functools.lru_cache(maxsize=None)
def seeded_ceremony(election_id: str, trustees: int = 3, threshold: int = 2) -> LocalCeremony:
    """:func:`run_ceremony` with its default seed, made once per (election id, trustees, threshold):
    the ceremony whose key :func:`format2_election` puts in the election."""
    return run_ceremony(election_id, trustees, threshold)


def format2_body(spec: dict, authority_key_hex: str = "ab" * 32, trustees: int = 3, threshold: int = 2) -> dict:
    """``spec`` completed as an unsigned election body: a stand-in authority key and the key of a
    seeded in-process ceremony (one per election id, reused)."""
    local = seeded_ceremony(spec["id"], trustees, threshold)
    return dict(spec, format=ELECTION_FORMAT, authority_key_hex=authority_key_hex, election_key=local.record)


def format2_election(spec: dict, authority_key_hex: str = "ab" * 32, trustees: int = 3,
                     threshold: int = 2) -> Election:
    """``spec`` parsed as an unsigned election body (:func:`format2_body`), for code that needs only
    its shape (screens, rules, paper records)."""
    return parse_election(format2_body(spec, authority_key_hex, trustees, threshold))


def format2_package(directory: Path, spec: dict, trustees: int = 3, threshold: int = 2,
                    seed: bytes | None = b"ceremony") -> tuple[ElectionPackage, LocalCeremony]:
    """A signed format-2 package of ``spec`` whose key comes from an in-process ceremony."""
    local = run_ceremony(spec["id"], trustees, threshold, seed)
    return create_package(directory, spec, election_key=local.record), local
