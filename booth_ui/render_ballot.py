"""The ballot page: a contest's options (tick boxes, radio dots, grade buttons), excluded ones greyed with why.

A mixin of :class:`booth_ui.render.Renderer`, like :mod:`booth_ui.render_worker`. Selection is
never shown by colour alone: a chosen option has a ticked box (or a filled radio dot) and the
word "selected"; an excluded one is greyed *and* says why.
"""

from __future__ import annotations

import pygame

from booth_ui import flow
from booth_ui.i18n import t
from booth_ui.paint import Target
from booth_ui.theme import LARGE_SIZES


class BallotScreens:
    """Screen ``ballot``: one page of one contest, the page buttons at the bottom."""


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
