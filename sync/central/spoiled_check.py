"""What a checked (spoiled) ballot contains, from the published ballot and the printed seed alone.

Shared by ``kiosk-central board check-spoiled QR`` and the node's ``/check-spoiled`` page: the
QR (:mod:`kiosk.contract.spoiled_qr`) names the election, the ballot id and the nonce seed; the
ballot is found among the published spoiled ballots by its id, its proofs are checked, and the
seed from the QR (not the one published beside it) opens it. Nothing secret is used; the seed
opens that one ballot, which never counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from kiosk.contract.election import Election
from kiosk.contract.spoiled_qr import parse_spoiled_qr
from kiosk.errors import FormatError, KioskError, ProofError
from sync.central.count import ElectionKey
from sync.central.record_check import open_spoiled, parse_spoiled


@dataclass(frozen=True)
class OpenedSpoiled:
    """A checked ballot opened: its id, style and ``{contest id: chosen option ids}`` (score: grades)."""

    ballot_id_hex: str
    style: str
    contents: dict

    def to_json(self) -> dict:
        return {"ballot_id_hex": self.ballot_id_hex, "style": self.style, "contents": self.contents}


def open_spoiled_code(election: Election, key: ElectionKey, code: str, published: Sequence[bytes]) -> OpenedSpoiled:
    """Open the published spoiled ballot the QR ``code`` names with the seed it prints.

    :class:`FormatError` (Korean and English; exit 2) when the code is not a checked ballot's or is of
    another election; :class:`ProofError` (exit 1) when it names no published spoiled ballot or its
    seed does not open that ballot.
    """
    tag, ballot_id, seed = parse_spoiled_qr(code)
    if tag != election.tag:
        raise FormatError("this checked ballot is of another election / 다른 선거의 투표지입니다",
                          hint=f"use the package of the election tagged {tag}",
                          korean=("다른 선거의 투표지입니다.", f"선거 태그가 {tag}인 선거의 패키지로 확인하세요."))
    for n, line in enumerate(published, 1):
        ballot, _ = parse_spoiled(line, election, f"published spoiled ballot {n}")
        if ballot.ballot_id == ballot_id:
            try:
                contents = open_spoiled(election, key, ballot, seed)
            except KioskError as e:
                raise ProofError(f"the printed seed does not open the published ballot {ballot_id.hex()}: "
                                 f"{e.message} / 인쇄된 코드로 게시된 투표지를 열 수 없습니다",
                                 hint="report it to the election staff: the kiosk published another "
                                      "encryption than it printed",
                                 korean=("인쇄된 코드로 게시된 투표지를 열 수 없습니다.",
                                         "선거 관리자에게 알리세요: 단말기가 인쇄한 것과 다른 암호문을 게시했습니다.")) from None
            return OpenedSpoiled(ballot_id.hex(), ballot.style, contents)
    raise ProofError(f"no spoiled ballot {ballot_id.hex()} is published (yet) / 게시된 확인 투표지가 없습니다",
                     hint="the kiosk's batch may not have reached this node: try again later or ask another node",
                     korean=("이 노드에 게시된 확인 투표지가 없습니다.",
                             "단말기의 묶음이 아직 오지 않았을 수 있습니다: 나중에 다시 하거나 다른 노드에 물어보세요."))


def describe(election: Election, opened: OpenedSpoiled, lang: str = "en", ids: bool = True) -> list[str]:
    """One line per contest: its title and the options the ballot held (or none); with ``ids`` each
    name follows its id (for staff); without them the names, an option's id after it in brackets
    when it says something the name does not (for a voter's page)."""
    out = []
    for cid, chosen in opened.contents.items():
        contest = election.contest(cid)
        names = []
        for option_id in chosen:
            option = contest.option(option_id)
            title = option.title.in_language(lang) if option else option_id
            grade = f" = {chosen[option_id]}" if isinstance(chosen, dict) else ""
            shown = f"{option_id} {title}" if ids else title if title == option_id else f"{title} ({option_id})"
            names.append(f"{shown}{grade}")
        none = "선택 없음" if lang == "ko" else "nothing chosen"
        name = f"{cid} {contest.title.in_language(lang)}" if ids else contest.title.in_language(lang)
        out.append(f"{name}: {', '.join(names) if names else none}")
    return out
