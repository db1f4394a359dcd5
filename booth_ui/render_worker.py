"""The poll worker's screens (PIN pad, menu, busy), drawn by the booth's renderer.

A mixin of :class:`booth_ui.render.Renderer`: it uses the renderer's text, button and
layout helpers, and keeps the poll worker's screens apart from the voter's.
"""

from __future__ import annotations

import pygame

from booth_ui.flow import CancelAction, ConfirmAction, Lock, MenuAction, PinDigit, PinErase, PinSubmit
from booth_ui.i18n import reason_text, status_text, t


class WorkerScreens:
    """Screens ``worker_pin``, ``worker_menu`` and ``worker_busy``."""

    def _screen_worker_pin(self, frame, surface, th, state, area):
        lang = state.prefs.language
        title = t(lang, "worker_pin_title")
        line = t(lang, "worker_pin_entered", n=len(state.pin))
        if state.notice:
            wait_s, left = (tuple(state.status) + ("", ""))[:2]
            # how many tries are left (or how long to wait), so a poll worker is never locked out by surprise
            more = (t(lang, "pin_wait", seconds=wait_s) if state.notice == "must_wait" and wait_s not in ("", "0")
                    else t(lang, "pin_tries_left", left=left) if state.notice == "wrong_pin" and left != "" else "")
            line = " ".join(x for x in (reason_text(lang, state.notice), more, line) if x)
        keys = [(str(d), PinDigit(str(d))) for d in (1, 2, 3, 4, 5, 6, 7, 8, 9)]
        keys += [(t(lang, "pin_erase"), PinErase()), ("0", PinDigit("0")), (t(lang, "pin_ok"), PinSubmit())]
        font = self.body(state, 0, bold=True)
        if 4 * self.target + 3 * self.gap <= area.height:   # a phone-like pad beside the title
            head = pygame.Rect(area.left, area.top, area.width // 2 - self.gap, area.height - self.target - self.gap)
            pad = pygame.Rect(area.centerx, area.top, area.width // 2, area.height)
            cols, rows = 3, 4
            cancel = pygame.Rect(head.left, area.bottom - self.target, head.width, self.target)
        else:   # a short panel: two rows of keys across the whole width under the title, Cancel among them
            cols, rows = 7, 2
            pad = pygame.Rect(area.left, area.bottom - 2 * self.target - self.gap, area.width, 2 * self.target + self.gap)
            head = pygame.Rect(area.left, area.top, area.width, pad.top - area.top - self.gap)
            keys = keys[:9] + [keys[10], keys[9], keys[11]]
            cancel = None
        y = head.top + self.text(surface, title, self._fit(title, self.body(state, 2, bold=True), head.width,
                                                           head.height // 2, bold=True), th.text, head, center=False)
        y += self.gap + self.text(surface, line, self.body(state, -2), th.text,
                                  pygame.Rect(head.left, y + self.gap, head.width, 99), center=False)
        dots = "●" * len(state.pin) or "–"
        if y + self.body(state, 6, bold=True).get_linesize() <= head.bottom:
            self.text(surface, dots, self.body(state, 6, bold=True), th.text, pygame.Rect(head.left, y + self.gap, head.width, 99))
        frame.spoken += [title, line]
        w, h = (pad.width - (cols - 1) * self.gap) // cols, (pad.height - (rows - 1) * self.gap) // rows
        for i, (label, event) in enumerate(keys):
            rect = pygame.Rect(pad.left + (i % cols) * (w + self.gap), pad.top + (i // cols) * (h + self.gap), w, h)
            self.button(frame, surface, th, rect, label, event, font)
        if cancel is None:
            cancel = pygame.Rect(pad.left + 5 * (w + self.gap), pad.top + h + self.gap, 2 * w + self.gap, h)
        self.button(frame, surface, th, cancel, t(lang, "cancel"), Lock(), font)

    def _screen_worker_menu(self, frame, surface, th, state, area):
        lang = state.prefs.language
        title = t(lang, "worker_menu_title_technician" if state.role == "technician" else "worker_menu_title")
        font = self.body(state, -2, bold=True)
        # a final step sits last, after Lock, in the warning colour: never where Pause is, never alike
        actions = [a for a in state.actions if a not in ("status", "close")] + ["lock"]
        actions += [a for a in state.actions if a == "close"]
        cols = 2
        rows = (len(actions) + cols - 1) // cols
        left = pygame.Rect(area.left, area.top, area.width // 2 - self.gap, area.height)
        right = pygame.Rect(area.centerx, area.top, area.width // 2, area.height)
        lines = [title] + ([reason_text(lang, state.notice)] if state.notice else [])
        camera = "camera:" + ("lost" if "camera_lost" in state.problems else "ok")
        for item in (*state.status, camera):
            key, _, value = item.partition(":")
            lines.append(f"{t(lang, 'status_' + key)}: {status_text(lang, key, value)}")   # words, never raw ids
        shown = [title] + ["! " + line for line in lines[1:2] if state.notice] + lines[1 + bool(state.notice):]
        steps = [(2, True)] + [(-4, True)] * bool(state.notice) + [(-8, False)] * (len(lines) - 1 - bool(state.notice))
        # a short panel: everything smaller together (never under 3.5 mm) rather than the status falling off
        fonts = self._shrink([(x, self.body(state, step, bold), bold) for x, (step, bold) in zip(shown, steps)],
                             left.width, left.height, 0)
        y = left.top
        for text, font in zip(shown, fonts):
            y += self.text(surface, text, font, th.text, pygame.Rect(left.left, y, left.width, 99), center=False)
        h = max(self.target, (right.height - (rows - 1) * self.gap) // max(rows, 1))
        w = (right.width - (cols - 1) * self.gap) // cols
        for i, action in enumerate(actions):
            rect = pygame.Rect(right.left + (i % cols) * (w + self.gap), right.top + (i // cols) * (h + self.gap), w, h)
            if action == "lock":
                self.button(frame, surface, th, rect, t(lang, "lock"), Lock(), font)
            elif action == "close":
                self.button(frame, surface, th, rect, t(lang, "action_close"), MenuAction(action), font,
                            fill=th.banner, ink=th.banner_text)
            else:
                self.button(frame, surface, th, rect, t(lang, f"action_{action}"), MenuAction(action), font)
        frame.spoken[:0] = lines

    def _screen_worker_confirm(self, frame, surface, th, state, area):
        """Are you sure? What the final step means, Cancel on the left, the step itself on the right in red."""
        lang = state.prefs.language
        action = state.pending_action or "close"
        font = self.body(state, -2, bold=True)
        half = (area.width - self.gap) // 2
        y = area.bottom - self.target
        self.button(frame, surface, th, pygame.Rect(area.left, y, half, self.target), t(lang, "confirm_cancel"),
                    CancelAction(), font)
        self.button(frame, surface, th, pygame.Rect(area.right - half, y, half, self.target),
                    t(lang, f"confirm_{action}_yes"), ConfirmAction(), font, fill=th.banner, ink=th.banner_text)
        area = pygame.Rect(area.left, area.top, area.width, area.height - self.target - self.gap)
        self._message(frame, surface, th, state, area, t(lang, f"confirm_{action}_title"),
                      [t(lang, f"confirm_{action}_what")])

    def _screen_worker_busy(self, frame, surface, th, state, area):
        self._message(frame, surface, th, state, area, t(state.prefs.language, "worker_busy"), [])

