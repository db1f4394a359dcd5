"""A tracking code typed as a voter types it: spaces, case, dashes, a zero for the letter O."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from kiosk.contract.batch import tracking_code
from kiosk.contract.receipts import code_prefix, normalise_code
from sync.central.receipt_page import render


@given(st.binary(min_size=32, max_size=32), st.lists(st.sampled_from(["", " ", "-", "  "]), min_size=16, max_size=16),
       st.lists(st.booleans(), min_size=16, max_size=16))
def test_a_code_typed_loosely_reads_back_as_printed(digest, gaps, lower):
    code = tracking_code(digest)
    letters = code.replace("-", "")
    typed = "".join(gaps[i] + (c.lower() if lower[i] else c).replace("O", "0").replace("o", "0")
                    for i, c in enumerate(letters))
    assert normalise_code(typed) == code
    assert code_prefix(typed) == digest[:10]


def test_a_one_is_refused_not_guessed_and_the_form_is_labelled():
    code = tracking_code(hashlib.sha256(b"x").digest())
    assert normalise_code(code[:-1] + "1") is None        # 1 could be I or L: not guessed
    page = render("", None)
    assert '<label for="code">' in page and 'id="code"' in page and 'lang="en"' in page
