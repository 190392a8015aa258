"""Reads for the organisation pages. Each returns data in a fixed number of queries,
whatever the number of groups or members (the tests hold them to it)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from branchsite.dates import add_years, long_date
from groups.access import current_committee_posts
from groups.models import (
    Branch,
    CommitteeRole,
    CommitteeTerm,
    GroupLeadership,
    GroupMembership,
    GroupRole,
    PartyGroup,
)
from groups.services import committee_eligibility_problems
from members.models import Category, Member, Status


@dataclass(frozen=True)
class Warning:
    """Something the secretary should act on. `level` is a Bootstrap colour."""

    message: str
    level: str = "warning"


def groups_with_counts(branch: Branch):
    """The branch's active groups with current member counts and current leaders."""
    current = Q(memberships__ended_on__isnull=True)
    return (
        PartyGroup.objects.filter(branch=branch, dissolved_on__isnull=True)
        .annotate(
            member_count=Count("memberships", filter=current),
            full_count=Count(
                "memberships", filter=current & Q(memberships__member__category=Category.FULL)
            ),
        )
        .annotate(probationary_count=F("member_count") - F("full_count"))
        .prefetch_related(
            Prefetch(
                "leaderships",
                queryset=GroupLeadership.objects.current().select_related("member"),
                to_attr="current_leaderships",
            )
        )
    )


def group_leader(group: PartyGroup, role: str = GroupRole.LEADER):
    """The current holder of `role` from a group fetched by `groups_with_counts`."""
    return next((x.member for x in group.current_leaderships if x.role == role), None)


def current_leaders(group: PartyGroup) -> dict[str, object]:
    """{"leader": Member or None, "deputy": Member or None} for one group (1 query)."""
    holders = {
        post.role: post.member
        for post in GroupLeadership.objects.current().filter(group=group).select_related("member")
    }
    return {"leader": holders.get(GroupRole.LEADER), "deputy": holders.get(GroupRole.DEPUTY)}


def group_warnings(group: PartyGroup, branch: Branch | None = None) -> list[Warning]:
    """Domain §1: a group has at least the branch's `min_group_size` members (3 by default),
    at least one full member, and a leader. Pass the group's `branch` when it is already
    loaded, to save a query."""
    branch = branch or group.branch
    warnings = []
    if group.member_count < branch.min_group_size:
        warnings.append(
            Warning(
                _("Only %(count)s members: a party group needs at least %(minimum)s.")
                % {"count": group.member_count, "minimum": branch.min_group_size}
            )
        )
    if group.full_count == 0:
        warnings.append(Warning(_("No full member: a party group needs at least one.")))
    if group_leader(group) is None:
        warnings.append(Warning(_("No group leader has been appointed.")))
    return warnings


def current_term(branch: Branch) -> CommitteeTerm | None:
    return branch.terms.order_by("-elected_on", "-number").first()


def term_posts(term: CommitteeTerm | None):
    if term is None:
        return []
    posts = current_committee_posts().filter(term=term).select_related("member")
    rank = {role: index for index, role in enumerate(CommitteeRole.values)}
    # 书记 first, then 副书记 and the 委员, as the posts are listed in Party documents.
    return sorted(posts, key=lambda post: (rank[post.role], post.started_on))


def term_warnings(
    branch: Branch,
    term: CommitteeTerm | None,
    posts: list,
    full_count: int,
    today: datetime.date,
) -> list[Warning]:
    warnings = []
    committee_required = full_count >= branch.min_full_members_for_committee
    if term is None:
        warnings.append(
            Warning(_("No committee term has been recorded: enter the current term and posts."))
        )
        return warnings

    days_left = (term.ends_on - today).days
    if days_left < 0:
        warnings.append(
            Warning(
                _(
                    "Term %(number)s ended on %(date)s: the branch is due to elect a new "
                    "committee (换届)."
                )
                % {"number": term.number, "date": long_date(term.ends_on)},
                level="danger",
            )
        )
    elif days_left <= branch.term_warning_days:
        warnings.append(
            Warning(
                ngettext(
                    "Term %(number)s ends on %(date)s, in %(days)s day: prepare the election.",
                    "Term %(number)s ends on %(date)s, in %(days)s days: prepare the election.",
                    days_left,
                )
                % {"number": term.number, "date": long_date(term.ends_on), "days": days_left}
            )
        )

    secretary = next((p.member for p in posts if p.role == CommitteeRole.SECRETARY), None)
    if secretary is None:
        warnings.append(Warning(_("The current term has no secretary."), level="danger"))
    elif not _has_standing(secretary, term.elected_on, branch.min_secretary_standing_years):
        warnings.append(
            Warning(
                _(
                    "Secretary %(name)s had less than %(years)s year of full membership "
                    "when elected."
                )
                % {"name": secretary.name, "years": branch.min_secretary_standing_years},
                level="info",
            )
        )
    # The same rule as the election's: no 预备党员, no one under 留党察看 (one query).
    problems = committee_eligibility_problems([post.member for post in posts], today)
    warnings += [Warning(message, level="danger") for message in problems.values()]
    # One person may hold two posts: the committee's size counts people (条例 第九条).
    people = len({post.member_id for post in posts})
    if committee_required and people < branch.min_committee_size:
        warnings.append(
            Warning(
                _(
                    "With %(count)s full members the branch must have a committee of at least "
                    "%(minimum)s people; only %(people)s people hold its posts."
                )
                % {"count": full_count, "minimum": branch.min_committee_size, "people": people}
            )
        )
    elif people > branch.max_committee_size:
        warnings.append(
            Warning(
                _("%(people)s people sit on the committee: it normally has at most %(maximum)s.")
                % {"people": people, "maximum": branch.max_committee_size},
                level="info",
            )
        )
    return warnings


