from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from groups.admin_scoping import BranchScopedAdmin, ScopedInline, ViewOnlyMixin, WorkbenchMixin
from groups.models import (
    Branch,
    BranchViewer,
    CommitteeMembership,
    CommitteeTerm,
    GroupLeadership,
    GroupMembership,
    PartyGroup,
    UpperCommittee,
    UpperCommitteeViewer,
)


class CommitteeMembershipInline(ScopedInline):
    model = CommitteeMembership
    fields = ["role", "member", "started_on", "ended_on"]
    autocomplete_fields = ["member"]


class ThroughTheGroupPageInline(ViewOnlyMixin, ScopedInline):
    """Shown, not edited: placing members and appointing leaders go through the services
    (the group page's actions)."""


class GroupMembershipInline(ThroughTheGroupPageInline):
    model = GroupMembership
    fields = ["member", "started_on", "ended_on"]
    verbose_name_plural = _("members (with history)")


class GroupLeadershipInline(ThroughTheGroupPageInline):
    model = GroupLeadership
    fields = ["role", "member", "started_on", "ended_on"]
    verbose_name_plural = _("leaders (with history)")


def group_page_note(group) -> str:
    """Where members and leaders are changed, with a link to that page."""
    if group is None or group.pk is None:
        return "-"
    note = gettext(
        "Members and leaders are changed on the group page, with its buttons “%(place)s” "
        "and “%(appoint)s”, so that the group's rules apply: a leader who leaves the "
        "group stops leading it."
    ) % {"place": gettext("Add a member"), "appoint": gettext("Appoint leader")}
    return format_html(
        '{} <a href="{}">{}</a>',
        note,
        reverse("overview:group_detail", args=[group.pk]),
        gettext("Open the group page"),
    )


@admin.register(Branch)
class BranchAdmin(BranchScopedAdmin):
    branch_path = "pk"
    # A whole branch (the site administrator's) has no branch's bin to go into.
    trash_deletes = False
    list_display = ["name", "code", "school", "upper_committee", "founded_on"]
    list_select_related = ["upper_committee"]
    search_fields = ["name", "school", "code"]

    def get_readonly_fields(self, request, obj=None):
        # Which upper committee reads the branch is the site administrator's to say: a
        # secretary who could change it could show the branch to another district.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return [*super().get_readonly_fields(request, obj), "upper_committee"]

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "code",
                    "school",
                    "upper_committee",
                    "founded_on",
                    "committee_term_years",
                    "term_warning_days",
                    "transfer_letter_valid_days",
                ]
            },
        ),
        (
            _("Organisation thresholds"),
            {
                "fields": [
                    "min_full_members_for_branch",
                    "min_full_members_for_committee",
                    "normal_max_branch_size",
                    "min_group_size",
                    "min_committee_size",
                    "max_committee_size",
                    "min_secretary_standing_years",
                ]
            },
        ),
        (
            _("Attendance flags"),
            {
                "fields": [
                    "absences_in_a_row",
                    "low_attendance_rate_percent",
                    "min_meetings_for_rate",
                ]
            },
        ),
        (_("Member evaluation"), {"fields": ["excellent_cap_denominator"]}),
        (_("Party dues"), {"fields": ["dues_base_changes"]}),
    ]


@admin.register(CommitteeTerm)
class CommitteeTermAdmin(BranchScopedAdmin):
    list_display = ["__str__", "elected_on", "ends_on"]
    list_filter = ["branch"]
    inlines = [CommitteeMembershipInline]


@admin.register(PartyGroup)
class PartyGroupAdmin(BranchScopedAdmin):
    list_display = ["name", "branch", "offices", "current_member_count"]
    list_filter = ["branch"]
    search_fields = ["name", "offices"]
    readonly_fields = ["members_and_leaders"]
    inlines = [GroupLeadershipInline, GroupMembershipInline]

    @admin.display(description=_("Members and leaders"))
    def members_and_leaders(self, group):
        return group_page_note(group)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                current_member_count=Count(
                    "memberships", filter=Q(memberships__ended_on__isnull=True)
                )
            )
        )

    @admin.display(description=_("current members"), ordering="current_member_count")
    def current_member_count(self, group):
        return group.current_member_count


@admin.register(GroupMembership)
class GroupMembershipAdmin(ViewOnlyMixin, BranchScopedAdmin):
    branch_path = "group__branch_id"
    list_display = ["member", "group", "started_on", "ended_on"]
    list_filter = ["group__branch", "group"]
    search_fields = ["member__name", "group__name"]
    autocomplete_fields = ["member"]
    list_select_related = ["member", "group"]


@admin.register(GroupLeadership)
class GroupLeadershipAdmin(ViewOnlyMixin, BranchScopedAdmin):
    branch_path = "group__branch_id"
    list_display = ["group", "role", "member", "started_on", "ended_on"]
    list_filter = ["group__branch", "role"]
    search_fields = ["member__name", "group__name"]
    autocomplete_fields = ["member"]
    list_select_related = ["member", "group"]


@admin.register(BranchViewer)
class BranchViewerAdmin(BranchScopedAdmin):
    list_display = ["user", "branch", "organisation"]
    list_filter = ["branch"]
    raw_id_fields = ["user"]


class SiteAdministratorAdmin(WorkbenchMixin, SimpleHistoryAdmin):
    """The upper committees and their viewers: the site administrator's alone (the
    committee's permission backend refuses these models, see SUPERUSER_ONLY_PERMISSIONS)."""

    list_per_page = 25


@admin.register(UpperCommittee)
class UpperCommitteeAdmin(SiteAdministratorAdmin):
    list_display = ["name", "code", "branch_count"]
    search_fields = ["name", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(branch_total=Count("branches"))

    @admin.display(description=_("branches"), ordering="branch_total")
    def branch_count(self, committee):
        return committee.branch_total


@admin.register(UpperCommitteeViewer)
class UpperCommitteeViewerAdmin(SiteAdministratorAdmin):
    list_display = ["user", "upper_committee"]
    list_filter = ["upper_committee"]
    list_select_related = ["user", "upper_committee"]
    raw_id_fields = ["user"]
