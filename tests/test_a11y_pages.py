"""Every page a person sees on a central node, audited in real headless Chromium (issue 17).

A real node on loopback holds a format-2 election with synced ballots, a checked (spoiled) ballot, the
published tally and the published selection (the small judged election of ``judginghelp``). One
browser loads each page the node serves to a person, at desktop width and at a 360-pixel phone
width, and runs axe-core (the copy bundled in the ``axe-playwright-python`` package) on it: any
serious or critical violation fails, named by rule id, page and element. Then what axe cannot
judge: English text marked ``lang="en"``, every input with a visible label, the refresh can be
paused (and resumed), keyboard focus is visible, and a phone never has to scroll sideways.
Screenshots of every page land in ``$KIOSK_A11Y_SHOTS`` (or the test's temporary folder).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest

from centralhelp import batches, make_central_election, make_kiosk, post, running_node, seal_batch, serial_of, \
    signed_batch, vote
from kiosk.app.cliutil import call
from kiosk.contract.sealed_batch import parse_batch
from kiosk.contract.election import parse_election
from kiosk.contract.tracking import tracking_code
from sync.central.cli import main as central_main
from sync.central.record_api import render_spoiled
from sync.central.spoiled_check import OpenedSpoiled
from tests.judginghelp import EXPERTS_CSV, LOT_SEED, body_of, count_on_the_node, judged_spec, vote_day

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not found: apt-get install chromium "
                                                          "(make test installs it)")

# As the machine's own probe starts it: no connection attempts to the outside (there is no outside).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
WIDTHS = {"desktop": dict(viewport={"width": 1280, "height": 900}),
          "phone": dict(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)}
FAILING = ("serious", "critical")
# The one rule not run on one page: axe's meta-refresh fails any reload under 20 hours, but there the reader
# turned the reload on with the page's first link, which also turns it off (WCAG 2.2.1's "turn off"), as
# test_the_refresh_is_off_until_turned_on_and_can_be_paused checks.
NOT_RUN = {"dashboard-refreshing": {"rules": {"meta-refresh": {"enabled": False}}}}
KOREAN = {"judged": "주민 심사", "likes": "좋아요", "grades": "평가", "members": "주민", "representatives": "대표",
          "experts": "전문가", "offline": "오프라인 심사", "online": "온라인 투표", "community": "공동체",
          "space": "공간"}


def korean_titles(spec):
    """The judged spec with Korean names in its ``ko`` titles, as a real election has (its own are English)."""
    if isinstance(spec, dict):
        if set(spec) == {"ko", "en"}:
            return {"ko": KOREAN.get(spec["ko"], spec["ko"]), "en": spec["en"]}
        return {k: korean_titles(v) for k, v in spec.items()}
    return [korean_titles(v) for v in spec] if isinstance(spec, list) else spec


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The node on loopback after the whole count, and a fresh one in test mode: ``(base URL, {page: URL})``."""
    tmp = tmp_path_factory.mktemp("a11y")
    central = make_central_election(tmp / "e", per_style=3, ceremony=(3, 2), spec=korean_titles(judged_spec()))
    day = vote_day(central, tmp, check_first=True)
    count_on_the_node(central, day.data, tmp)
    (tmp / "experts.csv").write_text(EXPERTS_CSV)
    assert call(central_main, "scores", "add", "--election", central.directory, "--electorate", "experts",
                tmp / "experts.csv")[0] == 0
    code, text = call(central_main, "select", "--election", central.directory, "--data", day.data, "--lot-seed",
                      LOT_SEED)
    assert code == 0, text
    receipt = tracking_code(parse_batch(day.bodies[0]).ballots[1].leaf_hash())
    pages = {"dashboard": "/", "dashboard-refreshing": "/?refresh=1", "dashboard-problems": "/?show=problems&sort=station",
             "results": "/results",
             "receipt": "/receipt", "receipt-found": f"/receipt?code={receipt}",
             "receipt-unknown": "/receipt?code=ABCDE-FGHJK", "receipt-typo": f"/receipt?code={receipt[:-1]}",
             "check-spoiled": "/check-spoiled", "check-spoiled-opened": f"/check-spoiled?code={day.spoiled_qrs[0]}",
             "check-spoiled-bad": "/check-spoiled?code=KC1:nonsense"}
    pages |= {"dashboard-night": "/?per=10", "dashboard-night-2": "/?per=10&page=2&sort=station"}
    with running_node(central, day.data) as (_, server), \
            running_node(central, tmp / "n1-test", mode="test") as (_, fresh):
        election_night_problems(central, tmp, server)
        urls = {name: server.url + path for name, path in pages.items()}
        # a node in test mode before anything arrived: the test badge, nothing published yet
        urls |= {"test-dashboard": fresh.url + "/", "test-results": fresh.url + "/results"}
        yield server.url, urls


