"""``kiosk-central audit report``: the audit's outcome as a PDF for the public, in Korean and English.

reportlab lays it out (platypus paragraphs and tables); the Hangul font is the one the token
sheets use. The report names the seed, the method, the risk limit, every assertion's measured
risk, what could not be audited, every discrepancy (missing papers, papers without a QR, papers
of another election, counts that differ from the tapes, boards that disagreed) and the SHA-256 of
the plan, so that anyone with the published plan and records can re-run every figure. It holds
no ballot id and no paper's contents: what one drawn paper showed stays in the audit folder.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from kiosk.contract.election import Election
from sync.central.pdf_layout import build, styles

STATUS_WORDS = {"read": "read / 판독", "missing": "paper not found / 용지 없음",
                "no_qr": "no readable QR / QR 판독 불가", "other_election": "another election's paper / 다른 선거 용지"}


def write_report(path: Path, election: Election, summary: dict, plan_sha256: str) -> None:
    """Write the report of the audit whose :func:`~sync.central.audit.cli.summary` is ``summary``."""
    s = styles()
    p, head, sub = s.p, s.head, s.sub

    alpha = summary["risk_limit"]
    story = [p("위험 제한 감사 보고서 / Risk-limiting audit report", head),
             p(f"{election.title.ko} / {election.title.en}"),
             p(f"election fingerprint / 선거 지문: {election.fingerprint_hex}"),
             p(f"audit plan SHA-256 / 감사 계획: {plan_sha256}"), Spacer(1, 4 * mm),
             p(f"결과 / Verdict: {summary['verdict_ko']} / {summary['verdict']}", sub),
             s.table([["method / 방식", summary["method"]],
                     ["risk limit / 위험 한도", f"{alpha:g}"],
                     ["public seed / 공개 시드", summary["seed"]],
                     ["outcomes / 감사 대상", ", ".join(summary["outcomes"])],
                     ["population / 모집단", str(summary["population"])],
                     ["papers drawn / 추출 용지", str(summary["drawn"])],
                     ["agreed by both boards / 두 감사원 합의", str(summary["agreed"])]]
                    + [[STATUS_WORDS[k], str(v)] for k, v in sorted(summary["statuses"].items())])]
    story.append(p("주장별 위험 / Risk per assertion", sub))
    rows = [["assertion / 주장", "contests / 경선", "risk / 위험", "sampled / 표본", "met / 충족"]]
    rows += [[a["name"], ", ".join(a["contests"]), f"{a['risk']:.4f}", f"{a['sampled']} / {a['population']}",
              ("yes / 예" if a["met"] else "no / 아니오") + (f" ({a['note']})" if a["note"] else "")]
             for a in summary["assertions"]]
    story.append(s.table(rows, header=True))
    for title, lines in (("감사할 수 없는 것 / Not auditable by this tool", summary["not_auditable"]),
                         ("불일치 / Discrepancies", summary["problems"]
                          + ([f"{len(summary['disagree'])} drawn papers where the two board members disagree: to be "
                              f"read again / 두 감사원의 기록이 다른 용지 {len(summary['disagree'])}장"]
                             if summary["disagree"] else []))):
        story.append(p(title, sub))
        story += [p(f"• {line}") for line in lines] or [p("none / 없음")]
    story += [Spacer(1, 4 * mm),
              p("Anyone can re-run this audit: the sample is SHA-256(\"kiosk-audit-ticket/1\", seed, label), "
                "smallest first (docs/audit.md); the risk is ALPHA (Stark 2023) over the papers in drawing order. "
                "누구나 공개 시드와 감사 기록으로 이 결과를 다시 계산할 수 있습니다.")]
    build(path, story, "Risk-limiting audit report")
