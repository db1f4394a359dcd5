"""Drawing the booth's screens with pygame: a state in, pixels and touch targets out.

``Renderer.draw(surface, state, now)`` paints the whole screen for a :class:`BoothState`
and returns a :class:`Frame`: the touch targets (rectangle, flow event, label) in reading
order, for touches and keypad focus, and the words that describe the screen, for the audio
prompts. Selection is never shown by colour alone: a chosen option has a ticked box (or a
filled radio dot) and the word "selected"; an excluded one is greyed *and* says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from booth_ui import flow
from booth_ui.i18n import reason_text, t
from booth_ui.render_worker import WorkerScreens
from booth_ui.theme import BODY_PT, Theme, min_target_px, theme
from kiosk.contract.election import Election
from kiosk.fonts import hangul_font


@dataclass(frozen=True)
class Target:
    rect: pygame.Rect
    event: object
    label: str


@dataclass
class Frame:
    targets: list[Target] = field(default_factory=list)
    spoken: list[str] = field(default_factory=list)


class Renderer(WorkerScreens):
    """Paints screens of one election on surfaces of any size (laid out for 800 x 480)."""

    def __init__(self, election: Election, mode: str, size: tuple[int, int]) -> None:
        self.election, self.mode = election, mode
        self.width, self.height = size
        self.scale = self.width / 800
        self.target = min_target_px(self.width)
        self.gap = max(4, int(6 * self.scale))
        pygame.font.init()  # idempotent; the window path initialises only the display
        self._font_path = str(hangul_font())
        self._bold_path = str(hangul_font(bold=True))
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}

    # -- helpers ----------------------------------------------------------------------

    def font(self, px: int, bold: bool = False) -> pygame.font.Font:
        key = (int(px * self.scale), bold)
        if key not in self._fonts:
            self._fonts[key] = pygame.font.Font(self._bold_path if bold else self._font_path, key[0])
        return self._fonts[key]

    def body(self, state: flow.BoothState, step: int = 0, bold: bool = False) -> pygame.font.Font:
        return self.font(BODY_PT[state.prefs.text_size] + step, bold)

    def wrap(self, text: str, font: pygame.font.Font, width: int) -> list[str]:
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split(" "):
                trial = f"{line} {word}".strip()
                if font.size(trial)[0] <= width or not line:
                    line = trial
                    while font.size(line)[0] > width and len(line) > 1:  # a word wider than the box
                        cut = len(line) - 1
                        while cut > 1 and font.size(line[:cut])[0] > width:
                            cut -= 1
                        lines.append(line[:cut])
                        line = line[cut:]
                else:
                    lines.append(line)
                    line = word
            lines.append(line)
        return lines

    def text(self, surface, text, font, color, rect: pygame.Rect, center=True) -> int:
        """Wrapped text inside ``rect``; returns the height used."""
        y = rect.top
        for line in self.wrap(text, font, rect.width):
            image = font.render(line, True, color)
            x = rect.left + (rect.width - image.get_width()) // 2 if center else rect.left
            surface.blit(image, (x, y))
            y += font.get_linesize()
        return y - rect.top

    def button(self, frame, surface, th: Theme, rect, label, event, font, fill=None, ink=None) -> None:
        pygame.draw.rect(surface, fill or th.button, rect, border_radius=int(10 * self.scale))
        pygame.draw.rect(surface, th.border, rect, th.border_px, border_radius=int(10 * self.scale))
        lines = self.wrap(label, font, rect.width - 2 * self.gap)
        y = rect.centery - len(lines) * font.get_linesize() // 2
        for line in lines:
            image = font.render(line, True, ink or th.button_text)
            surface.blit(image, (rect.centerx - image.get_width() // 2, y))
            y += font.get_linesize()
        frame.targets.append(Target(pygame.Rect(rect), event, label))

    # -- the screen -------------------------------------------------------------------

    def draw(self, surface: pygame.Surface, state: flow.BoothState, now: float, focus: int | None = None) -> Frame:
        th = theme(state.prefs.high_contrast)
        lang = state.prefs.language
        surface.fill(th.background)
        frame = Frame()
        top = self._banner(surface, th, lang)
        top = self._toolbar(frame, surface, th, state, top)
        area = pygame.Rect(self.gap * 2, top + self.gap, self.width - 4 * self.gap, self.height - top - 2 * self.gap)
        getattr(self, f"_screen_{state.screen.value}")(frame, surface, th, state, area)
        if state.warning_since is not None and state.screen in flow.VOTING:
            self._warning(frame, surface, th, state, now)
        if focus is not None and frame.targets:
            rect = frame.targets[focus % len(frame.targets)].rect
            pygame.draw.rect(surface, th.focus, rect.inflate(8, 8), 5, border_radius=int(12 * self.scale))
        return frame

    def _banner(self, surface, th, lang) -> int:
        if self.mode != "test":
            return 0
        height = int(30 * self.scale)
        pygame.draw.rect(surface, th.banner, (0, 0, self.width, height))
        label = f"{t('ko', 'test_mode')}  ·  {t('en', 'test_mode')}"
        self.text(surface, label, self.font(18, bold=True), th.banner_text, pygame.Rect(0, 3, self.width, height))
        return height

    def _toolbar(self, frame, surface, th, state, top) -> int:
        lang = state.prefs.language
        small = self.font(20, bold=True)
        w = self.target + int(12 * self.scale)
        x = self.width - 4 * (w + self.gap)
        other = "en" if lang == "ko" else "ko"
        items = [(t(other, "language_name"), flow.SetLanguage(other)),
                 (t(lang, "size_smaller"), flow.TextSize(-1)), (t(lang, "size_larger"), flow.TextSize(1)),
                 (t(lang, "contrast"), flow.ToggleContrast())]
        for label, event in items:
            self.button(frame, surface, th, pygame.Rect(x, top + self.gap, w, self.target), label, event, small)
            x += w + self.gap
        left = pygame.Rect(self.gap * 2, top + self.gap, self.width - 4 * (w + self.gap) - 3 * self.gap, self.target)
        heading, subline = self._heading(state)
        if state.notice and state.screen in flow.VOTING:
            self._notice(surface, th, state, left)
        elif heading:
            font = self._fit(heading, self.body(state, 2, bold=True), left.width, left.height * 3 // 5, bold=True)
            self.text(surface, heading, font, th.text, left, center=False)
            small = self._fit(subline, self.body(state, -4), left.width, left.height * 2 // 5)
            self.text(surface, subline, small, th.text, left.move(0, left.height * 3 // 5), center=False)
        else:
            self.text(surface, self.election.title.in_language(lang), self.font(17), th.muted, left, center=False)
        return top + self.target + self.gap

    def _heading(self, state) -> tuple[str, str]:
        """The ballot's contest title and its rule line, shown beside the toolbar."""
        if state.screen != flow.Screen.BALLOT or state.vote is None:
            return "", ""
        lang = state.prefs.language
        contest_id, _ = flow.pages(self.election, state.vote.style, state.prefs.text_size)[state.vote.page]
        contest = self.election.contest(contest_id)
        chosen = len(state.vote.chosen(contest_id))
        rule = (t(lang, "ballot_single") if contest.rule == "single"
                else t(lang, "ballot_counter", chosen=chosen, max=contest.max))
        return contest.title.in_language(lang), rule

    def _fit(self, text: str, font: pygame.font.Font, width: int, height: int, bold: bool = False) -> pygame.font.Font:
        """The font, made smaller until ``text`` wrapped to ``width`` fits in ``height``."""
        size = font.get_height()
        while size > 12 and len(self.wrap(text, font, width)) * font.get_linesize() > height:
            size -= 2
            font = self.font(int(size / self.scale), bold)
        return font

    def _notice(self, surface, th, state, box: pygame.Rect) -> None:
        """A hint for the voter (the 7th like, an excluded option) in place of the heading."""
        lang = state.prefs.language
        contest = None
        if state.vote is not None:
            contest_id, _ = flow.pages(self.election, state.vote.style, state.prefs.text_size)[state.vote.page]
            contest = self.election.contest(contest_id)
        text = "! " + reason_text(lang, state.notice).format(max=contest.max if contest else "")
        inner = box.inflate(-2 * self.gap, -2 * self.gap)
        font = self._fit(text, self.body(state, -4, bold=True), inner.width, inner.height, bold=True)
        pygame.draw.rect(surface, th.banner, box, border_radius=int(8 * self.scale))
        pygame.draw.rect(surface, th.border, box, th.border_px, border_radius=int(8 * self.scale))
        height = len(self.wrap(text, font, inner.width)) * font.get_linesize()
        self.text(surface, text, font, th.banner_text, inner.move(0, (inner.height - height) // 2), center=False)

    def _nav(self, frame, surface, th, state, area, items) -> pygame.Rect:
        """A row of bottom buttons (label, event or None for a plain label); returns the area above."""
        font = self.body(state, -2, bold=True)
        y = area.bottom - self.target
        w = (area.width - (len(items) - 1) * self.gap) // len(items)
        for i, (label, event) in enumerate(items):
            rect = pygame.Rect(area.left + i * (w + self.gap), y, w, self.target)
            if event is None:
                self.text(surface, label, font, th.text, rect.move(0, (self.target - font.get_linesize()) // 2))
            else:
                self.button(frame, surface, th, rect, label, event, font)
        return pygame.Rect(area.left, area.top, area.width, area.height - self.target - self.gap)

    def _message(self, frame, surface, th, state, area, title, lines, buttons=()):
        lang = state.prefs.language
        if buttons:
            area = self._nav(frame, surface, th, state, area, buttons)
        y = area.top + int(20 * self.scale)
        y += self.text(surface, title, self.body(state, 8, bold=True), th.text, pygame.Rect(area.left, y, area.width, 999))
        for line in lines:
            y += int(14 * self.scale)
            y += self.text(surface, line, self.body(state), th.text, pygame.Rect(area.left, y, area.width, 999))
        frame.spoken[:0] = [title, *lines]
        del lang

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
        self._message(frame, surface, th, state, area, t(lang, "refused_title"),
                      [reason_text(lang, state.message or "unknown"), t(lang, "refused_what_to_do")],
                      [(t(lang, "ok"), flow.Dismiss())])

    def _screen_ballot(self, frame, surface, th, state, area):
        lang = state.prefs.language
        vote = state.vote
        pages = flow.pages(self.election, vote.style, state.prefs.text_size)
        contest_id, options = pages[vote.page]
        contest = self.election.contest(contest_id)
        style = self.election.style(vote.style)
        last = vote.page == len(pages) - 1
        nav = [(t(lang, "prev_page"), flow.PrevPage()) if vote.page else ("", None),
               (t(lang, "page_of", page=vote.page + 1, pages=len(pages)), None),
               (t(lang, "to_review"), flow.ToReview()) if last else (t(lang, "next_page"), flow.NextPage())]
        area = self._nav(frame, surface, th, state, area, nav)
        frame.spoken += list(self._heading(state))
        chosen = vote.chosen(contest_id)
        rows = (len(options) + 1) // 2
        cell_h = (area.height - self.gap * (rows - 1)) // max(rows, 1)
        cell_w = (area.width - self.gap) // 2
        for i, option_id in enumerate(options):
            option = contest.option(option_id)
            rect = pygame.Rect(area.left + (i % 2) * (cell_w + self.gap), area.top + (i // 2) * (cell_h + self.gap),
                               cell_w, cell_h)
            self._option(frame, surface, th, state, rect, contest, option, option_id in chosen,
                         option_id in style.exclude)

    def _option(self, frame, surface, th, state, rect, contest, option, is_chosen, is_excluded):
        lang = state.prefs.language
        fill = th.disabled if is_excluded else th.chosen if is_chosen else th.button
        ink = th.chosen_text if is_chosen and not is_excluded else th.text if is_excluded else th.button_text
        radius = int(10 * self.scale)
        pygame.draw.rect(surface, fill, rect, border_radius=radius)
        pygame.draw.rect(surface, th.border, rect, th.border_px * (3 if is_chosen else 1), border_radius=radius)
        box = pygame.Rect(rect.left + self.gap * 2, rect.centery - int(14 * self.scale), int(28 * self.scale), int(28 * self.scale))
        if contest.rule == "single":
            pygame.draw.circle(surface, ink, box.center, box.width // 2, max(2, th.border_px))
            if is_chosen:
                pygame.draw.circle(surface, ink, box.center, box.width // 4)
        elif not is_excluded:
            pygame.draw.rect(surface, ink, box, max(2, th.border_px))
            if is_chosen:
                pygame.draw.lines(surface, ink, False, [(box.left + box.width * 0.2, box.centery),
                                                        (box.left + box.width * 0.42, box.bottom - box.height * 0.2),
                                                        (box.right - box.width * 0.15, box.top + box.height * 0.15)], 4)
        label = option.title.in_language(lang)
        status = (t(lang, "excluded_reason") if is_excluded else t(lang, "selected") if is_chosen else "")
        text_rect = pygame.Rect(box.right + self.gap * 2, rect.top + self.gap, rect.right - box.right - self.gap * 3,
                                rect.height - 2 * self.gap)
        small = self._fit(status, self.body(state, -8), text_rect.width, text_rect.height // 3)
        room = text_rect.height - (small.get_linesize() * len(self.wrap(status, small, text_rect.width)) if status else 0)
        font = self._fit(label, self.body(state, -2, bold=True), text_rect.width, room, bold=True)
        lines = self.wrap(label, font, text_rect.width)
        extra = self.wrap(status, small, text_rect.width) if status else []
        height = len(lines) * font.get_linesize() + len(extra) * small.get_linesize()
        y = text_rect.centery - height // 2
        for line in lines:
            surface.blit(font.render(line, True, ink), (text_rect.left, y))
            y += font.get_linesize()
        for line in extra:
            surface.blit(small.render(line, True, ink), (text_rect.left, y))
            y += small.get_linesize()
        spoken = f"{label}. {status or t(lang, 'not_selected')}"
        frame.targets.append(Target(pygame.Rect(rect), flow.Choose(contest.id, option.id), spoken))

    def _screen_review(self, frame, surface, th, state, area):
        lang = state.prefs.language
        confirm = t(lang, "review_print") if self.election.paper_record else t(lang, "review_cast")
        area = self._nav(frame, surface, th, state, area,
                         [(t(lang, "review_back"), flow.BackToBallot()), (confirm, flow.Confirm())])
        y = area.top
        title = t(lang, "review_title")
        y += self.text(surface, title, self.body(state, 2, bold=True), th.text, pygame.Rect(area.left, y, area.width, 99), center=False)
        lines = [title]
        if state.notice:
            lines.append(reason_text(lang, state.notice))
        for contest_id, chosen in state.vote.selections:
            contest = self.election.contest(contest_id)
            names = ", ".join(contest.option(o).title.in_language(lang) for o in chosen) or t(lang, "review_none")
            entry = f"{contest.title.in_language(lang)}: {names}"
            y += self.gap + self.text(surface, entry, self.body(state, -2), th.text,
                                      pygame.Rect(area.left, y + self.gap, area.width, 99), center=False)
            lines.append(entry)
        frame.spoken[:0] = lines

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
                      [t(lang, "warning_countdown", seconds=seconds)], [(t(lang, "still_here"), flow.StillHere())])

