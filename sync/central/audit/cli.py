"""``kiosk-central audit plan|draw|record|status``: a risk-limiting audit of the paper records.

The pure parts are :mod:`~sync.central.audit.risk`, :mod:`~sync.central.audit.sampling`,
:mod:`~sync.central.audit.outcomes`, :mod:`~sync.central.audit.manifest`,
:mod:`~sync.central.audit.planning` and :mod:`~sync.central.audit.engine`; this module reads
the files people name and prints. Exit codes: ``status`` 0 when every assertion met the risk
limit, 1 while the audit must go on (or escalate to a full hand count); 2 for bad input.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from kiosk.app.cliutil import EXIT_BAD, EXIT_OK, print_json
from kiosk.contract.closing import parse_closing
from kiosk.contract.closing_parts import assemble
from kiosk.contract.election import Election
from kiosk.contract.cvr import parse_cvrs
from kiosk.contract.package import load_package
from kiosk.contract.paper_qr import parse_paper_qr
from kiosk.errors import FormatError
from kiosk.files import read_input
from sync.central.audit import sampling
from sync.central.audit.engine import (COMPARISON, METHODS, MISSING, NO_QR, OTHER_ELECTION, POLLING, READ,
                                       comparison_state, estimate_comparison, estimate_polling, polling_state)
from sync.central.audit.manifest import Manifest, build_manifest, parse_paper_counts
from sync.central.audit.outcomes import Paper, Reported
from sync.central.audit.planning import check_cvrs, comparison_population, outcomes, reported_from_results
from sync.central.audit.state import (PLAN, PLAN_FORMAT, AuditFolder, Entry, agreed, assertion_from_json,
                                      assertion_to_json)


STOP, ESCALATE, FULL_COUNT = ("stop: risk limit met", "escalate: draw more papers",
                              "full hand count: the whole population was drawn")
VERDICT_KO = {STOP: "감사 종료: 위험 한도 충족", ESCALATE: "표본 확대", FULL_COUNT: "전수 수작업 개표"}


def _statements(paths: list[Path], election_hex: str) -> list:
    out = []
    for path in paths:
        # one statement a file: its one line, or the lines of its parts in any order (closing_parts)
        lines = read_input(path, "a closing statement").decode("ascii", "replace").splitlines()
        assembled = assemble((f"{path} line {n}", line.strip()) for n, line in enumerate(lines, 1) if line.strip())
        if assembled.refused:
            raise FormatError(str(assembled.refused[0]), hint="read every QR code of the results tape into the file")
        for _, payload in assembled.statements or [("", "")]:
            statement = parse_closing(payload)
            if statement["election_hex"] != election_hex:
                raise FormatError(f"{path}: the closing statement is of another election")
            out.append(statement)
    return out


def cmd_plan(args: argparse.Namespace) -> int:
    package = load_package(args.election)
    election = package.election
    try:
        sampling.check_seed(args.seed)
    except sampling.SeedRefused as e:
        raise FormatError(str(e), hint="roll ten-sided dice in public after the results are published") from None
    if not 0 < args.risk_limit < 0.5:
        raise FormatError("the risk limit must be between 0 and 0.5, e.g. 0.05")
    statements = _statements(args.closing, election.fingerprint_hex)
    manifest = build_manifest(statements, parse_paper_counts(args.papers))
    results = json.loads(read_input(args.results, "the results file"))
    reported, candidates, suppressed = reported_from_results(election, results)
    planned = outcomes(election, args.outcome, reported, candidates, suppressed)
    problems = list(manifest.problems)
    cvr_files = []
    if args.method == COMPARISON:
        if not args.cvr:
            raise FormatError("a comparison audit needs the kiosks' cast vote records (--cvr FILE, from kiosk export-cvr)")
        files = {Path(path): read_input(path, "a cast vote record file") for path in args.cvr}
        problems += check_cvrs(election, [parse_cvrs(data) for data in files.values()], statements, args.mode)
        cvr_files = [{"path": str(path.resolve()), "sha256": hashlib.sha256(data).hexdigest()}
                     for path, data in files.items()]
    body = {"format": PLAN_FORMAT, "election_hex": election.fingerprint_hex, "election": str(Path(args.election).resolve()),
            "method": args.method, "mode": args.mode, "risk_limit": args.risk_limit, "seed": args.seed,
            "outcomes": args.outcome, "assertions": [assertion_to_json(a) for a in planned.assertions],
            "not_auditable": planned.not_auditable, "reported": {"totals": dict(reported.totals),
                                                                 "ballots": dict(reported.ballots)},
            "manifest": manifest.to_json(), "cvrs": cvr_files, "problems": problems}
    AuditFolder(args.dir).write_plan(body)
    print(f"audit planned in {args.dir}: {args.method}, risk limit {args.risk_limit:g}, "
          f"{len(planned.assertions)} assertions / 감사 계획 완료")
    for line in planned.not_auditable:
        print(f"not auditable by this tool: {line}")
    for line in problems:
        print(f"PROBLEM: {line}")
    state = _Audit(AuditFolder(args.dir))
    print(f"expected sample size if the reported result is right: {state.estimate()} papers "
          f"(draw them with: kiosk-central audit draw --dir {args.dir} --n N)")
    return EXIT_OK


class _Audit:
    """A planned audit with its inputs loaded."""

    def __init__(self, folder: AuditFolder) -> None:
        self.folder = folder
        self.plan = folder.plan()
        self.assertions = [assertion_from_json(a) for a in self.plan["assertions"]]
        self.reported = Reported(self.plan["reported"]["totals"], self.plan["reported"]["ballots"])
        self.manifest = Manifest.from_json(self.plan["manifest"])
        self.method = self.plan["method"]
        if self.method == COMPARISON:
            election = load_package(Path(self.plan["election"])).election
            self.files = []
            for f in self.plan["cvrs"]:
                data = read_input(Path(f["path"]), "a cast vote record file")
                if hashlib.sha256(data).hexdigest() != f["sha256"]:
                    raise FormatError(f"{f['path']} changed since the audit was planned",
                                      hint="put back the file the plan names")
                self.files.append(parse_cvrs(data))
            papers = {s: self.manifest.positions(s) for s in self.manifest.ballots}
            everyone = frozenset(c.id for c in election.contests)
            self.population = comparison_population(election, self.files, everyone, papers)
            self.labels = list(sampling.order(self.plan["seed"], self.population))
            # one population per set of contests: a top-N outcome's many assertions share a few
            by_contests = {c: comparison_population(election, self.files, c, papers)
                           for c in {a.contests for a in self.assertions}}
            self._subsets = {a.name(): by_contests[a.contests] for a in self.assertions}
        else:
            self.labels = list(sampling.order(self.plan["seed"], self.manifest.labels()))

    def population_of(self, assertion):
        return self._subsets[assertion.name()]

    def estimate(self) -> int:
        alpha, most = self.plan["risk_limit"], 0
        for a in self.assertions:
            n = estimate_comparison(a, self.population_of(a), alpha) if self.method == COMPARISON \
                else estimate_polling(a, self.reported, len(self.labels), alpha)
            if n is None:
                return len(self.labels)
            if self.method == COMPARISON and n:
                # records of this assertion are a share of all records: draw enough of all to reach n of them
                n = min(len(self.labels), -(-n * len(self.labels) // len(self.population_of(a))))
            most = max(most, n)
        return most

    def states(self, readings):
        drawn = self.labels[:self.folder.drawn()]
        if self.method == COMPARISON:
            return [comparison_state(a, self.population_of(a), drawn, readings) for a in self.assertions]
        return [polling_state(a, self.reported, len(self.labels), drawn, readings) for a in self.assertions]


def cmd_draw(args: argparse.Namespace) -> int:
    audit = _Audit(AuditFolder(args.dir))
    before = audit.folder.drawn()
    n = min(max(args.n, before), len(audit.labels))
    audit.folder.set_drawn(n)
    print(f"sample: {n} papers ({n - before} new) of {len(audit.labels)} / 표본 {n}장")
    print("order,station,box,position,ballot_id" if audit.method == POLLING else "order,ballot_id")
    for i, label in enumerate(audit.labels[:n], 1):
        if i > before:
            print(f"{i},{label.replace('/', ',')}" if audit.method == POLLING else f"{i},{label}")
    return EXIT_OK


def parse_shows(text: str, election: Election) -> Paper:
    """``C1:A,B;C2:;C3:P1=5`` -> the contests shown and each option's value, in ``election``'s ids."""
    shown, votes = set(), {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        contest_id, colon, rest = part.partition(":")
        contest = election.contest(contest_id.strip())
        if not colon or contest is None:
            raise FormatError(f"--shows {text!r}: write CONTEST:OPTION,OPTION;CONTEST: with this election's contest "
                              f"ids (an empty list for no choice) / 형식: 경선:선택,선택;경선:")
        shown.add(contest.id)
        for item in filter(None, (i.strip() for i in rest.split(","))):
            option, eq, grade = item.partition("=")
            if contest.option(option) is None:
                raise FormatError(f"--shows: {option!r} is not an option of contest {contest.id} / "
                                  f"{contest.id} 경선에 없는 선택지입니다")
            if eq and not (grade.isascii() and grade.isdigit() and len(grade) <= 3):
                raise FormatError(f"--shows: the grade of {option} must be a number")
            votes[option] = int(grade) if eq else 1
    return Paper(frozenset(shown), votes)


def _qr_text(args: argparse.Namespace) -> str | None:
    if args.qr_image:
        import cv2  # the scanner's own decoder reads the photographed QR

        from scanner.decode import decode_frame
        frame = cv2.imread(str(args.qr_image))
        if frame is None:
            raise FormatError(f"{args.qr_image} is not an image")
        texts = decode_frame(frame)
        if not texts:
            raise FormatError(f"no QR code could be read in {args.qr_image}: try another photo, or --no-qr / "
                              "QR 코드를 읽을 수 없습니다")
        return texts[0]
    return args.qr


def cmd_record(args: argparse.Namespace) -> int:
    folder = AuditFolder(args.dir)
    audit = _Audit(folder)
    election = load_package(Path(audit.plan["election"])).election
    qr = _qr_text(args)
    ballot_id = None
    status = MISSING if args.missing else NO_QR if args.no_qr else READ
    if qr is not None:
        tag, ballot_id = parse_paper_qr(qr)
        if tag != election.tag:
            status = OTHER_ELECTION
    label = args.label or ballot_id
    if label is None:
        raise FormatError("name the drawn paper: --label STATION/BOX/POSITION, or its QR for a comparison audit")
    if label not in audit.labels[:folder.drawn()]:
        raise FormatError(f"{label} is not in the drawn sample / 표본에 없는 용지입니다", hint="see kiosk-central audit draw")
    if audit.method == COMPARISON and status == READ and ballot_id is None:
        raise FormatError("a comparison audit needs the paper's QR (--qr or --qr-image), or --no-qr / --missing")
    if audit.method == COMPARISON and ballot_id is not None and ballot_id != label:
        raise FormatError(f"this paper's ballot id is not the drawn one ({label}): keep looking in the box / "
                          "찾는 용지가 아닙니다")
    paper = parse_shows(args.shows, election) if status in (READ, NO_QR) and args.shows is not None else None
    if status in (READ, NO_QR) and paper is None:
        raise FormatError("say what the paper shows: --shows 'CONTEST:OPTION,...;CONTEST:' / 용지 내용을 입력하세요")
    folder.add_entry(Entry(label, args.board, status, paper, ballot_id))
    readings, disagree = agreed(folder.entries())
    if label in disagree:
        print(f"board 1 and board 2 disagree on {label}: look at the paper together and enter it again / "
              f"두 감사원의 기록이 다릅니다")
        return EXIT_BAD
    done = "both boards agree" if label in readings else "waiting for the other board member"
    print(f"recorded {label} by board {args.board} ({status}); {done} / 기록됨")
    return EXIT_OK


def summary(audit: _Audit) -> dict:
    """Where the audit stands: the verdict, each assertion's risk, what does not agree."""
    readings, disagree = agreed(audit.folder.entries())
    states = audit.states(readings)
    alpha = audit.plan["risk_limit"]
    met = bool(states) and all(s.met(alpha) for s in states) and not disagree
    drawn = audit.folder.drawn()
    verdict = (STOP if met else FULL_COUNT if drawn >= len(audit.labels) else ESCALATE)
    statuses = {}
    for r in readings.values():
        statuses[r.status] = statuses.get(r.status, 0) + 1
    return {"verdict": verdict, "verdict_ko": VERDICT_KO[verdict], "method": audit.method, "risk_limit": alpha,
            "seed": audit.plan["seed"], "population": len(audit.labels), "drawn": drawn, "agreed": len(readings),
            "statuses": statuses, "disagree": disagree, "problems": audit.plan["problems"],
            "not_auditable": audit.plan["not_auditable"], "outcomes": audit.plan["outcomes"],
            "assertions": sorted(({**s.__dict__, "contests": list(s.contests), "met": s.met(alpha)} for s in states),
                                 key=lambda a: -a["risk"])}


