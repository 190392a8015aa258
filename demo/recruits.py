"""People in recruitment at the demo school: two applicants, two activists and a candidate,
their steps recorded through `members.recruitment` and dated back from the day of the demo."""

import datetime
from dataclasses import dataclass

from django.db import transaction

from branchsite.audit import audited_save
from groups.models import Branch
from members.models import Category, Member, RecruitmentStep
from members.recruitment import recruitment_step_record


@dataclass(frozen=True)
class _DemoRecruit:
    name: str
    gender: str
    birth_date: datetime.date
    office: str
    steps: tuple  # (step code, days before today, {"people": key of the people to involve})


# Steps dated in days before today.
DEMO_RECRUITS = [
    _DemoRecruit(
        "王思远", "male", datetime.date(1999, 4, 12), "数学组",
        (("application", 12, {}),),
    ),
    _DemoRecruit(
        "陈晓雯", "female", datetime.date(1997, 10, 3), "语文组",
        (
            ("application", 80, {}),
            ("talk", 62, {"people": "committee"}),
        ),
    ),
    _DemoRecruit(
        "李俊杰", "male", datetime.date(1994, 1, 20), "体育组",
        (
            ("application", 560, {}),
            ("talk", 545, {"people": "committee"}),
            ("activist_chosen", 400, {}),
            ("activist_filed", 390, {}),
            ("mentors_assigned", 388, {"people": "mentors"}),
            ("activist_review", 220, {}),
        ),
    ),
    _DemoRecruit(
        "赵雨欣", "female", datetime.date(1998, 6, 30), "英语组",
        (
            ("application", 260, {}),
            ("talk", 240, {"people": "committee"}),
            ("activist_chosen", 165, {}),
            ("activist_filed", 158, {}),
            ("mentors_assigned", 155, {"people": "mentors"}),
        ),
    ),
    _DemoRecruit(
        "孙浩然", "male", datetime.date(1992, 11, 8), "科学组",
        (
            ("application", 900, {}),
            ("talk", 880, {"people": "committee"}),
            ("activist_chosen", 760, {}),
            ("activist_filed", 750, {}),
            ("mentors_assigned", 748, {"people": "mentors"}),
            ("activist_review", 580, {}),
            ("activist_review", 400, {}),
            ("activist_review", 220, {}),
            ("candidate_chosen", 60, {}),
            ("candidate_filed", 50, {}),
            ("sponsors_assigned", 45, {"people": "sponsors"}),
            ("political_review", 20, {}),
        ),
    ),
]  # fmt: skip


@transaction.atomic
def seed_demo_recruitment(branch: Branch, today: datetime.date, *, acting_user=None) -> list:
    """Two applicants, two activists and a candidate with realistic steps, dated back from
    `today` so that the to-do list has something due, late and ready. Does nothing when the
    branch already has people in recruitment. Returns the people created."""
    if Member.objects.filter(branch=branch).in_recruitment().exists():
        return []
    full_members = list(
        Member.objects.on_roll().filter(branch=branch, category=Category.FULL).order_by("pk")
    )
    people = {
        "committee": full_members[:2],
        "mentors": full_members[2:4],
        "sponsors": full_members[4:6],
    }
    steps = {step.code: step for step in RecruitmentStep.objects.all()}
    created = []
    for number, recruit in enumerate(DEMO_RECRUITS, start=1):
        member = Member(
            branch=branch,
            name=recruit.name,
            gender=recruit.gender,
            birth_date=recruit.birth_date,
            office=recruit.office,
            job="专业技术人员（教师）",
            category=Category.APPLICANT,
            joined_on=None,
            full_member_on=None,
        )
        audited_save(member, acting_user=acting_user)
        for index, (code, days_ago, extra) in enumerate(recruit.steps, start=1):
            on = today - datetime.timedelta(days=days_ago)
            recruitment_step_record(
                member=member,
                step=steps[code],
                on=on,
                people=people.get(extra.get("people"), ()),
                reference=f"发展档案{number}-{index:02d}",
                acting_user=acting_user,
                today=today,
            )
            member.refresh_from_db()
        created.append(member)
    return created
