"""Minting ballot tokens onto the roll (the authority's side)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.errors import ValidationError
from kiosk.contract.package import ElectionPackage
from kiosk.contract.tokens import MODE_LETTER, new_serial, roll_key, token_payload


@dataclass(frozen=True)
class MintedToken:
    style: str
    mode: str
    payload: str

    def __repr__(self) -> str:
        return f"MintedToken(style={self.style}, mode={self.mode})"


def mint_tokens(package: ElectionPackage, requests: list[tuple[str, int]], mode: str) -> list[MintedToken]:
    """Add ``count`` fresh tokens per (ballot style, count) to the roll in one transaction.

    Returns the payloads: besides the printed slips, the only place they ever exist. The roll
    gets what :func:`roll_key` gives: the token's public key.
    """
    election = package.election
    problems = [(f"style {s!r}", "is not a ballot style of this election") for s, _ in requests
                if election.style(s) is None]
    problems += [(f"style {s!r}", "count must be between 1 and 10,000,000") for s, n in requests
                 if not 1 <= n <= 10_000_000]
    if mode not in MODE_LETTER:
        problems.append(("mode", "must be official or test"))
    if problems:
        raise ValidationError("the minting request", problems)
    minted: list[MintedToken] = []
    entries = []
    for style, count in requests:
        for _ in range(count):
            serial = new_serial()
            minted.append(MintedToken(style, mode, token_payload(election.tag, mode, serial)))
            entries.append((roll_key(election.fingerprint, serial), mode, style))
    roll = package.roll()
    try:
        roll.add(entries)
    finally:
        roll.close()
    return minted
