"""Splitting the election's X25519 secret among trustees (Shamir's scheme, k of n).

The 32-byte secret is shared as two 16-byte halves with PyCryptodome's Shamir implementation
over GF(2^128) (it shares 16-byte secrets); trustee i holds share i of both halves. Any
``threshold`` shares rebuild the secret; fewer reveal nothing about it. A rebuilt key is
checked against the election's published encryption key before use.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from Crypto.Protocol.SecretSharing import Shamir

from kiosk.contract.canonical import from_hex
from kiosk.errors import FormatError, ValidationError
from kiosk.contract.keys import EncryptionKey, read_private_json, write_private_json

SHARE_FORMAT = "kiosk-trustee-share/1"


@dataclass(frozen=True)
class TrusteeShare:
    index: int          # 1..count
    threshold: int
    count: int
    election_hex: str
    encryption_key_hex: str
    share: bytes        # 32 bytes: share of the first half, share of the second half

    def __repr__(self) -> str:
        return f"TrusteeShare({self.index} of {self.count}, threshold {self.threshold})"


def split_secret(key: EncryptionKey, election_hex: str, count: int, threshold: int) -> list[TrusteeShare]:
    """Split the election key into ``count`` shares, any ``threshold`` of which rebuild it."""
    if not 1 <= threshold <= count <= 32:
        raise ValidationError("the trustee split", [("threshold", "must be between 1 and the number of trustees")])
    secret = key.secret
    if threshold == 1:  # Shamir with k=1 is a copy; PyCryptodome wants k >= 2
        halves = [[(i, secret[:16]) for i in range(1, count + 1)], [(i, secret[16:]) for i in range(1, count + 1)]]
    else:
        halves = [Shamir.split(threshold, count, secret[:16]), Shamir.split(threshold, count, secret[16:])]
    pub = key.public_raw.hex()
    return [TrusteeShare(i, threshold, count, election_hex, pub, a + b)
            for (i, a), (_, b) in zip(*halves)]


def combine_shares(shares: list[TrusteeShare]) -> EncryptionKey:
    """Rebuild the election key from at least ``threshold`` distinct shares and check it."""
    if not shares:
        raise ValidationError("the trustee shares", [("shares", "none given")])
    first = shares[0]
    if any((s.election_hex, s.threshold, s.count, s.encryption_key_hex) !=
           (first.election_hex, first.threshold, first.count, first.encryption_key_hex) for s in shares):
        raise ValidationError("the trustee shares", [("shares", "come from different elections or splits")])
    distinct = {s.index: s for s in shares}
    if len(distinct) < first.threshold:
        raise ValidationError("the trustee shares",
                              [("shares", f"{len(distinct)} distinct shares given, {first.threshold} needed")],
                              hint="ask more trustees for their shares")
    chosen = sorted(distinct.values(), key=lambda s: s.index)[:first.threshold]
    if first.threshold == 1:
        secret = chosen[0].share
    else:
        secret = (Shamir.combine([(s.index, s.share[:16]) for s in chosen]) +
                  Shamir.combine([(s.index, s.share[16:]) for s in chosen]))
    key = EncryptionKey(secret)
    if key.public_raw.hex() != first.encryption_key_hex:
        raise ValidationError("the trustee shares", [("shares", "do not rebuild the election key")],
                              hint="one of the share files is damaged or belongs to another election")
    return key


def share_body(share: TrusteeShare) -> dict:
    return {"format": SHARE_FORMAT, "index": share.index, "threshold": share.threshold,
            "count": share.count, "election_hex": share.election_hex,
            "encryption_key_hex": share.encryption_key_hex, "share_hex": share.share.hex()}


def save_share(path: Path, share: TrusteeShare) -> None:
    """Write a trustee's share file (mode 0600)."""
    write_private_json(path, share_body(share))


def load_share(path: Path) -> TrusteeShare:
    """Read a share file (refused when others can read it)."""
    body = read_private_json(path, "trustee share file")
    if body.get("format") != SHARE_FORMAT:
        raise FormatError(f"{path} is not a {SHARE_FORMAT} file")
    try:
        return TrusteeShare(int(body["index"]), int(body["threshold"]), int(body["count"]),
                            str(body["election_hex"]), str(body["encryption_key_hex"]),
                            from_hex(body["share_hex"], "share_hex", 32))
    except (KeyError, TypeError, ValueError) as e:
        raise FormatError(f"{path} is missing a field or has a wrong value: {e}") from e
