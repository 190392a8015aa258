from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

from groups.admin_scoping import BranchScopedAdmin, ScopedInline, ViewOnlyMixin, managed_branch_ids
from groups.models import GroupMembership, PartyGroup
from members.models import Member, Sanction
from members.roster import views as roster_views


class GroupMembershipInline(ViewOnlyMixin, ScopedInline):
    """Shown, not edited, once the member exists: a move to another group is made from the
    group page, whose service ends the old membership and any post held in the old group.
    A member added here may be given their first group (there is nothing to end yet)."""

    model = GroupMembership

    def has_add_permission(self, request, obj=None):
        return obj is None

    fields = ["group", "started_on", "ended_on"]
    verbose_name_plural = _("party groups (with history)")


class SanctionInline(ViewOnlyMixin, ScopedInline):
    """Shown, not edited: a sanction is recorded from the member's page, whose service ends
    the posts that 留党察看 and 撤销党内职务 take away."""

    model = Sanction
    fields = ["kind", "started_on", "ends_on", "decision"]


class CurrentGroupFilter(admin.SimpleListFilter):
    title = _("current party group")
    parameter_name = "group"

    def lookups(self, request, model_admin):
        groups = PartyGroup.objects.filter(dissolved_on__isnull=True)
        branch_ids = managed_branch_ids(request)
        if branch_ids is not None:
            groups = groups.filter(branch__in=branch_ids)
        return [(str(group.pk), group.name) for group in groups]

    def queryset(self, request, queryset):
        # Only a group the filter offers; a tampered value ("abc") filters nothing.
        if self.value() in {pk for pk, _name in self.lookup_choices}:
            return queryset.in_groups([self.value()])
        return queryset


@admin.register(Member)
class MemberAdmin(BranchScopedAdmin):
    list_display = ["name", "gender", "category", "current_group", "joined_on", "branch"]
    list_filter = [CurrentGroupFilter, "category", "status", "gender", "branch"]
    search_fields = ["name", "id_number"]
    list_select_related = ["branch"]
    inlines = [GroupMembershipInline]
    fieldsets = [
        (
            _("Registry"),
            {
                "fields": [
                    "branch",
                    ("name", "gender"),
                    "id_number",
                    ("birth_date", "ethnicity"),
                    ("native_place", "education"),
                    "category",
                    ("joined_on", "full_member_on"),
                ]
            },
        ),
        (
            _("Work and contact"),
            {
                "fields": [
                    ("job", "employment"),
                    ("office", "position", "professional_title"),
                    "work_started_on",
                    "phone",
                    "address",
                    "dues_paid_until",
                ]
            },
        ),
        (
            _("Status"),
            {
                "description": _(
                    "Exits, suspensions and transfers are recorded from the member's page, "
                    "so that groups, posts and access follow."
                ),
                "fields": [
                    ("status", "status_since"),
                    ("exit_kind", "exit_ground"),
                    "status_reason",
                    ("lost_contact", "lost_contact_on"),
                    ("mobile", "mobile_destination"),
                ],
            },
        ),
        (_("Login account"), {"fields": ["user"]}),
    ]
    readonly_fields = ["status", "status_since", "exit_kind", "exit_ground", "status_reason"]
    raw_id_fields = ["user"]
    # Adds the "import roster" button; the import pages are in members.roster.views.
    change_list_template = "admin/members/member/roster_change_list.html"

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(lambda request: function(request, self))

        roster_urls = [
            path(
                "import/",
                view(roster_views.admin_roster_upload),
                name="members_member_roster_import",
            ),
            path(
                "import/preview/",
                view(roster_views.admin_roster_preview),
                name="members_member_roster_preview",
            ),
            path(
                "import/errors.xlsx",
                view(roster_views.admin_roster_errors),
                name="members_member_roster_errors",
            ),
        ]
        return roster_urls + super().get_urls()

    def get_queryset(self, request):
        return super().get_queryset(request).with_current_group()

    def get_inlines(self, request, obj):
        # Someone new has no sanctions: the add page shows only the group.
        return [GroupMembershipInline] if obj is None else [GroupMembershipInline, SanctionInline]

    def get_fieldsets(self, request, obj=None):
        # Linking login accounts is the site administrator's job until accounts get
        # their own page; a secretary cannot browse the user table.
        fieldsets = super().get_fieldsets(request, obj)
        if not request.user.is_superuser:
            return [fieldset for fieldset in fieldsets if fieldset[1]["fields"] != ["user"]]
        return fieldsets

    @admin.display(description=_("current party group"), ordering="current_group_name")
    def current_group(self, member):
        return member.current_group_name or "—"


# The recruitment pipeline keeps its admin classes in its own package.
from members.dues import admin as dues_admin  # noqa: E402, F401
from members.recruitment import admin as recruitment_admin  # noqa: E402, F401
