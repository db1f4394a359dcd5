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
from booth_ui.theme import (BODY_PT, CAP_RATIO, LARGE_CAP_MM, LARGE_SIZES, MIN_CAP_MM, MIN_TARGET_GAP_MM, REF_PX_PER_MM,
                            Theme, min_target_px, px_per_mm, theme)
from kiosk.contract.election import Election
from kiosk.fonts import hangul_font


@dataclass(frozen=True)
class Target:
    rect: pygame.Rect
    event: object
    label: str


@dataclass(frozen=True)
class DrawnText:
    """One line of text as drawn: its words, font height, ink, the paper under it, and where."""

    text: str
    font_px: int
    ink: tuple[int, int, int]
    paper: tuple[int, int, int]
    rect: pygame.Rect


@dataclass
class Frame:
    targets: list[Target] = field(default_factory=list)
    spoken: list[str] = field(default_factory=list)
    texts: list[DrawnText] = field(default_factory=list)


class Renderer(WorkerScreens):
    """Paints screens of one election on a panel of any size, in millimetres (see :mod:`booth_ui.theme`)."""

    def __init__(self, election: Election, mode: str, size: tuple[int, int], panel_width_mm: float | None = None) -> None:
        self.election, self.mode = election, mode
        self.width, self.height = size
        self.px_per_mm = px_per_mm(self.width, panel_width_mm)
        self.scale = self.px_per_mm / REF_PX_PER_MM
        self.target = min_target_px(self.width, panel_width_mm)
        self.gap = max(4, int(MIN_TARGET_GAP_MM * self.px_per_mm + 0.999))  # between two targets
        self.min_px = self.font_px_for(MIN_CAP_MM)
        self.large_px = self.font_px_for(LARGE_CAP_MM)
        self._texts: list[DrawnText] = []
        pygame.font.init()  # idempotent; the window path initialises only the display
        self._font_path = str(hangul_font())
        self._bold_path = str(hangul_font(bold=True))
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._sizes: dict[int, int] = {}   # id(font) -> its size in pixels

    # -- helpers ----------------------------------------------------------------------

    def font_px_for(self, cap_mm: float) -> int:
        """The font size in pixels whose capital letters are ``cap_mm`` tall on this panel."""
        return int(cap_mm * self.px_per_mm / CAP_RATIO + 0.999)

    def font(self, px: int, bold: bool = False, floor: int | None = None) -> pygame.font.Font:
        """A font of ``px`` (at 5.25 px/mm, scaled to the panel), never below ``floor`` or 3.5 mm capitals."""
        key = (max(int(px * self.scale), floor or self.min_px), bold)
        if key not in self._fonts:
            self._fonts[key] = pygame.font.Font(self._bold_path if bold else self._font_path, key[0])
            self._sizes[id(self._fonts[key])] = key[0]
        return self._fonts[key]

    def floor(self, state: flow.BoothState, step: int = 0) -> int:
        """The smallest font for a text: large print for voters' headings and options at sizes 2 and 3."""
        large = state.prefs.text_size in LARGE_SIZES and step >= -2 and state.screen not in flow.WORKER
        return self.large_px if large else self.min_px

    def body(self, state: flow.BoothState, step: int = 0, bold: bool = False) -> pygame.font.Font:
        return self.font(BODY_PT[state.prefs.text_size] + step, bold, self.floor(state, step))

    def blit_text(self, surface, font: pygame.font.Font, line: str, ink, pos: tuple[int, int]) -> None:
        """Draw one line, noting what it is, its size, its ink and the paper under it (for the tests)."""
        image = font.render(line, True, ink)
        rect = image.get_rect(topleft=pos)
        clipped = rect.clip(surface.get_rect())
        if line.strip() and clipped.width and clipped.height:
            paper = tuple(surface.get_at((clipped.left, clipped.centery)))[:3]
            self._texts.append(DrawnText(line, self._sizes[id(font)], tuple(ink), paper, rect))
        surface.blit(image, pos)

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
            x = rect.left + (rect.width - font.size(line)[0]) // 2 if center else rect.left
            self.blit_text(surface, font, line, color, (x, y))
            y += font.get_linesize()
        return y - rect.top

    def button(self, frame, surface, th: Theme, rect, label, event, font, fill=None, ink=None) -> None:
        pygame.draw.rect(surface, fill or th.button, rect, border_radius=int(10 * self.scale))
        pygame.draw.rect(surface, th.border, rect, th.border_px, border_radius=int(10 * self.scale))
        font = self._fit(label, font, rect.width - 2 * self.gap, rect.height - self.gap // 2, bold=True)
        lines = self.wrap(label, font, rect.width - 2 * self.gap)
        y = rect.centery - len(lines) * font.get_linesize() // 2
        for line in lines:
            self.blit_text(surface, font, line, ink or th.button_text, (rect.centerx - font.size(line)[0] // 2, y))
            y += font.get_linesize()
        frame.targets.append(Target(pygame.Rect(rect), event, label))

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

    def _fit(self, text: str, font: pygame.font.Font, width: int, height: int, bold: bool = False,
             floor: int | None = None) -> pygame.font.Font:
        """The font, made smaller until ``text`` wrapped to ``width`` fits in ``height`` (never below the floor)."""
        floor = floor or self.min_px
        size = self._sizes[id(font)]
        while size - 2 >= floor and len(self.wrap(text, font, width)) * font.get_linesize() > height:
            size -= 2
            font = self.font(0, bold, size)
        return font

    def _shrink(self, items, width: int, height: int, spacing: int) -> list[pygame.font.Font]:
        """Fonts for (text, font, bold) paragraphs, made smaller together (never below 3.5 mm) until they fit."""
        fonts = [font for _, font, _ in items]
        while True:
            used = sum(len(self.wrap(text, f, width)) * f.get_linesize() + spacing for (text, _, _), f in zip(items, fonts))
            if used <= height or all(self._sizes[id(f)] <= self.min_px for f in fonts):
                return fonts
            fonts = [self.font(0, bold, max(self.min_px, self._sizes[id(f)] - 2)) for (_, _, bold), f in zip(items, fonts)]

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

    def _nav(self, frame, surface, th, state, area, items) -> pygame.Rect:
        """A row of bottom buttons (label, event or None for a plain label); returns the area above."""
        font = self.body(state, -2, bold=True)
        y = area.bottom - self.target
        w = (area.width - (len(items) - 1) * self.gap) // len(items)
        for i, (label, event) in enumerate(items):
            rect = pygame.Rect(area.left + i * (w + self.gap), y, w, self.target)
            # a label that does not fit its button gets smaller, down to 3.5 mm
            fit = self._fit(label, font, rect.width - 2 * self.gap, rect.height, bold=True)
            if event is None:
                self.text(surface, label, fit, th.text, rect.move(0, (self.target - fit.get_linesize()) // 2))
            else:
                self.button(frame, surface, th, rect, label, event, fit)
        return pygame.Rect(area.left, area.top, area.width, area.height - self.target - self.gap)

    def _message(self, frame, surface, th, state, area, title, lines, buttons=()):
        lang = state.prefs.language
        if buttons:
            area = self._nav(frame, surface, th, state, area, buttons)
        spacing = int(14 * self.scale)
        fonts = self._shrink([(title, self.body(state, 8, bold=True), True),
                              *((line, self.body(state), False) for line in lines)], area.width, area.height, spacing)
        height = sum(len(self.wrap(x, f, area.width)) * f.get_linesize() + spacing
                     for x, f in zip([title, *lines], fonts))
        y = area.top + min(int(20 * self.scale), max(0, area.height - height))
        y += self.text(surface, title, fonts[0], th.text, pygame.Rect(area.left, y, area.width, 999))
        for line, font in zip(lines, fonts[1:]):
            y += spacing
            y += self.text(surface, line, font, th.text, pygame.Rect(area.left, y, area.width, 999))
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
        pages = flow.pages(self.election, vote.style, state.prefs.text_size, state.per_page)
        contest_id, options = pages[vote.page]
        contest = self.election.contest(contest_id)
        style = self.election.style(vote.style)
        last = vote.page == len(pages) - 1
        nav = [(t(lang, "prev_page"), flow.PrevPage()) if vote.page else ("", None),
               (t(lang, "page_of", page=vote.page + 1, pages=len(pages)), None),
               (t(lang, "to_review"), flow.ToReview()) if last else (t(lang, "next_page"), flow.NextPage())]
        area = self._nav(frame, surface, th, state, area, nav)
        frame.spoken += [*self._heading(state), t(lang, "page_of", page=vote.page + 1, pages=len(pages))]
        chosen = vote.chosen(contest_id)
        cols = 1 if state.prefs.text_size in LARGE_SIZES or contest.is_score else 2
        rows = (len(options) + cols - 1) // cols
        cell_h = (area.height - self.gap * (rows - 1)) // max(rows, 1)
        cell_w = (area.width - self.gap * (cols - 1)) // cols
        for i, option_id in enumerate(options):
            option = contest.option(option_id)
            rect = pygame.Rect(area.left + (i % cols) * (cell_w + self.gap), area.top + (i // cols) * (cell_h + self.gap),
                               cell_w, cell_h)
            if contest.is_score and option_id not in style.exclude:
                self._graded(frame, surface, th, state, rect, contest, option)
                continue
            self._option(frame, surface, th, state, rect, contest, option, option_id in chosen,
                         option_id in style.exclude)

    def _graded(self, frame, surface, th, state, rect, contest, option):
        """A score contest's option: its title above one large button per grade, the given one marked."""
        lang = state.prefs.language
        given = state.vote.grade(contest.id, option.id)
        radius = int(10 * self.scale)
        pygame.draw.rect(surface, th.button, rect, border_radius=radius)
        pygame.draw.rect(surface, th.border, rect, th.border_px, border_radius=radius)
        label = option.title.in_language(lang)
        grades = [g for g in contest.grades if g]
        # the title on the left, the grade buttons in one row on the right, as tall as the cell allows
        row_h = max(self.target, rect.height - 2 * self.gap) if rect.height - 2 * self.gap >= self.target \
            else rect.height - 2 * self.gap
        left = max(rect.width // 4, rect.width - len(grades) * (self.target + self.gap))
        text_rect = pygame.Rect(rect.left + self.gap, rect.top + self.gap, left - 2 * self.gap, rect.height - 2 * self.gap)
        font = self._fit(label, self.body(state, -2, bold=True), text_rect.width, text_rect.height, bold=True,
                         floor=self.floor(state, -2))
        self.text(surface, label, font, th.button_text, text_rect, center=False)
        w = (rect.width - left - len(grades) * self.gap) // len(grades)
        small = self.body(state, -2, bold=True)
        for i, g in enumerate(grades):
            button = pygame.Rect(rect.left + left + i * (w + self.gap), rect.top + self.gap, w, row_h)
            chosen = g == given
            fill, ink = (th.chosen, th.chosen_text) if chosen else (th.background, th.text)
            pygame.draw.rect(surface, fill, button, border_radius=radius)
            pygame.draw.rect(surface, th.border, button, th.border_px * (3 if chosen else 1), border_radius=radius)
            self.text(surface, str(g), self._fit(str(g), small, w, row_h, bold=True), ink,
                      button.move(0, (row_h - small.get_linesize()) // 2))
            spoken = f"{label}. {t(lang, 'grade_given', grade=g)}. {t(lang, 'selected') if chosen else t(lang, 'not_selected')}"
            frame.targets.append(Target(pygame.Rect(button), flow.Choose(contest.id, option.id, g), spoken))

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
        font = self._fit(label, self.body(state, -2, bold=True), text_rect.width, room, bold=True,
                         floor=self.floor(state, -2))
        lines = self.wrap(label, font, text_rect.width)
        extra = self.wrap(status, small, text_rect.width) if status else []
        height = len(lines) * font.get_linesize() + len(extra) * small.get_linesize()
        y = text_rect.centery - height // 2
        for line in lines:
            self.blit_text(surface, font, line, ink, (text_rect.left, y))
            y += font.get_linesize()
        for line in extra:
            self.blit_text(surface, small, line, ink, (text_rect.left, y))
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

