"""The secretary's workbench for meetings: the records (recorded on our pages, where the
attendance list is derived), the meeting rules and the school calendar.

Rules and agenda templates without a branch are the defaults every branch sees; only the
site administrator changes them. A branch overrides a rule by adding its own row.
"""

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from activities.forms import MeetingForm
from activities.models import (
    Activity,
    AgendaTemplate,
    Attendance,
    DutyPost,
    Election,
    HardshipCase,
    HomeVisitReason,
    Meeting,
    MeetingRule,
    Pairing,
    Pledge,
    SchoolTerm,
    StudyRule,
    Suggestion,
)
from activities.services import meeting_update
from groups.admin_scoping import (
    BranchScopedAdmin,
    ScopedInline,
    ViewOnlyMixin,
    managed_branch_ids,
)


class AttendanceInline(ScopedInline):
    model = Attendance
    fields = ["member", "category", "presence", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(BranchScopedAdmin):
    """Meetings are recorded on the meeting pages, which derive the attendance list; here
    the secretary searches them and corrects a field."""

    list_display = ["held_on", "kind", "group", "topic", "place", "reviewed", "open_page"]
    list_filter = ["kind", "group", "changed_after_review"]
    search_fields = ["topic", "place", "minutes", "speaker"]
    list_select_related = ["group"]
    inlines = [AttendanceInline]
    readonly_fields = [
        "branch",
        "kind",
        "created_by",
        "reviewed_at",
        "reviewed_by",
        "changed_after_review",
    ]
    # The record's fields as the meeting pages edit them, then who recorded and reviewed it.
    fields = ["branch", *MeetingForm.Meta.fields, *readonly_fields[2:]]
    scoped_foreign_keys = {
        **BranchScopedAdmin.scoped_foreign_keys,
        "host": "branch_id",
        "recorder": "branch_id",
    }

    def has_add_permission(self, request):
        return False

    @admin.display(boolean=True, description=_("reviewed"))
    def reviewed(self, meeting):
        return meeting.reviewed_at is not None

    @admin.display(description=_("page"))
    def open_page(self, meeting):
        return format_html(
            '<a href="{}">{}</a>', reverse("activities:meeting", args=[meeting.pk]), _("open")
        )

    def save_model(self, request, obj, form, change):
        meeting_update(meeting=obj, acting_user=request.user)


class DefaultsVisibleAdmin(BranchScopedAdmin):
    """Shows the branch's rows and the defaults; the defaults are read-only here."""

    def get_queryset(self, request):
        queryset = super(BranchScopedAdmin, self).get_queryset(request)
        branch_ids = managed_branch_ids(request)
        if branch_ids is None:
            return queryset
        return queryset.filter(Q(branch_id__in=branch_ids) | Q(branch__isnull=True))

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.branch_id is None and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.branch_id is None and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("branch"))
    def branch_or_default(self, row):
        return row.branch or _("Default for every branch")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "branch" in form.base_fields and not request.user.is_superuser:
            form.base_fields["branch"].required = True
            form.base_fields["branch"].empty_label = None
        return form


@admin.register(MeetingRule)
class MeetingRuleAdmin(DefaultsVisibleAdmin):
    list_display = [
        "kind",
        "branch_or_default",
        "times",
        "period",
        "per_group",
        "min_term_days",
        "required",
        "effective_from",
    ]
    list_filter = ["kind", "period"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "branch",
                    "kind",
                    "times",
                    "period",
                    ("due_month", "due_day"),
                    "per_group",
                    "min_term_days",
                    "required",
                    "effective_from",
                    "source",
                ],
                "description": _(
                    "Rows without a branch are the defaults, each with its source: the 2018 "
                    "支部工作条例, or local practice where the 条例 sets no figure. To follow "
                    "a local rule, add a row for your branch and the meeting type with the date "
                    "it takes effect; it replaces the default from that date."
                ),
            },
        )
    ]


