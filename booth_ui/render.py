"""Drawing the booth's screens with pygame: a state in, pixels and touch targets out.

``Renderer.draw(surface, state, now)`` paints the whole screen for a :class:`BoothState`
and returns a :class:`Frame`: the touch targets (rectangle, flow event, label) in reading
order, for touches and keypad focus, and the words that describe the screen, for the audio
prompts. Selection is never shown by colour alone: a chosen option has a ticked box (or a
filled radio dot) and the word "selected"; an excluded one is greyed *and* says why.
"""

from __future__ import annotations

import pygame

from booth_ui import flow
from booth_ui.i18n import reason_text, t
from booth_ui.paint import DrawnText, Frame, Painter, Target  # noqa: F401 - re-exported for the booth and tests
from booth_ui.render_ballot import BallotScreens
from booth_ui.render_worker import WorkerScreens
from booth_ui.theme import LARGE_SIZES, theme
from kiosk.contract.election import Election


class Renderer(BallotScreens, WorkerScreens, Painter):
    """Paints screens of one election on a panel of any size, in millimetres (see :mod:`booth_ui.theme`)."""

    def __init__(self, election: Election, mode: str, size: tuple[int, int], panel_width_mm: float | None = None) -> None:
        self.election, self.mode = election, mode
        super().__init__(size, panel_width_mm)

    def per_page(self) -> tuple[int, ...]:
        """How many options a ballot page shows at each text size on this panel (0: the size is not offered)."""
        out = []
        for size, most in enumerate(flow.OPTIONS_PER_PAGE):
            state = flow.BoothState(screen=flow.Screen.BALLOT, prefs=flow.Prefs("ko", size))
            label, status = self.body(state, -2, bold=True), self.body(state, -8)
            row = 2 * label.get_linesize() + status.get_linesize() + 3 * self.gap
            big, sub = self.body(state, 2, bold=True), self.body(state, -4)
            banner = self.font(18, bold=True).get_linesize() + 6 if self.mode == "test" else 0
            used = banner + 2 * (self.target + self.gap) + big.get_linesize() + sub.get_linesize() + 3 * self.gap
            cols = 1 if size in LARGE_SIZES else 2
            rows = (self.height - used) // max(row, self.target + self.gap)
            out.append(min(most, rows * cols))   # 0: this panel cannot show this size; it is not offered
        return tuple(out)

    # -- the screen -------------------------------------------------------------------

    def draw(self, surface: pygame.Surface, state: flow.BoothState, now: float, focus: int | None = None) -> Frame:
        th = theme(state.prefs.high_contrast)
        lang = state.prefs.language
        surface.fill(th.background)
        frame = Frame()
        self._texts = frame.texts
        top = self._banner(surface, th, lang)
        top = self._toolbar(frame, surface, th, state, top)
        area = pygame.Rect(self.gap * 2, top + self.gap, self.width - 4 * self.gap, self.height - top - 2 * self.gap)
        getattr(self, f"_screen_{state.screen.value}")(frame, surface, th, state, area)
        if state.warning_since is not None and state.screen in flow.VOTING:
            self._warning(frame, surface, th, state, now)
        # the keypad's order: the options first, then the screen's buttons, the toolbar last
        toolbar = (flow.SetLanguage, flow.TextSize, flow.ToggleContrast)
        frame.targets.sort(key=lambda t: 0 if isinstance(t.event, flow.Choose) else 2 if isinstance(t.event, toolbar) else 1)
        if focus is not None and frame.targets:
            rect = frame.targets[focus % len(frame.targets)].rect
            # the ring sits on the background between this target and the next, never on the target
            pygame.draw.rect(surface, th.focus, rect.inflate(self.gap, self.gap), max(3, self.gap // 2 - 2),
                             border_radius=int(12 * self.scale))
        return frame

    def _banner(self, surface, th, lang) -> int:
        if self.mode != "test":
            return 0
        label = f"{t('ko', 'test_mode')}  ·  {t('en', 'test_mode')}"
        if self.font(18, bold=True).size(label)[0] > self.width - 2 * self.gap:
            label = t(lang, "test_mode")   # a narrow panel: the voter's own language only
        font = self._fit(label, self.font(18, bold=True), self.width - 2 * self.gap, self.font(18, bold=True).get_linesize(),
                         bold=True)
        height = len(self.wrap(label, font, self.width - 2 * self.gap)) * font.get_linesize() + 6
        pygame.draw.rect(surface, th.banner, (0, 0, self.width, height))
        self.text(surface, label, font, th.banner_text, pygame.Rect(self.gap, 3, self.width - 2 * self.gap, height))
        return height

    def _toolbar(self, frame, surface, th, state, top) -> int:
        """Language, text size and contrast at the top right; the heading beside it, or below it in large print."""
        lang = state.prefs.language
        size = state.prefs.text_size
        small = self.font(20 + 5 * size, bold=True)
        other = "en" if lang == "ko" else "ko"
        items = [(t(other, "language_name"), flow.SetLanguage(other)),
                 (t(lang, "size_smaller"), flow.TextSize(-1)), (t(lang, "size_larger"), flow.TextSize(1)),
                 (t(lang, "contrast"), flow.ToggleContrast())]
        w = max(self.target + int(12 * self.scale), *(small.size(label)[0] + 2 * self.gap for label, _ in items))
        x = self.width - 4 * (w + self.gap)
        for label, event in items:
            self.button(frame, surface, th, pygame.Rect(x, top + self.gap, w, self.target), label, event, small)
            x += w + self.gap
        left = pygame.Rect(self.gap * 2, top + self.gap, self.width - 4 * (w + self.gap) - 3 * self.gap, self.target)
        bottom = top + self.target + self.gap
        heading, subline = self._heading(state)
        notice = state.notice and state.screen in flow.VOTING
        if (heading or notice) and (size in LARGE_SIZES or left.width < self.width * 0.45):
            # reflow: the heading gets a row of its own under the toolbar
            big, sub = self.body(state, 2, bold=True), self.body(state, -4)
            rows = 2 * big.get_linesize() if notice else big.get_linesize() + sub.get_linesize()
            left = pygame.Rect(self.gap * 2, bottom, self.width - 4 * self.gap, max(self.target, rows + self.gap))
            bottom = left.bottom
        if notice:
            frame.spoken.append(self._notice(surface, th, state, left))   # said first, before the heading
        elif heading:
            font = self._fit(heading, self.body(state, 2, bold=True), left.width, left.height * 3 // 5, bold=True,
                             floor=self.floor(state, 2))
            self.text(surface, heading, font, th.text, left, center=False)
            small = self._fit(subline, self.body(state, -4), left.width, left.height * 2 // 5)
            self.text(surface, subline, small, th.text, left.move(0, left.height * 3 // 5), center=False)
        else:
            title = self.election.title.in_language(lang)
            font = self._fit(title, self.font(17), left.width, left.height)
            if len(self.wrap(title, font, left.width)) * font.get_linesize() <= left.height:
                self.text(surface, title, font, th.muted, left, center=False)
        return bottom

    def _heading(self, state) -> tuple[str, str]:
        """The ballot's contest title and its rule line, shown beside the toolbar."""
        if state.screen != flow.Screen.BALLOT or state.vote is None:
            return "", ""
        lang = state.prefs.language
        contest_id, _ = flow.pages(self.election, state.vote.style, state.prefs.text_size, state.per_page)[state.vote.page]
        contest = self.election.contest(contest_id)
        chosen = len(state.vote.chosen(contest_id))
        rule = (t(lang, "ballot_single") if contest.rule == "single"
                else t(lang, "ballot_score", low=max(contest.min, 1), high=contest.max) if contest.is_score
                else t(lang, "ballot_counter", chosen=chosen, max=contest.max))
        return contest.title.in_language(lang), rule

    def _notice(self, surface, th, state, box: pygame.Rect) -> str:
        """A hint for the voter (the 7th like, an excluded option) in place of the heading."""
        lang = state.prefs.language
        contest = None
        if state.vote is not None:
            contest_id, _ = flow.pages(self.election, state.vote.style, state.prefs.text_size, state.per_page)[state.vote.page]
            contest = self.election.contest(contest_id)
        text = "! " + reason_text(lang, state.notice).format(max=contest.max if contest else "")
        inner = box.inflate(-2 * self.gap, -2 * self.gap)
        font = self._fit(text, self.body(state, -2, bold=True), inner.width, inner.height, bold=True,
                         floor=self.floor(state, -2))
        pygame.draw.rect(surface, th.banner, box, border_radius=int(8 * self.scale))
        pygame.draw.rect(surface, th.border, box, th.border_px, border_radius=int(8 * self.scale))
        height = len(self.wrap(text, font, inner.width)) * font.get_linesize()
        self.text(surface, text, font, th.banner_text, inner.move(0, (inner.height - height) // 2), center=False)
        return text

    # -- one method per screen ----------------------------------------------------------

    def _screen_attract(self, frame, surface, th, state, area):
        lang = state.prefs.language
        lines = [t(lang, "attract_help")]
        if state.notice:
            lines.append(reason_text(lang, state.notice))
        self._message(frame, surface, th, state, area, t(lang, "attract_title"), lines)

    def _screen_checking(self, frame, surface, th, state, area):
        self._message(frame, surface, th, state, area, t(state.prefs.language, "checking"), [])

    def _screen_refused(self, frame, surface, th, state, area):
        lang = state.prefs.language
        card = "_card" if state.refused_card else ""   # a poll worker's card is refused as a card
        self._message(frame, surface, th, state, area, t(lang, f"refused{card}_title"),
                      [reason_text(lang, state.message or "unknown"), t(lang, f"refused{card}_what_to_do")],
                      [(t(lang, "ok"), flow.Dismiss())])

    def _screen_review(self, frame, surface, th, state, area):
        lang = state.prefs.language
        confirm = t(lang, "review_print") if self.election.paper_record else t(lang, "review_cast")
        # a Benaloh check instead of the cast
        buttons = [(t(lang, "review_back"), flow.BackToBallot()), (t(lang, "review_check"), flow.CheckBallot())]
        area = self._nav(frame, surface, th, state, area, buttons + [(confirm, flow.Confirm())])
        y = area.top
        title = t(lang, "review_title")
        entries = []
        for contest_id, chosen in state.vote.selections:
            contest = self.election.contest(contest_id)
            if contest.is_score:
                names = ", ".join(f"{contest.option(o).title.in_language(lang)} {t(lang, 'grade_given', grade=g)}"
                                  for o, g in chosen) or t(lang, "review_none")
            else:
                names = ", ".join(contest.option(o).title.in_language(lang) for o in chosen) or t(lang, "review_none")
            entries.append(f"{contest.title.in_language(lang)}: {names}")
        fonts = self._shrink([(title, self.body(state, 2, bold=True), True),
                              *((entry, self.body(state, -2), False) for entry in entries)], area.width, area.height,
                             self.gap)
        y += self.text(surface, title, fonts[0], th.text, pygame.Rect(area.left, y, area.width, 99), center=False)
        for entry, font in zip(entries, fonts[1:]):
            y += self.gap + self.text(surface, entry, font, th.text,
                                      pygame.Rect(area.left, y + self.gap, area.width, 99), center=False)
        lines = [title]
        if state.notice:
            lines.append(reason_text(lang, state.notice))
        frame.spoken[:0] = lines + entries

    def _screen_printing(self, frame, surface, th, state, area):
        self._message(frame, surface, th, state, area, t(state.prefs.language, "printing"), [])

    def _screen_paper_check(self, frame, surface, th, state, area):
        lang = state.prefs.language
        self._message(frame, surface, th, state, area, t(lang, "paper_title"), [t(lang, "paper_help")],
                      [(t(lang, "paper_spoil"), flow.Spoil()), (t(lang, "paper_cast"), flow.CastOnPaper())])

    def _screen_casting(self, frame, surface, th, state, area):
        self._message(frame, surface, th, state, area, t(state.prefs.language, "casting"), [])

    def _screen_cast_done(self, frame, surface, th, state, area):
        lang = state.prefs.language
        lines = [t(lang, "done_tracking", code=state.tracking_code or "")]
        if self.election.paper_record:
            lines.append(t(lang, "done_help"))
        if self.election.receipt:
            lines.append(t(lang, "done_receipt"))
        self._message(frame, surface, th, state, area, t(lang, "done_title"), lines, [(t(lang, "ok"), flow.Dismiss())])

    def _screen_polls_closed(self, frame, surface, th, state, area):
        lang = state.prefs.language
        if state.polls_final:
            self._message(frame, surface, th, state, area, t(lang, "polls_final_title"), [t(lang, "polls_final_help")])
        else:
            self._message(frame, surface, th, state, area, t(lang, "polls_closed_title"), [t(lang, "polls_closed_help")])

    def _screen_out_of_service(self, frame, surface, th, state, area):
        lang = state.prefs.language
        self._message(frame, surface, th, state, area, t(lang, "out_of_service_title"),
                      [reason_text(lang, state.message or "unknown"), t(lang, "out_of_service_help")])

    def _warning(self, frame, surface, th, state, now):
        lang = state.prefs.language
        shade = pygame.Surface((self.width, self.height), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 170))
        surface.blit(shade, (0, 0))
        frame.targets.clear()  # only the answer to the warning can be touched
        frame.spoken.clear()
        box = pygame.Rect(self.width // 8, self.height // 6, self.width * 3 // 4, self.height * 2 // 3)
        pygame.draw.rect(surface, th.background, box, border_radius=int(14 * self.scale))
        pygame.draw.rect(surface, th.border, box, th.border_px * 2, border_radius=int(14 * self.scale))
        seconds = max(0, int(flow.WARNING_S - (now - state.warning_since) + 0.999))
        inner = box.inflate(-4 * self.gap, -4 * self.gap)
        self._message(frame, surface, th, state, inner, t(lang, "warning_title"),
                      [t(lang, "warning_touch"), t(lang, "warning_countdown", seconds=seconds)],
                      [(t(lang, "still_here"), flow.StillHere())])