def cmd_status(args: argparse.Namespace) -> int:
    audit = _Audit(AuditFolder(args.dir))
    now = summary(audit)
    if args.json:
        print_json(now)
        return EXIT_OK if now["verdict"] == STOP else EXIT_BAD
    alpha, states = now["risk_limit"], now["assertions"]
    print(f"{now['method']} audit, risk limit {alpha:g}: {now['drawn']} drawn, {now['agreed']} agreed by both boards")
    for s in states[:args.show]:
        print(f"  {s['name']:30} risk {s['risk']:.4f} after {s['sampled']} of {s['population']}"
              f"{'  met' if s['met'] else ''}{'  (' + s['note'] + ')' if s['note'] else ''}")
    if len(states) > args.show:
        print(f"  ... {len(states) - args.show} more assertions, {sum(s['met'] for s in states)} met in all")
    for label in now["disagree"]:
        print(f"boards disagree: {label}")
    for line in now["not_auditable"]:
        print(f"not auditable by this tool: {line}")
    for line in now["problems"]:
        print(f"PROBLEM: {line}")
    worst = f" (worst: {states[0]['name']}, risk {states[0]['risk']:.4f})" if states and now["verdict"] != STOP else ""
    print(f"{now['verdict']} / {now['verdict_ko']}{worst}")
    return EXIT_OK if now["verdict"] == STOP else EXIT_BAD