def election_night_problems(central, tmp: Path, server) -> None:
    """After the count, what the dashboard exists to show: a held batch (S-0003 sent 1 and 3 of 3), a
    doubly used token (S-0004), a rejected batch (S-0005, a token off the roll), six stations never
    heard from (S-0006..S-0011: 11 stations, two pages of 10). vote_day spent each style's first tokens."""
    tokens: dict[str, list[str]] = {}
    for style, payload in central.official:
        tokens.setdefault(style, []).append(payload)
    held = make_kiosk(central, tmp / "S-0003", station="S-0003")
    for payload in tokens["mD"]:
        vote(held, [("mD", payload)], central.election)
        seal_batch(held)
    sent = batches(held)
    assert [post(server, body, central).verdict for body in (sent[0], sent[2])] == ["accepted", "held"]
    twice = make_kiosk(central, tmp / "S-0004", station="S-0004")
    reused = post(server, signed_batch(twice, central.election, [("mA", serial_of(tokens["mA"][0]))]), central)
    assert reused.verdict == "accepted" and reused.double_use == 1
    off = make_kiosk(central, tmp / "S-0005", station="S-0005")
    serial = serial_of(tokens["mC"][2])
    refused = post(server, signed_batch(off, central.election, [("mC", bytes([serial[0] ^ 1]) + serial[1:])]), central)
    assert refused.verdict == "rejected", refused
    for n in range(6, 12):
        make_kiosk(central, tmp / f"S-{n:04d}", station=f"S-{n:04d}")


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium (the system's, Debian's package) for every page of this module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        found = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield found
        found.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    where = Path(os.environ.get("KIOSK_A11Y_SHOTS") or tmp_path_factory.mktemp("shots"))
    where.mkdir(parents=True, exist_ok=True)
    return where


def visit(browser, url: str, width: str):
    """A fresh page (its own context: no state carried between pages) at ``url``, loaded."""
    context = browser.new_context(**WIDTHS[width], locale="ko-KR")
    page = context.new_page()
    load(page, url)
    return context, page


def load(page, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, (url, response and response.status)


# Text nodes with an English word whose nearest lang is not "en": codes (<code>, ids, hex) are no words.
UNMARKED_ENGLISH = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    const owner = el.closest('[lang]');
    // <option> holds text only (HTML allows no <span lang> in it): its English cannot be marked apart
    if (el.closest('code, kbd, samp, style, script, option') || (owner && owner.getAttribute('lang') === 'en')) continue;  // (SVG elements have no .lang)
    const words = (n.textContent.match(/[A-Za-z]{3,}/g) || []).filter(w => /[aeiouy]/i.test(w));
    if (words.length) out.push(words.join(' ') + '  <' + el.tagName.toLowerCase() + '> ' + n.textContent.trim().slice(0, 80));
  }
  return out;
}"""


LABELS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && el.type !== 'submit')
  .filter(el => !el.labels || !el.labels.length || !el.labels[0].innerText.trim())
  .map(el => el.outerHTML.slice(0, 120))"""


# After a real Tab (so that :focus-visible applies): the focused element's ring (outline or box shadow) and
# the same element's look unfocused; equal and without an outline, focus is invisible there.
RING = """() => { const el = document.activeElement;
  const ring = () => { const s = getComputedStyle(el);
                       return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(' '); };
  const focused = ring(); el.blur(); const plain = ring(); el.focus();
  return focused.startsWith('none') && focused === plain ? el.outerHTML.slice(0, 100) : null; }"""
TAB_STOPS = 20   # per page: the first ones reach every kind of control the page has
# Each scroll box: does it overflow, and does the element inside it take focus (a Tab stop)?
BOXES = """() => [...document.querySelectorAll('.scroll')].map(box => {
  const stop = box.querySelector('.stop') || box; stop.focus(); const took = document.activeElement === stop; stop.blur();
  return [box.scrollWidth > box.clientWidth, took]; })"""
