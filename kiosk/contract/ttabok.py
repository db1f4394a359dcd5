"""The seed's real case: the 2017 Gyeonggi Ttabok community vote, as an election body.

872 communities in groups of 12 (72 groups of 12 and one of 8). Each community votes with
its own ballot style: the contest of its group, every proposal of the group shown, its own
proposal excluded (greyed, with the reason); a member may like up to 6 proposals. Each
proposal gains a participation bonus by how many members of its community voted: 10 points
at 8 or more, 5 at 5 to 7, 0 at 4 or fewer. Each community got 9 member tokens.
"""

from __future__ import annotations

TTABOK_COMMUNITIES = 872
GROUP_SIZE = 12
TOKENS_PER_COMMUNITY = 9
MAX_LIKES = 6
BONUS_BANDS = ((8, 10), (5, 5), (0, 0))


def community_id(i: int) -> str:
    return f"C{i:03d}"


def group_of(i: int) -> int:
    """Group number (1-based) of community ``i`` (1-based)."""
    return (i - 1) // GROUP_SIZE + 1


def ttabok_spec(communities: int = TTABOK_COMMUNITIES) -> dict:
    """The election body (without keys) of a Ttabok vote with ``communities`` communities."""
    if not 2 <= communities <= 9999:
        raise ValueError("a Ttabok vote needs between 2 and 9999 communities")
    groups: dict[int, list[int]] = {}
    for i in range(1, communities + 1):
        groups.setdefault(group_of(i), []).append(i)
    if len(groups[max(groups)]) == 1:  # a group of one could like nobody: join it to the previous
        groups[max(groups) - 1] += groups.pop(max(groups))
    contests, styles = [], []
    for g, members in groups.items():
        gid = f"G{g:02d}"
        contests.append({
            "id": gid,
            "title": {"ko": f"{g}조 주민제안 심사", "en": f"Group {g} proposals"},
            "rule": "approval", "min": 0, "max": min(MAX_LIKES, len(members) - 1),
            "options": [{"id": f"P{i:03d}", "proposed_by": community_id(i),
                         "title": {"ko": f"따복공동체 {i:03d}의 제안", "en": f"Proposal of community {i:03d}"}}
                        for i in members],
        })
        for i in members:
            styles.append({"id": community_id(i),
                           "title": {"ko": f"따복공동체 {i:03d}", "en": f"Ttabok community {i:03d}"},
                           "contests": [gid], "exclude": [f"P{i:03d}"]})
    suffix = "" if communities == TTABOK_COMMUNITIES else f"-{communities}"
    return {
        "id": f"ttabok-2017{suffix}",
        "title": {"ko": "2017 경기도 따복공동체 주민제안 공모사업 주민심사",
                  "en": "2017 Gyeonggi Ttabok Community Proposals Vote"},
        "contests": contests,
        "styles": styles,
        "tally": {"participation_bonus": {"bands": [{"min_participants": m, "points": p}
                                                    for m, p in BONUS_BANDS]}},
        "privacy_floor": 10,
        "paper_record": True,
        "nodes": [],
    }
