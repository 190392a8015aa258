"""Factories for the organisation and members. Dates default to a stable past."""

import datetime

import factory
from django.contrib.auth import get_user_model

from groups.models import (
    Branch,
    BranchViewer,
    CommitteeMembership,
    CommitteeRole,
    CommitteeTerm,
    GroupLeadership,
    GroupMembership,
    GroupRole,
    PartyGroup,
    UpperCommittee,
    UpperCommitteeViewer,
)
from members.models import Category, Gender, Member

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class UpperCommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UpperCommittee
        django_get_or_create = ["name"]

    name = "区教育系统党工委"
    code = factory.Sequence(lambda n: f"upper{n}")


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    name = factory.Sequence(lambda n: f"第{n}党支部")
    code = factory.Sequence(lambda n: f"branch{n}")
    school = "实验小学"
    upper_committee = factory.SubFactory(UpperCommitteeFactory)
    founded_on = datetime.date(2010, 9, 1)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"党员{n}")
    gender = Gender.FEMALE
    birth_date = datetime.date(1985, 3, 8)
    category = Category.FULL
    joined_on = datetime.date(2010, 7, 1)
    full_member_on = datetime.date(2011, 7, 1)

    class Params:
        probationary = factory.Trait(
            category=Category.PROBATIONARY,
            joined_on=datetime.date(2026, 6, 1),
            full_member_on=None,
        )


class PartyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyGroup

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"第{n}党小组")
    offices = "语文组"


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(PartyGroupFactory)
    member = factory.SubFactory(MemberFactory, branch=factory.SelfAttribute("..group.branch"))
    started_on = datetime.date(2020, 9, 1)


class GroupLeadershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupLeadership

    group = factory.SubFactory(PartyGroupFactory)
    member = factory.SubFactory(MemberFactory, branch=factory.SelfAttribute("..group.branch"))
    role = GroupRole.LEADER
    started_on = datetime.date(2020, 9, 1)


class CommitteeTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeTerm

    branch = factory.SubFactory(BranchFactory)
    number = factory.Sequence(lambda n: n + 1)
    elected_on = datetime.date(2025, 6, 1)


class CommitteeMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeMembership

    term = factory.SubFactory(CommitteeTermFactory)
    member = factory.SubFactory(MemberFactory, branch=factory.SelfAttribute("..term.branch"))
    role = CommitteeRole.SECRETARY
    started_on = factory.SelfAttribute("term.elected_on")


class BranchViewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BranchViewer

    branch = factory.SubFactory(BranchFactory)
    user = factory.SubFactory(UserFactory)
    organisation = "区教育系统党工委"


class UpperCommitteeViewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UpperCommitteeViewer

    upper_committee = factory.SubFactory(UpperCommitteeFactory)
    user = factory.SubFactory(UserFactory)


def member_in_group(group, *, user=None, **fields) -> Member:
    """A member of `group`'s branch placed in `group` (today, without history)."""
    member = MemberFactory(branch=group.branch, user=user, **fields)
    GroupMembershipFactory(group=group, member=member)
    return member


def recorded_meeting(
    *,
    branch,
    kind="group",
    group=None,
    held_on=datetime.date(2026, 10, 15),
    acting_user=None,
    absences=None,
    motions=(),
    **fields,
):
    """A meeting recorded through the service: its expected attendees derived from the
    roster on `held_on`, everyone present except `absences` ({member: (presence, reason)})."""
    from activities.models import Meeting
    from activities.services import Absence, meeting_record

    fields.setdefault("place", "会议室")
    fields.setdefault("topic", "学习研讨")
    meeting = Meeting(branch=branch, kind=kind, group=group, held_on=held_on, **fields)
    entries = {
        member.pk: Absence(presence, reason)
        for member, (presence, reason) in (absences or {}).items()
    }
    return meeting_record(
        meeting=meeting, acting_user=acting_user, absences=entries, motions=list(motions)
    )