def cmd_report(args: argparse.Namespace) -> int:
    from sync.central.audit.report import write_report  # reportlab only when a report is asked for

    folder = AuditFolder(args.dir)
    audit = _Audit(folder)
    now = summary(audit)
    election = load_package(Path(audit.plan["election"])).election
    plan_sha256 = hashlib.sha256(read_input(folder.folder / PLAN, "the audit plan")).hexdigest()
    write_report(args.out, election, now, plan_sha256)
    print(f"audit report written to {args.out}: {now['verdict']} / {now['verdict_ko']}")
    return EXIT_OK


def add_audit_verbs(verbs) -> None:
    """The ``audit`` verbs of ``kiosk-central``."""
    audit = verbs.add_parser("audit", help="risk-limiting audit of the paper records").add_subparsers(metavar="ACTION")
    plan = audit.add_parser("plan", help="what to audit, how, with which public seed")
    plan.add_argument("--dir", required=True, type=Path, help="a new folder for this audit")
    plan.add_argument("--election", required=True, type=Path, help="the election package")
    plan.add_argument("--results", required=True, type=Path, help="the published results.json of the tally")
    plan.add_argument("--closing", required=True, type=Path, nargs="+", help="every kiosk's closing statement (tape QR text)")
    plan.add_argument("--papers", default=[], nargs="*", metavar="STATION[/BOX]=N", help="papers counted in each box")
    plan.add_argument("--outcome", required=True, action="append",
                      help="plurality:CONTEST, top:N:CONTEST,... (or all), threshold:OPTION:SHARE (repeatable)")
    plan.add_argument("--method", choices=METHODS, default=POLLING)
    plan.add_argument("--cvr", type=Path, nargs="*", default=[], help="cast vote record files (comparison)")
    plan.add_argument("--risk-limit", type=float, default=0.05, help="e.g. 0.05 (default)")
    plan.add_argument("--seed", required=True, help="at least 20 digits from public dice rolls, after the results")
    plan.add_argument("--mode", choices=["official", "test"], default="official")
    plan.set_defaults(func=cmd_plan)
    draw = audit.add_parser("draw", help="draw (or grow) the sample: which papers to find")
    draw.add_argument("--dir", required=True, type=Path)
    draw.add_argument("--n", required=True, type=int, help="the sample size wanted in all")
    draw.set_defaults(func=cmd_draw)
    record = audit.add_parser("record", help="one audit board member's reading of one drawn paper")
    record.add_argument("--dir", required=True, type=Path)
    record.add_argument("--board", required=True, type=int, choices=[1, 2], help="which of the two members")
    record.add_argument("--label", help="STATION/BOX/POSITION (polling); a comparison audit takes the QR's id")
    record.add_argument("--qr", help="the paper's QR text (KP1:TAG:ID)")
    record.add_argument("--qr-image", type=Path, help="a photo of the paper's QR, read by the kiosk's decoder")
    record.add_argument("--shows", help="what the paper shows: CONTEST:OPTION,OPTION;CONTEST:")
    how = record.add_mutually_exclusive_group()
    how.add_argument("--missing", action="store_true", help="the paper cannot be found")
    how.add_argument("--no-qr", action="store_true", help="the paper has no readable QR")
    record.set_defaults(func=cmd_record)
    status = audit.add_parser("status", help="risk per assertion: stop, or escalate (exit 0 stop, 1 go on)")
    status.add_argument("--dir", required=True, type=Path)
    status.add_argument("--show", type=int, default=10, help="how many assertions to list (the riskiest first)")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_status)
    report = audit.add_parser("report", help="the audit's report as a PDF, in Korean and English")
    report.add_argument("--dir", required=True, type=Path)
    report.add_argument("--out", required=True, type=Path, help="the PDF file to write")
    report.set_defaults(func=cmd_report)