# The page's Tab stops (a scroll box's only while the box overflows)
STOPS = """() => [...document.querySelectorAll("a[href], input:not([type=hidden]), select, button, [tabindex='0']")]
  .filter(el => !el.matches('.stop') || el.parentElement.scrollWidth > el.parentElement.clientWidth).length"""
# After a real Tab: the focused element is a scroll box's stop where nothing scrolls
NEEDLESS_STOP = """() => { const el = document.activeElement, box = el.closest('.scroll');
  return el.matches('.stop, .scroll') && box.scrollWidth <= box.clientWidth ? box.innerHTML.slice(0, 80) : null; }"""


def focus_rings(page) -> tuple[int, list[str]]:
    """Tab through the page: how many stops, and the elements whose focus changes nothing one can see."""
    stops = min(TAB_STOPS, page.evaluate(STOPS))
    missing = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        missing += [tag for tag in [page.evaluate(RING)] if tag]
        missing += [f"a Tab stop where nothing scrolls: {box}" for box in [page.evaluate(NEEDLESS_STOP)] if box]
    return stops, missing


@pytest.fixture(scope="module")
def audit(site, browser, shots):
    """Every page once at each width: a screenshot, axe, and the checks axe cannot make (one browser)."""
    from axe_playwright_python.sync_playwright import Axe

    axe, (_, pages) = Axe(), site
    found = {"axe": [], "english": [], "labels": [], "focus": [], "sideways": [], "boxes": []}
    seen, inputs, stops, boxes = {}, 0, 0, {}
    for width in WIDTHS:   # one tab per width, every page loaded into it afresh
        context = browser.new_context(**WIDTHS[width], locale="ko-KR")
        page = context.new_page()
        try:
            for name, path in pages.items():
                load(page, path)
                page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
                result = axe.run(page, options={"resultTypes": ["violations"], **NOT_RUN.get(name, {})}).response
                for v in result["violations"]:
                    seen.setdefault(f"{v['id']} ({v['impact']})", set()).add(name)
                    if v["impact"] in FAILING:
                        found["axe"] += [f"{v['id']} ({v['impact']}) on {name} [{width}] {path}: {n['target']} "
                                         f"{n['html'][:160]}" for n in v["nodes"]]
                for i, (overflows, stop) in enumerate(page.evaluate(BOXES)):
                    boxes[(width, overflows)] = boxes.get((width, overflows), 0) + 1
                    if overflows != stop:
                        found["boxes"].append(f"{name} [{width}]: scroll box {i} " + (
                            "overflows but takes no focus" if overflows else "takes focus, but nothing scrolls"))
                if width == "phone":
                    inner, scroll = page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
                    if inner != 360 or scroll > inner:
                        found["sideways"].append(f"{name}: laid out {inner} px wide, {scroll} px of content")
                    continue
                assert page.evaluate("document.documentElement.lang") == "ko", name
                found["english"] += [f"{name}: {line}" for line in page.evaluate(UNMARKED_ENGLISH)]
                inputs += page.locator("input:not([type=hidden]), select, textarea").count()
                found["labels"] += [f"{name}: {html}" for html in page.evaluate(LABELS)]
                n, missing = focus_rings(page)
                stops += n
                found["focus"] += [f"{name}: {tag}" for tag in missing]
        finally:
            context.close()
    print("\naxe violations (rule (impact): pages):", {k: sorted(v) for k, v in sorted(seen.items())})
    print("scroll boxes (width, overflowing): count", boxes)
    found["box_counts"] = boxes
    return found, inputs, stops


def test_axe_finds_no_serious_or_critical_violation(audit):
    assert not audit[0]["axe"], "\n".join(audit[0]["axe"])


def test_english_is_marked_lang_en(audit):
    assert not audit[0]["english"], "English text not marked lang=\"en\":\n" + "\n".join(audit[0]["english"])


def test_every_input_has_a_visible_label(audit):
    found, inputs, _ = audit
    assert inputs >= 6 and not found["labels"], found["labels"]  # the receipt and spoiled boxes, the finder


def test_keyboard_focus_is_visible(audit):
    found, _, stops = audit
    assert stops > 20 and not found["focus"], found["focus"]