@admin.register(AgendaTemplate)
class AgendaTemplateAdmin(DefaultsVisibleAdmin):
    list_display = ["title", "kind", "branch_or_default", "topic"]
    list_filter = ["kind"]
    fields = ["branch", "kind", "title", "topic", "agenda", "sort_order"]


@admin.register(SchoolTerm)
class SchoolTermAdmin(BranchScopedAdmin):
    list_display = ["name", "starts_on", "ends_on", "branch"]
    fieldsets = [
        (
            None,
            {
                "fields": ["branch", "name", "starts_on", "ends_on"],
                "description": _(
                    "The school calendar: one row a semester. The days between two terms are "
                    "holidays (寒暑假), when monthly meetings are not owed."
                ),
            },
        )
    ]


@admin.register(Election)
class ElectionAdmin(ViewOnlyMixin, BranchScopedAdmin):
    """Elections are recorded step by step on the election pages, which check every count;
    here the secretary finds them and reads their history."""

    list_display = ["meeting", "kind", "seats", "approved_on", "term", "open_page"]
    list_filter = ["kind"]
    list_select_related = ["meeting", "term"]

    @admin.display(description=_("page"))
    def open_page(self, election):
        return format_html(
            '<a href="{}">{}</a>', reverse("activities:election", args=[election.pk]), _("open")
        )


@admin.register(HomeVisitReason)
class HomeVisitReasonAdmin(DefaultsVisibleAdmin):
    list_display = ["name", "branch_or_default", "sort_order"]
    fields = ["branch", "name", "sort_order"]


@admin.register(StudyRule)
class StudyRuleAdmin(DefaultsVisibleAdmin):
    list_display = ["hours_per_year", "branch_or_default", "effective_from", "source"]
    fieldsets = [
        (
            None,
            {
                "fields": ["branch", "hours_per_year", "effective_from", "source"],
                "description": _(
                    "The class hours of study a member owes a year; members below are flagged "
                    "on the year totals. The default row gives its source; a row for your "
                    "branch replaces it from its date."
                ),
            },
        )
    ]


@admin.register(Activity)
class ActivityAdmin(ViewOnlyMixin, BranchScopedAdmin):
    """Activities are recorded on the other-work pages, which empty the fields of other
    kinds and check the participants; here the secretary finds them and reads their
    history."""

    list_display = ["held_on", "kind", "title", "group", "owner", "open_page"]
    list_filter = ["kind"]
    list_select_related = ["group", "owner"]
    search_fields = ["title", "counterpart"]
    exclude = ["private_notes"]

    @admin.display(description=_("page"))
    def open_page(self, activity):
        return format_html(
            '<a href="{}">{}</a>', reverse("activities:work", args=[activity.pk]), _("open")
        )


class RecordedOnPagesAdmin(ViewOnlyMixin, BranchScopedAdmin):
    """Recorded on the other-work pages, whose services check what a plain form would skip;
    here the secretary finds the rows and reads their history."""

    list_select_related = ["member"]
    search_fields = ["member__name"]


@admin.register(Pairing)
class PairingAdmin(RecordedOnPagesAdmin):
    list_display = ["member", "kind", "partner_name", "started_on", "ended_on"]
    list_filter = ["kind"]


@admin.register(HardshipCase)
class HardshipCaseAdmin(RecordedOnPagesAdmin):
    list_display = ["member", "person_name", "opened_on", "closed_on"]
    search_fields = ["member__name", "person_name"]


@admin.register(Pledge)
class PledgeAdmin(RecordedOnPagesAdmin):
    list_display = ["member", "year", "kind", "outcome"]
    list_filter = ["year", "kind"]


@admin.register(DutyPost)
class DutyPostAdmin(RecordedOnPagesAdmin):
    list_display = ["member", "kind", "place", "started_on", "ended_on"]
    list_filter = ["kind"]


@admin.register(Suggestion)
class SuggestionAdmin(ViewOnlyMixin, BranchScopedAdmin):
    list_display = ["raised_on", "group", "category", "text"]
    list_filter = ["category"]
    list_select_related = ["group"]
    search_fields = ["text", "answer"]
