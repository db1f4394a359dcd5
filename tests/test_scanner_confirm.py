"""From per-frame reads to events, on a fake clock: confirmation, hold, hint, repeat filter."""

from __future__ import annotations

from kiosk.scanning import HintShown, PayloadScanned, RepeatFilter, ScanHint
from scanner.confirm import FrameConfirmer

A, B = "KT1T" + "A" * 34, "KT1T" + "B" * 34
FRAME_S = 1 / 30


def run(confirmer, reads):
    """Feed one read per frame at 30 fps; the events with their frame numbers."""
    out = []
    for i, texts in enumerate(reads):
        out += [(i, e) for e in confirmer.process(texts, i * FRAME_S)]
    return out


def test_two_identical_reads_are_needed():
    events = run(FrameConfirmer("cam"), [[A], [], [A], [A]])
    assert [(i, type(e), e.payload) for i, e in events] == [(2, PayloadScanned, A)]


def test_reads_too_far_apart_do_not_confirm():
    confirmer = FrameConfirmer("cam", confirm_window_s=0.5)
    assert confirmer.process([A], 0.0) == []
    assert confirmer.process([A], 0.8) == []
    assert len(confirmer.process([A], 1.0)) == 1


def test_a_different_read_restarts_confirmation():
    events = run(FrameConfirmer("cam"), [[A], [B], [A], [B], [B]])
    assert [(i, e.payload) for i, e in events] == [(4, B)]


def test_validator_accepts_on_one_read():
    events = run(FrameConfirmer("cam", validator=lambda p: p == A), [[A], [B], [B]])
    assert [(i, e.payload) for i, e in events] == [(0, A), (2, B)]


def test_a_failing_validator_falls_back_to_two_frames():
    def broken(_):
        raise RuntimeError("bug")

    events = run(FrameConfirmer("cam", validator=broken), [[A], [A]])
    assert [(i, e.payload) for i, e in events] == [(1, A)]


def test_same_payload_held_back_while_in_view_and_for_the_hold_after():
    confirmer = FrameConfirmer("cam", repeat_hold_s=3.0)
    seen_for_5_s = [[A]] * 150
    events = run(confirmer, seen_for_5_s)
    assert len(events) == 1
    assert confirmer.process([A], 5 + 2.0) == [] and confirmer.process([A], 5 + 2.05) == []
    assert confirmer.process([A], 20.0) == []  # away 13 s: the first read is pending again
    assert [e.payload for e in confirmer.process([A], 20.03)] == [A]


def test_two_codes_in_a_frame_are_ignored_with_a_hint_now_and_then():
    confirmer = FrameConfirmer("cam", hint_hold_s=2.0)
    events = run(confirmer, [[A, B]] * 90 + [[A], [A]])
    hints = [(i, e) for i, e in events if isinstance(e, HintShown)]
    assert [i for i, _ in hints] == [0, 60]
    assert hints[0][1].hint is ScanHint.ONE_AT_A_TIME
    assert [(i, e.payload) for i, e in events if isinstance(e, PayloadScanned)] == [(91, A)]


def test_repeat_filter():
    f = RepeatFilter(hold_s=3)
    assert f.admit(A, 0) and not f.admit(A, 2) and not f.admit(A, 4.9) and f.admit(A, 8)
    assert f.admit(B, 8.1)


def test_payload_never_in_repr():
    event = PayloadScanned(A, "cam", 1.0)
    assert A not in repr(event) and A not in str(event)


def test_offer_never_blocks_and_drain_takes_what_is_there():
    import queue

    from kiosk.scanning import drain, offer

    events = queue.Queue(maxsize=2)
    sent = [offer(events, PayloadScanned(A, "cam", float(i))) for i in range(3)]
    assert sent == [True, True, False]
    assert [e.at_s for e in drain(events)] == [0.0, 1.0] and drain(events) == []
