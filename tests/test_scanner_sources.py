"""Camera URLs and frame sources: parsing (a property test), folders, video files, no camera."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner import SourceSpec, SourceUnavailable, SourceURLError, open_source, parse_source_url


@pytest.mark.parametrize("url, spec", [
    ("0", SourceSpec("camera", 0)),
    ("2?width=1280&height=720&fps=15&mjpeg=0", SourceSpec("camera", 2, 1280, 720, 15, False)),
    ("/dev/video0", SourceSpec("camera", Path("/dev/video0"))),
    ("file:clip.mp4", SourceSpec("file", Path("clip.mp4"), fps=0)),
    ("dir:tests/data/frames?fps=30&loop=1", SourceSpec("dir", Path("tests/data/frames"), fps=30, loop=True)),
])
def test_urls(url, spec):
    assert parse_source_url(url) == spec


@pytest.mark.parametrize("url", ["", "   ", "cam", "http://x/stream", "dir:", "file:", "0?width=99999",
                                 "0?width=abc", "0?loop=1", "dir:x?mjpeg=1", "0?fps", "-1", "/dev/video0?fps=-3",
                                 "¹", "0?width=６４０"])
def test_bad_urls_say_what_is_wrong(url):
    with pytest.raises(SourceURLError) as e:
        parse_source_url(url)
    assert e.value.hint


@given(st.text(max_size=60))
def test_any_text_parses_or_is_refused(url):
    try:
        spec = parse_source_url(url)
    except SourceURLError:
        return
    assert spec.kind in ("camera", "file", "dir")


def test_folder_frames_in_name_order_on_a_fixed_timeline(tmp_path):
    for name, value in (("b.png", 2), ("a.jpg", 1), ("c.txt", 0)):
        if name.endswith("txt"):
            (tmp_path / name).write_text("not a frame")
        else:
            cv2.imwrite(str(tmp_path / name), np.full((8, 8, 3), value * 50, np.uint8))
    source = open_source(f"dir:{tmp_path}")
    source.open()
    frames = [source.read(), source.read(), source.read()]
    assert frames[2] is None
    assert [int(f.image[0, 0, 0]) for f in frames[:2]] == [50, 100]
    assert [f.captured_s for f in frames[:2]] == [0.0, 1 / 30] and not source.live


def test_video_file_plays_and_loops(tmp_path):
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (64, 48))
    for i in range(5):
        writer.write(np.full((48, 64, 3), i * 40, np.uint8))
    writer.release()
    source = open_source(f"file:{path}?loop=1")
    source.open()
    frames = [source.read() for _ in range(7)]
    source.close()
    assert all(f is not None and f.image.shape == (48, 64, 3) for f in frames)
    assert [f.index for f in frames] == list(range(7))
    once = open_source(f"file:{path}")
    once.open()
    assert sum(1 for _ in iter(once.read, None)) == 5


@pytest.mark.parametrize("url", ["dir:/no/such/folder", "file:/no/such.mp4", "/dev/video-none"])
def test_nothing_to_open(url):
    with pytest.raises(SourceUnavailable):
        open_source(url).open()