def branch_overview(branch: Branch, today: datetime.date | None = None) -> dict:
    """Everything the branch overview page shows, in a fixed number of queries."""
    today = today or timezone.localdate()
    members = Member.objects.on_roll().filter(branch=branch)
    counts = members.aggregate(
        total=Count("pk"),
        # 停止党籍 members stay on the roll but do not count as full members (thresholds).
        full=Count("pk", filter=Q(category=Category.FULL) & ~Q(status=Status.SUSPENDED)),
        probationary=Count("pk", filter=Q(category=Category.PROBATIONARY)),
    )
    in_a_group = GroupMembership.objects.current().values("member")
    counts["ungrouped"] = members.exclude(pk__in=in_a_group).count()
    term = current_term(branch)
    posts = term_posts(term)
    groups = list(groups_with_counts(branch))
    for group in groups:
        group.leader = group_leader(group)
        group.deputy = group_leader(group, GroupRole.DEPUTY)
        group.warnings = group_warnings(group, branch)

    warnings = term_warnings(branch, term, posts, counts["full"], today)
    if counts["full"] < branch.min_full_members_for_branch:
        warnings.append(
            Warning(
                _("Only %(count)s full members: a branch needs at least %(minimum)s.")
                % {"count": counts["full"], "minimum": branch.min_full_members_for_branch},
                level="danger",
            )
        )
    if counts["total"] > branch.normal_max_branch_size:
        warnings.append(
            Warning(
                _("%(count)s members: a branch normally has no more than %(maximum)s.")
                % {"count": counts["total"], "maximum": branch.normal_max_branch_size},
                level="info",
            )
        )
    if counts["ungrouped"]:
        warnings.append(
            Warning(
                ngettext(
                    "%(count)s member is not in any party group.",
                    "%(count)s members are not in any party group.",
                    counts["ungrouped"],
                )
                % {"count": counts["ungrouped"]}
            )
        )
    return {
        "counts": counts,
        "committee_required": counts["full"] >= branch.min_full_members_for_committee,
        "committee_threshold": branch.min_full_members_for_committee,
        "term": term,
        "posts": posts,
        "groups": groups,
        "warnings": warnings,
        "group_warning_count": sum(len(g.warnings) for g in groups),
    }


def group_detail(group: PartyGroup, today: datetime.date | None = None) -> dict:
    """A group's current members, leaders, warnings and history, in a fixed number of queries."""
    group_with_counts = groups_with_counts(group.branch).get(pk=group.pk)
    memberships = list(group.memberships.select_related("member").order_by("member__name"))
    leader = group_leader(group_with_counts)
    deputy = group_leader(group_with_counts, GroupRole.DEPUTY)
    # The leader first, then the deputy, then everyone by name.
    rank = {getattr(leader, "pk", None): 0, getattr(deputy, "pk", None): 1}
    current_members = sorted(
        (m for m in memberships if m.ended_on is None), key=lambda m: rank.get(m.member_id, 2)
    )
    past_members = sorted(
        (m for m in memberships if m.ended_on is not None), key=lambda m: m.ended_on, reverse=True
    )
    leaderships = list(group.leaderships.select_related("member").order_by("-started_on"))
    return {
        "group": group_with_counts,
        "leader": leader,
        "deputy": deputy,
        "warnings": group_warnings(group_with_counts, group.branch),
        "current_members": current_members,
        "past_members": past_members,
        "leaderships": leaderships,
    }


def member_groups(member: Member) -> list[GroupMembership]:
    return list(member.group_memberships.select_related("group").order_by("-started_on"))


def _has_standing(member: Member, on: datetime.date, years: int) -> bool:
    """Party standing (党龄) counts from full membership (domain §3)."""
    if member.full_member_on is None:
        return False
    return add_years(member.full_member_on, years) <= on
