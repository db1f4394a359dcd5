"""Real ballot tokens for the scanner's corpus: a throwaway election, minted by the project's code."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


def minted_payloads(count: int, communities: int = 4) -> list[str]:
    """``count`` test-mode token payloads minted onto the roll of a fresh throwaway election."""
    from ceremonyhelp import format2_package
    from kiosk.contract.minting import mint_tokens
    from kiosk.contract.ttabok import ttabok_spec

    with tempfile.TemporaryDirectory(prefix="scan-corpus-") as tmp:
        package, _ = format2_package(Path(tmp) / "election", ttabok_spec(communities))
        styles = [s.id for s in package.election.styles]
        per_style = -(-count // len(styles))
        minted = mint_tokens(package, [(s, per_style) for s in styles], "test")
    return [t.payload for t in minted][:count]
