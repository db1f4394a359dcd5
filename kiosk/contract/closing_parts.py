"""The closing statement on paper: one QR code, or parts a reader puts back together. Pure.

Every QR code on a results tape is kept to at most version 25 at error level M (117 modules: 4
printer dots a module on 80 mm paper, 3 on 58 mm, so a phone photo of the tape reads it). A
statement (:mod:`kiosk.contract.closing`, ``KS1:...``) of at most :data:`SINGLE_MAX` characters
(version 25's byte-mode capacity) is printed as it is, in one code. A longer one is compressed
(zlib, RFC 1950, level 9, over its ASCII bytes), written in RFC 4648 base32 without padding, and
cut into N pieces of nearly equal length, each printed as the part::

    KSP1:ID:I/N:DATA

``ID`` is the first 8 bytes of SHA-256 of the statement's ``KS1:`` text (16 upper-case hex digits),
``I`` of ``N`` (1..99, no leading zero) the part's place, ``DATA`` its piece. Every character is
one of the QR alphanumeric set (5.5 bits a character instead of 8), so a part of at most
:data:`PART_MAX` characters is a version-25 code. The parts may be read in any order, and the same
part twice (a reprint, two photos) is harmless; :func:`assemble` joins them, inflates the data and
checks that the SHA-256 of the result names ``ID``, or refuses naming the statement and the part.
The signature is checked afterwards, as for a single code (:func:`kiosk.contract.closing.parse_closing`).

Nothing here varies with one voter's choice beyond the statement, which holds only the counts
the tape prints in words.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import zlib
from dataclasses import dataclass
from typing import Iterable

from kiosk.contract.closing import MAX_PAYLOAD, PREFIX

PART_PREFIX = "KSP1:"
MAX_VERSION = 25
SINGLE_MAX = 997         # byte-mode characters of a version-25 code at level M (ISO/IEC 18004, table 7)
PART_MAX = 1451          # alphanumeric-mode characters of the same code
MAX_PARTS = 99
_HEADER_MAX = len(PART_PREFIX) + 16 + len(":99/99:")
_PART = re.compile(r"KSP1:([0-9A-F]{16}):([1-9][0-9]?)/([1-9][0-9]?):([A-Z2-7]+)")


@dataclass(frozen=True)
class Part:
    """One parsed part: which statement (``statement_id``), ``index`` of ``count``, and its ``data``."""

    statement_id: str
    index: int
    count: int
    data: str


@dataclass(frozen=True)
class PartsRefused:
    """Parts that do not make a statement: ``where`` they were read, and what is wrong in Korean and English."""

    where: str
    statement_id: str
    words: dict

    def __str__(self) -> str:
        return f"{self.words['en']} / {self.words['ko']}"


@dataclass(frozen=True)
class Assembled:
    """What a set of read texts gives: ``statements`` as (where, ``KS1:`` text), and the ``refused`` parts."""

    statements: list
    refused: list


def statement_id(payload: str) -> str:
    """The ``ID`` the parts of ``payload`` carry."""
    return hashlib.sha256(payload.encode("ascii")).digest()[:8].hex().upper()


def tape_codes(payload: str) -> list[str]:
    """The QR texts to print for a signed statement: itself, or its parts in order.

    Empty when not even :data:`MAX_PARTS` parts hold it, or it is longer than a reader accepts
    (:data:`~kiosk.contract.closing.MAX_PAYLOAD`): the tape then says so in words (never a crash).
    """
    if len(payload) <= SINGLE_MAX:
        return [payload]
    if len(payload) > MAX_PAYLOAD:
        return []
    data = base64.b32encode(zlib.compress(payload.encode("ascii"), 9)).decode("ascii").rstrip("=")
    room = PART_MAX - _HEADER_MAX
    count = -(-len(data) // room)
    if count > MAX_PARTS:
        return []
    size = -(-len(data) // count)  # equal pieces: no short last code
    sid = statement_id(payload)
    return [f"{PART_PREFIX}{sid}:{i + 1}/{count}:{data[i * size:(i + 1) * size]}" for i in range(count)]


def is_part(text: object) -> bool:
    """True for a text that claims to be a part (it begins with ``KSP1:``), valid or not."""
    return isinstance(text, str) and text.startswith(PART_PREFIX)


def parse_part(text: str) -> Part | None:
    """The part ``text`` is, or None when it is not exactly one."""
    match = _PART.fullmatch(text) if len(text) <= PART_MAX else None
    if match is None:
        return None
    index, count = int(match.group(2)), int(match.group(3))
    return Part(match.group(1), index, count, match.group(4)) if index <= count else None


def _refused(where: str, sid: str, en: str, ko: str) -> PartsRefused:
    return PartsRefused(where, sid, {"en": en, "ko": ko})


def assemble(items: Iterable[tuple[str, str]]) -> Assembled:
    """Statements from texts read off tapes, each with where it was read (a file line, a photo).

    A ``KS1:`` text (or anything that is not a part) passes through as it is, for
    :func:`~kiosk.contract.closing.parse_closing` to judge; parts are grouped by statement and
    joined. Never raises on any input: a part that is malformed, missing, read twice with two
    contents, counted differently, or that does not join into its statement is refused by name.
    """
    statements, refused = [], []
    groups: dict[str, list[tuple[str, Part]]] = {}
    seen: set[str] = set()
    for where, text in items:
        if not is_part(text):
            if text not in seen:  # the same code read twice (a reprint, two photos) is one statement
                seen.add(text)
                statements.append((where, text))
            continue
        part = parse_part(text)
        if part is None:
            refused.append(_refused(where, "", f"not a readable part of a closing statement ({text[:40]!r}...)",
                                    f"마감 기록의 조각으로 읽을 수 없습니다 ({text[:40]!r}...)"))
            continue
        groups.setdefault(part.statement_id, []).append((where, part))
    for sid, read in groups.items():
        result = _join(sid, read)
        (statements if isinstance(result, tuple) else refused).append(result)
    return Assembled(statements, refused)


def _join(sid: str, read: list[tuple[str, Part]]):
    """(where, payload) of one statement's parts, or a :class:`PartsRefused`."""
    where = ", ".join(dict.fromkeys(w for w, _ in read))
    counts = sorted({p.count for _, p in read})
    if len(counts) > 1:
        said = " and ".join(str(n) for n in counts)
        return _refused(where, sid, f"closing statement {sid}: its parts say {said} parts in all: they are of "
                                    "different printings; read the parts of one tape",
                        f"마감 기록 {sid}: 조각마다 전체 수가 다릅니다 ({said}): 한 결과지의 조각만 읽으십시오")
    count = counts[0]
    by_index: dict[int, str] = {}
    for _, p in read:
        if by_index.setdefault(p.index, p.data) != p.data:
            return _refused(where, sid, f"closing statement {sid}: part {p.index}/{count} was read twice with "
                                        "different contents: one of them is damaged or not from this statement",
                            f"마감 기록 {sid}: {p.index}/{count} 조각이 서로 다른 내용으로 두 번 읽혔습니다 "
                            "(손상되었거나 다른 기록의 조각)")
    missing = [i for i in range(1, count + 1) if i not in by_index]
    if missing:
        names = ", ".join(f"{i}/{count}" for i in missing)
        return _refused(where, sid, f"closing statement {sid}: part {names} not read: photograph every QR code "
                                    f"of the tape ({count} in all) and read them together",
                        f"마감 기록 {sid}: {names} 조각을 읽지 못했습니다: 결과지의 QR 코드 {count}개를 모두 "
                        "촬영하여 함께 읽으십시오")
    payload = _inflate("".join(by_index[i] for i in range(1, count + 1)))
    if payload is None or statement_id(payload) != sid:
        return _refused(where, sid, f"closing statement {sid}: its {count} parts do not join into the statement "
                                    "they name (a part damaged, or from another statement)",
                        f"마감 기록 {sid}: 조각 {count}개가 하나의 기록으로 맞춰지지 않습니다 "
                        "(손상되었거나 다른 기록의 조각)")
    return where, payload


def _inflate(data: str) -> str | None:
    """The ``KS1:`` text of joined base32 data, or None when it is not one (bounded: no zip bomb)."""
    try:
        packed = base64.b32decode(data + "=" * (-len(data) % 8))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_PAYLOAD + 1)
    except (binascii.Error, ValueError, zlib.error):
        return None
    if not inflater.eof or inflater.unused_data or len(raw) > MAX_PAYLOAD or not raw.isascii():
        return None
    text = raw.decode("ascii")
    return text if text.startswith(PREFIX) else None