def test_no_page_scrolls_sideways_on_a_phone(audit):
    """Laid out at the phone's own width (a viewport), wide tables scrolling in their own box."""
    assert not audit[0]["sideways"], audit[0]["sideways"]


def test_a_scroll_box_is_a_tab_stop_only_while_it_overflows(audit):
    """On a phone a wide table's box scrolls and a keyboard reaches it; on a desktop, where the same box
    has room, Tab passes it by (both happen on these pages, so the check can fail either way)."""
    found = audit[0]
    assert found["box_counts"].get(("phone", True)) and found["box_counts"].get(("desktop", False)), found["box_counts"]
    assert not found["boxes"], "\n".join(found["boxes"])


def first_link_by_tab(page) -> str:
    """Where Tab first lands on a fresh page: the first thing a keyboard user reaches."""
    page.keyboard.press("Tab")
    return page.evaluate("document.activeElement.getAttribute('href') || document.activeElement.tagName")


def test_the_refresh_is_off_until_turned_on_and_can_be_paused(site, browser):
    base, _ = site
    context, page = visit(browser, base + "/", "desktop")
    refresh = page.locator('meta[http-equiv="refresh"]')
    try:
        assert refresh.count() == 0 and "auto-refresh off" in page.inner_text("body")
        assert "refresh=1" in first_link_by_tab(page)   # turned on by the keyboard: the first Tab, then Enter
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "refresh=1" in page.url and refresh.count() == 1
        assert refresh.get_attribute("content") == "30" and "refreshes every 30 s" in page.inner_text("body")
        assert "refresh=0" in first_link_by_tab(page)   # and off again the same way
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert refresh.count() == 0 and "auto-refresh off" in page.inner_text("body")
        page.get_by_role("link", name="refresh every 30 s").click()
        assert refresh.count() == 1
        page.get_by_role("link", name="pause refresh").click()
        assert refresh.count() == 0
    finally:
        context.close()


def test_refusals_say_what_to_do_in_korean_and_english(site, browser):
    _, pages = site
    context, page = visit(browser, pages["check-spoiled-bad"], "desktop")
    try:
        refusal = page.locator("p.no")
        assert "'확인용 QR' 코드를 읽히세요" in refusal.inner_text()   # what to do, in Korean too, in the paper's words
        assert "Scan the 'Check QR' of the paper record" in refusal.locator("span[lang=en]").inner_text()
    finally:
        context.close()


def test_a_style_without_ballots_says_0_and_a_name_is_said_once(site):
    """The fresh test-mode node (k = 1, no ballot yet): each style's turnout is 0, not "under 1" (a floor of 1
    withholds nothing, and none at all is no secret), and a name whose Korean and English are the same
    ("mA") is shown once, not "mA · mA"."""
    _, pages = site
    fresh = httpx.get(pages["test-dashboard"]).text
    assert "under 1" not in fresh and "1표 미만" not in fresh
    assert '<tr><td>mA</td><td class="num">0</td><td class="num">2</td><td class="num">0.0%</td></tr>' in fresh
    assert "mA · " not in fresh and "judged · " not in fresh


def test_a_checked_ballot_line_the_same_in_both_languages_is_shown_once():
    """The untitled judged election (every Korean title its English): each line of the opened ballot once."""
    election = parse_election(body_of(judged_spec()))
    opened = OpenedSpoiled("ab" * 16, "mA", {"likes": ["PB"]})
    page = render_spoiled("KC1:x", opened, None, election)
    assert page.count("likes: PB") == 1 and "<li>likes: PB</li>" in page


def test_a_test_mode_node_lists_the_roster_as_stations_to_test(site):
    """The fresh test-mode node: the roster's stations (the kiosks that run the logic-and-accuracy test before
    the day, keys kept into official mode), each "not tested yet", never "never heard from"."""
    _, pages = site
    fresh = httpx.get(pages["test-dashboard"]).text
    assert "never heard from" not in fresh and "연락 없음" not in fresh
    assert fresh.count('<span class="bad">아직 시험 안 함 · <span lang="en">not tested yet</span></span>') == 11
    assert "Every station on the roster is to send its test ballots" in fresh
    official = httpx.get(pages["dashboard-problems"]).text    # the official node keeps its words
    assert "never heard from" in official and "not tested yet" not in official
