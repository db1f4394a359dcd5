"""The poll worker's menu at the booth, on the same core as ``kiosk open/close/...``.

Unlocking is :func:`kiosk.station.pinpolicy.check_unlock` (card, PIN, attempts policy, every attempt
logged); a step is :func:`kiosk.station.pollsteps.take_step` followed by printing its report with
:func:`kiosk.app.printing.print_and_record`. This module only turns their outcomes into the
booth's message keys and status lines.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hardware.errors import PrinterError
from hardware.printer import Printer
from kiosk.app.printing import NotPrinted, print_and_record
from kiosk.station.delivery import deliveries
from kiosk.station.lifecycle import Action, StationState
from kiosk.station.pinpolicy import Unlocked
from kiosk.station.polls import StepRefused
from kiosk.station.pollsteps import print_job, take_step
from kiosk.station.station import Station
from kiosk.errors import KioskError
from sync.usb import export

MENU_ACTIONS = frozenset({Action.OPEN, Action.PAUSE, Action.RESUME, Action.CLOSE, Action.REOPEN, Action.PRINT_REPORT,
                          Action.EXPORT})
USB_DIR = Path("/media/kiosk-usb")   # where the image mounts a poll worker's stick ([booth] usb_dir)
PRINTER_WORDS = {"paper_out": "printer_out_of_paper", "cover_open": "printer_cover_open"}
REPRINT_OF = {StationState.POLLS_OPEN: "zero_report", StationState.POLLS_PAUSED: "pause_slip",
              StationState.POLLS_CLOSED: "results_tape"}


def export_to_usb(station: Station, usb_dir: Path) -> str:
    """``kiosk export`` from the menu: the outbox and acknowledgements onto the stick; the booth's message key."""
    if not usb_dir.is_dir() or not any(usb_dir.iterdir()) and not os.path.ismount(usb_dir):
        return "usb_missing"       # nothing mounted there (an empty mount point is no stick)
    if not os.access(usb_dir, os.W_OK):
        return "usb_read_only"
    try:
        export(station.data.root, usb_dir)
    except KioskError:            # full, locked, or pulled out half-way: the manifest is written last
        return "usb_failed"
    except OSError:
        return "usb_failed"
    return "exported"


def menu_step(station: Station, action: Action, who: Unlocked, now: int, printer: Printer | None,
              language: str, usb_dir: Path = USB_DIR) -> str:
    """Take ``action`` (or reprint the present state's report, or export) and print; the booth's message key."""
    if action is Action.EXPORT:
        return export_to_usb(station, usb_dir)
    if action is Action.PRINT_REPORT:
        job = print_job(station, REPRINT_OF.get(station.state, "zero_report"), now, language, reprint=True)
    else:
        taken = take_step(station, action, who, now, language)
        job = taken if isinstance(taken, StepRefused) else taken.job
    if isinstance(job, StepRefused):
        return job.reason
    if job is None:
        return "step_done"
    outcome = print_and_record(station, printer, job, now, by=who.card.card_id)
    if isinstance(outcome, NotPrinted):  # the step stands; its report can be reprinted from the menu
        return PRINTER_WORDS.get(outcome.problem, "printer_offline")
    return "step_done"


def status_lines(station: Station, printer: Printer | None, software: str) -> tuple[str, ...]:
    """The status page, as ``key:value`` lines the booth's catalogue labels."""
    free_mb = shutil.disk_usage(station.data.root).free // 1_000_000
    printer_state = "none"
    if printer is not None:
        try:
            printer_state = printer.status().name.lower()
        except PrinterError as e:
            printer_state = e.problem.value
    found, _ = deliveries(station.data.root, station.election, (station.mode,))
    per_node: dict[str, int] = {node.id: 0 for node in station.election.nodes}
    for delivery in found:
        for node in delivery.acknowledged_by:
            per_node[node] = per_node.get(node, 0) + 1
    acks = ", ".join(f"{node} {n}" for node, n in sorted(per_node.items())) or "-"
    return (f"state:{station.state.value}", f"mode:{station.mode}", f"ballots:{station.ballots}",
            f"batches:{len(station.store.batches())} ({acks})", f"disk:{free_mb} MB", f"printer:{printer_state}",
            f"software:{software[:16]}")
