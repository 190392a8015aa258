"""A whole district at scale (`manage.py generate_district`): upper committees (教育工委), N
schools' branches with their committees, four subject-based party groups each, about fifty
members in every category and status, people in every stage of recruitment, and
`years` school years of 三会一课 with attendance, 补学, activities, 民主评议 and dues.

Everything is deterministic: one `random.Random` per branch, seeded from the district's
seed and the branch's number, and dates relative to `today`; the same seed on the same day
gives the same data, and a branch's data does not depend on the others (a run that stopped
half-way resumes where it stopped).

Rows are written in bulk, one transaction per branch, with the history rows the services
would have written (`bulk_create_with_history`; for a changed row a second, "~", history
row). The meeting rules are the app's (`RuleBook`, the default `MeetingRule` rows of the
2018 条例) and the school calendar its default one (`default_terms`, 寒暑假 around 春节).
The ballots of 民主评议 stay anonymous as the services keep them: counters without voters
(`GradeCount`) and who voted (`BallotCast`), neither with history. People in recruitment
and the dues payments are written through the services themselves
(`recruitment_step_record`, `dues_collect`), which check the statutory deadlines and
compute the amounts.

Accounts (`district_accounts`), all with the password `password` (the demo's,
`branchsite-demo`, by default), for seed S and branch number NNN (001…):

- `sS-district1`, `sS-district2`…: viewers of each upper committee (UpperCommitteeViewer);
- `sS-bNNN-shuji`: the secretary of branch NNN (书记, member of its current committee);
- `sS-bNNN-zu1` … `sS-bNNN-zu4`: the leaders of its four party groups.
"""

from demo.district.names import (
    DEFAULT_PASSWORD,
    branch_code,
    committee_code,
    district_accounts,
    district_exists,
    leader_username,
    school_names,
    secretary_username,
    viewer_username,
)
from demo.district.run import BranchGenerator, District, generate_district

__all__ = [
    "DEFAULT_PASSWORD",
    "BranchGenerator",
    "District",
    "branch_code",
    "committee_code",
    "district_accounts",
    "district_exists",
    "generate_district",
    "leader_username",
    "school_names",
    "secretary_username",
    "viewer_username",
]
