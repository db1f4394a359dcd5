"""The central staff's dashboard at a node's ``/``, rendered by real headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from centralhelp import batches, make_kiosk, post, running_node, serial_of, signed_batch
from sync.central.dashboard import turnout_svg
from synchelp import kiosk_with_batches

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Text(HTMLParser):
    """A page's text as a reader sees it (inline marks such as ``<span lang="en">`` do not split it)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("br", "td", "th", "tr", "p", "h1", "h2", "div", "option"):
            self.parts.append("\n")


def page_text(dom: str) -> str:
    reader = Text()
    reader.feed(dom)
    return re.sub(r"[ \t]+", " ", "".join(reader.parts))


def chromium(url: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           f"--user-data-dir={profile}", "--window-size=1280,900", *args, url],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not found: apt-get install chromium (make test installs it)")
def test_the_dashboard_in_headless_chromium(central, tmp_path):
    closed = kiosk_with_batches(central, tmp_path / "a", sizes=(7, 5), station="S-0001")  # 2 batches, closed
    still_open = kiosk_with_batches(central, tmp_path / "b", sizes=(4, 3, 2), station="S-0002", first_token=12,
                                    close=False)
    twice = make_kiosk(central, tmp_path / "c", station="S-0003")
    style, payload = central.official[0]  # already cast at S-0001
    serial = serial_of(payload)
    with running_node(central, tmp_path / "n1") as (node, server):
        for body in batches(closed):
            assert post(server, body, central).verdict == "accepted"
        first, _, third = batches(still_open)
        assert post(server, first, central).verdict == "accepted"
        assert post(server, third, central).verdict == "held"  # batch 2 never came
        reused = post(server, signed_batch(twice, central.election, [(style, serial)]), central)
        assert reused.verdict == "accepted" and reused.double_use == 1
        refs = list(node.store.double_uses())
        assert len(refs) == 1

        url = server.url + "/"
        dom = chromium(url, tmp_path / "profile", "--dump-dom")
        assert dom.returncode == 0, dom.stderr[-2000:]
        page = page_text(dom.stdout)
        shot = chromium(url, tmp_path / "profile2", f"--screenshot={tmp_path / 'dash.png'}")
        assert shot.returncode == 0 and (tmp_path / "dash.png").stat().st_size > 10_000, shot.stderr[-2000:]

    for station in ("S-0001", "S-0002", "S-0003"):
        assert station in page
    assert "중앙 현황판 · Central dashboard" in page and "투표소 · Stations" in page
    assert "마감 투표소 · stations closed" in page and "1 / 3" in page  # only S-0001 sent its closing batch
    assert "접수 투표지 · ballots accepted" in page and ">17<" in dom.stdout  # 7 + 5 + 4 + 1 on the board
    assert "게시판 크기 · board size (leaves)" in page
    assert "3 (2 기다림 · waiting for 2)" in page
    assert "this node witnessing the others: n2 아직 없음 · not yet, n3 아직 없음 · not yet" in page
    assert "공동서명 없음 · nothing cosigned yet" in page and "quorum reached" not in page  # nobody cosigned yet
    # problems first: the double use (cast at S-0001, again at S-0003), then the held batch (S-0002)
    assert page.index("\nS-0001") < page.index("\nS-0003") < page.index("\nS-0002")
    assert "2 stations not closed yet block the tally: S-0002, S-0003" in page
    assert "마지막 연락" in page and "Last contact" in page and '<span lang="en">Last contact</span>' in dom.stdout
    assert refs[0].hex()[:12] in page and refs[0].hex() not in page  # the reference's short form only
    assert serial.hex() not in page and payload not in page
    assert "<svg" in dom.stdout and "<script" not in dom.stdout
    for contest in central.election.contests:  # no selection counts, not even an option's name
        for option in contest.options:
            assert option.title.en not in page and option.title.ko not in page, option.title


def test_the_turnout_chart_is_plain_svg():
    empty = turnout_svg({})
    assert "<svg" in empty and "no ballots accepted yet" in empty
    chart = turnout_svg({7 * 3600: 10, 9 * 3600: 4})
    assert chart.count("<rect") == 3  # the hour with nothing still has its (empty) bar
    assert ">10<" in chart and ">4<" in chart
