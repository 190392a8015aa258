"""The figures an election is judged by, as dated data with their sources: an election is
judged by the rules of its own day (`branchsite.rules.DatedRules`).

Two texts have governed a branch's elections, the 中国共产党基层组织选举工作暂行条例 (issued
1990-06-27) and the 中国共产党基层组织选举工作条例 (issued and in force 2020-07-13, which
repealed it). Both:
- the meeting can elect when those with the right to vote present are more than four fifths
  of those who should attend (应到会);
- committee members are elected with at least 20 % more candidates than seats (差额; 1990
  第十二条 "为应选人数的百分之二十", 2020 第十三条 "不少于应选人数的20%"), rounded up; a
  secretary elected by the general meeting of a branch without a committee may be the only
  candidate (等额);
- a candidate is elected with more than half of the votes of those with the right to vote
  **present** (实到会). The 地方组织选举工作条例 counts those who should attend (应到会); a
  基层 election, which already needs four fifths present, counts those present.
Article numbers we could not read in an official copy are left out of the sources.
"""

import datetime
from dataclasses import dataclass
from fractions import Fraction

from branchsite.rules import DatedRules


@dataclass(frozen=True)
class ElectionRules:
    effective_from: datetime.date
    # Those with the right to vote present must be more than this share of those expected.
    quorum: Fraction
    # Committee members: at least this share of the seats in extra candidates (rounded up).
    margin: Fraction
    # The base of "more than half": those expected (应到会) or those present (实到会).
    elected_of_expected: bool
    source: str


ELECTION_RULES = DatedRules(
    [
        ElectionRules(
            effective_from=datetime.date(1990, 6, 27),
            quorum=Fraction(4, 5),
            margin=Fraction(1, 5),
            elected_of_expected=False,
            source="《中国共产党基层组织选举工作暂行条例》（1990）：到会超过应到会人数的4/5；"
            "委员候选人差额为应选人数的20%（第十二条）；赞成票超过实到会有选举权人数的一半",
        ),
        ElectionRules(
            effective_from=datetime.date(2020, 7, 13),
            quorum=Fraction(4, 5),
            margin=Fraction(1, 5),
            elected_of_expected=False,
            source="《中国共产党基层组织选举工作条例》（2020）：到会超过应到会人数的4/5；"
            "委员候选人差额不少于应选人数的20%（第十三条）；赞成票超过实到会有选举权人数的一半",
        ),
    ],
    key=lambda rules: "election",
)


def election_rules_on(day: datetime.date) -> ElectionRules:
    """The rules in force on `day` (before 1990, the 1990 rules: the earliest on record)."""
    return ELECTION_RULES.in_force("election", day)
