"""The booth's events (what happens) and effects (what the booth must do), as plain values.

Events come from the screen (touches, keys), the scanner, the clock, the devices and the
answers of the core; effects are carried out off the UI thread and answered with events.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CodeScanned:
    payload: str


@dataclass(frozen=True)
class TokenAccepted:
    style: str


@dataclass(frozen=True)
class TokenRefused:
    reason: str


@dataclass(frozen=True)
class Choose:
    contest: str
    option: str
    grade: int | None = None  # a score contest: the grade button touched (touching it again takes it back)


@dataclass(frozen=True)
class NextPage:
    pass


@dataclass(frozen=True)
class PrevPage:
    pass


@dataclass(frozen=True)
class ToReview:
    pass


@dataclass(frozen=True)
class BackToBallot:
    pass


@dataclass(frozen=True)
class Confirm:
    """'Cast' on the review screen (or 'print' when the election has a paper record)."""


@dataclass(frozen=True)
class PrintDone:
    ballot_id: str


@dataclass(frozen=True)
class PrintFailed:
    problem: str


@dataclass(frozen=True)
class CastOnPaper:
    """The voter checked the paper and casts."""


@dataclass(frozen=True)
class Spoil:
    """The paper is wrong: spoil it and go back to the ballot."""


@dataclass(frozen=True)
class CheckBallot:
    """On the review screen: check this ballot instead of casting it (Benaloh)."""


@dataclass(frozen=True)
class CheckDone:
    """The checked ballot is spoiled (and its record printed unless ``problem`` names a printer problem)."""

    problem: str | None = None


@dataclass(frozen=True)
class CastDone:
    tracking_code: str


@dataclass(frozen=True)
class CastFailed:
    problem: str          # a refusal reason or a device problem


@dataclass(frozen=True)
class Dismiss:
    pass


@dataclass(frozen=True)
class StillHere:
    pass


@dataclass(frozen=True)
class Tick:
    pass


@dataclass(frozen=True)
class DeviceProblem:
    problem: str          # camera_lost, printer_out_of_paper, disk_full, store_error, ...


@dataclass(frozen=True)
class DeviceOk:
    problem: str


@dataclass(frozen=True)
class PollsChanged:
    open: bool


@dataclass(frozen=True)
class SetLanguage:
    language: str


@dataclass(frozen=True)
class TextSize:
    step: int


@dataclass(frozen=True)
class ToggleContrast:
    pass


@dataclass(frozen=True)
class StartAudio:
    """Headphones plugged in, or a key pressed: the booth speaks to this voter (``two_key``: a dual switch)."""

    two_key: bool = False


@dataclass(frozen=True)
class StopAudio:
    """The headphones were taken out: speak no more (and show the screen again)."""


@dataclass(frozen=True)
class ToggleScreen:
    """Audio-only: blank the screen for privacy, or show it again."""


@dataclass(frozen=True)
class TwoCodes:
    """The camera saw two different codes at once."""


@dataclass(frozen=True)
class CardScanned:
    payload: str = field(repr=False)


@dataclass(frozen=True)
class PinDigit:
    digit: str


@dataclass(frozen=True)
class PinErase:
    pass


@dataclass(frozen=True)
class PinSubmit:
    pass


@dataclass(frozen=True)
class Unlocked:
    role: str
    actions: tuple[str, ...]
    status: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnlockRefused:
    reason: str                 # a card refusal, wrong_pin, must_wait, card_locked, archived, no_card_list, not_listed
    wait_s: int = 0
    attempts_left: int | None = None


@dataclass(frozen=True)
class MenuAction:
    action: str


@dataclass(frozen=True)
class ConfirmAction:
    """The poll worker confirms a final step (closing the polls) on its confirmation screen."""


@dataclass(frozen=True)
class CancelAction:
    """The poll worker goes back to the menu without taking the step."""


@dataclass(frozen=True)
class StepResult:
    message: str                # a catalogue key: step_done_<action> or a refusal / printer problem
    actions: tuple[str, ...]
    polls_open: bool
    status: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lock:
    """Leave the poll-worker menu (button, idle timeout, or the card shown again)."""


# effects

@dataclass(frozen=True)
class CheckToken:
    payload: str


@dataclass(frozen=True)
class PrintPaperRecord:
    payload: str
    style: str
    selections: dict
    language: str
    large: bool = False     # the voter reads large print on screen: the paper is large print too (>= 5 mm)


@dataclass(frozen=True)
class PrintSpoiled:
    ballot_id: str


@dataclass(frozen=True)
class PrepareEncryption:
    """Start encrypting the reviewed selections now, so the voter does not wait at cast."""

    payload: str
    style: str
    selections: dict


@dataclass(frozen=True)
class CheckThisBallot:
    """Spoil the reviewed encryption (a Benaloh check) and print its checked record."""

    payload: str
    style: str
    selections: dict
    language: str
    large: bool = False


@dataclass(frozen=True)
class CastBallot:
    payload: str
    style: str
    selections: dict
    ballot_id: str | None


@dataclass(frozen=True)
class Unlock:
    payload: str = field(repr=False)
    pin: str = field(repr=False)


@dataclass(frozen=True)
class TakeStep:
    action: str
    language: str


@dataclass(frozen=True)
class Announce:
    """Read the current screen aloud (if audio is on)."""

