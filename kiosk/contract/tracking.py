"""The voter's tracking code: ten characters a voter can type, the last one a check (pure).

The code is the display and entry form of a sealed ballot's RFC 6962 leaf hash (the board's leaf;
nothing new is signed or stored): its first 45 bits as nine symbols of Crockford's base32
(``0-9`` and ``A-Z`` without I, L, O and U, so no pair of the alphabet looks alike), then one check
symbol, shown ``XXXXX-XXXXX``. Crockford's own check symbol (the value mod 37) needs five extra
symbols (``* ~ $ = U``) a voter would have to type; here the check stays in the alphabet: reading the
ten symbols as values v1..v10 of GF(32) (polynomial x^5 + x^2 + 1, a = x), the code is valid when
a^1 v1 + a^2 v2 + ... + a^10 v10 = 0. This is a one-symbol Reed-Solomon check (the field arithmetic
bech32 uses): the ten weights are distinct and non-zero, so every single wrong character and every
swap of two different characters, adjacent or not, is caught.

Typing is forgiven as Crockford decodes it: case, spaces, dashes and dots do not matter, an O is read
as 0 and an I or L as 1. A code that cannot be one says why (:class:`CodeError`), in Korean and
English: a typing slip is the voter's to see and leaks nothing about the board.
"""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DATA_SYMBOLS = 9
LENGTH = DATA_SYMBOLS + 1
PREFIX_BYTES = 5  # the whole bytes under the code's 45 bits: what a board looks the code up by
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s.\-]")
_POLY = 0b100101  # x^5 + x^2 + 1, primitive: a = x has order 31


def _mul(a: int, b: int) -> int:
    """Product in GF(32)."""
    out = 0
    while b:
        if b & 1:
            out ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= _POLY
    return out


_POWERS = [1]
for _ in range(31):
    _POWERS.append(_mul(_POWERS[-1], 2))


def _weighted(values: list[int]) -> int:
    """a^1 v1 + a^2 v2 + ... in GF(32)."""
    total = 0
    for k, v in enumerate(values, start=1):
        total ^= _mul(_POWERS[k], v)
    return total


def _check_value(data: list[int]) -> int:
    # v10 solves a^10 v10 = sum of the others (addition is its own inverse): v10 = a^-10 * sum = a^21 * sum
    return _mul(_POWERS[31 - LENGTH], _weighted(data))


def tracking_code(leaf_hash: bytes) -> str:
    """The tracking code of a leaf hash (32 bytes): ``XXXXX-XXXXX``, the last symbol the check."""
    bits = int.from_bytes(leaf_hash[:6], "big") >> (48 - 5 * DATA_SYMBOLS)
    data = [(bits >> (5 * (DATA_SYMBOLS - 1 - i))) & 31 for i in range(DATA_SYMBOLS)]
    text = "".join(ALPHABET[v] for v in data + [_check_value(data)])
    return f"{text[:5]}-{text[5:]}"


class CodeError(ValueError):
    """A typed text that is no tracking code. ``kind``: ``length``, ``symbol`` or ``check``."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind)
        self.kind, self.detail = kind, detail

    def say(self, language: str) -> str:
        """What is wrong and what to do, for the voter (``ko`` or ``en``)."""
        return _WORDS[self.kind][language].format(detail=self.detail, length=LENGTH)


_WORDS = {
    "length": {"ko": "확인 번호는 {length}글자입니다 (XXXXX-XXXXX). 종이에 적힌 번호를 모두 입력하세요.",
               "en": "A tracking code has {length} characters (XXXXX-XXXXX): type all of the code on your paper."},
    "symbol": {"ko": "확인 번호에 쓰이지 않는 글자가 있습니다: {detail}. 종이에 적힌 글자를 다시 보세요.",
               "en": "The code has a character no tracking code uses: {detail}. Look at that character on "
                     "your paper again."},
    "check": {"ko": "한 글자가 잘못 입력되었거나 두 글자의 순서가 바뀌었습니다 (마지막 글자가 확인용입니다). "
                    "종이에 적힌 번호와 한 글자씩 비교하세요.",
              "en": "One character is mistyped or two are swapped (the last character is a check). Compare "
                    "the code with your paper character by character."},
}


def parse_code(text: str) -> str:
    """The canonical ``XXXXX-XXXXX`` form of a typed code; raises :class:`CodeError` when it is none."""
    letters = _SEPARATORS.sub("", text).upper().translate(_TYPED)
    wrong = sorted({c for c in letters if c not in _VALUE})
    if wrong:
        raise CodeError("symbol", " ".join(wrong))
    if len(letters) != LENGTH:
        raise CodeError("length", str(len(letters)))
    if _weighted([_VALUE[c] for c in letters]) != 0:
        raise CodeError("check")
    return f"{letters[:5]}-{letters[5:]}"


def normalise_code(text: str) -> str | None:
    """:func:`parse_code`, or None when the text is no code."""
    try:
        return parse_code(text)
    except CodeError:
        return None


def code_prefix(code: str) -> bytes | None:
    """The first :data:`PREFIX_BYTES` bytes of every leaf hash this code can stand for, or None."""
    canonical = normalise_code(code)
    if canonical is None:
        return None
    bits = 0
    for c in canonical.replace("-", "")[:DATA_SYMBOLS]:
        bits = bits << 5 | _VALUE[c]
    return (bits >> (5 * DATA_SYMBOLS - 8 * PREFIX_BYTES)).to_bytes(PREFIX_BYTES, "big")
