"""Admin for the recruitment pipeline (registered on import from members.admin).

The steps and time rules are national data: the site administrator enters a revision, the
branch committees read them. The records are the branch's own, scoped like the registry.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from groups.admin_scoping import BranchScopedAdmin, SearchLimitMixin, managed_branch_ids
from members.models import RecruitmentRecord, RecruitmentStep, TimeRule


class NationalDataAdmin(SearchLimitMixin, SimpleHistoryAdmin):
    """Readable by every committee member, changed by the site administrator only."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(RecruitmentStep)
class RecruitmentStepAdmin(NationalDataAdmin):
    list_display = [
        "order",
        "number",
        "name",
        "stage",
        "advances_to",
        "people_role",
        "requires_document",
        "repeatable",
        "optional",
    ]
    list_display_links = ["name"]
    list_filter = ["stage"]
    search_fields = ["name", "code"]


@admin.register(TimeRule)
class TimeRuleAdmin(NationalDataAdmin):
    list_display = ["code", "value", "unit", "effective_from", "source"]
    list_filter = ["code"]
    fieldsets = [
        (
            None,
            {
                "fields": ["code", "value", "unit", "effective_from", "source"],
                "description": _(
                    "A revised rule is a new row with the date it takes effect: keep the old "
                    "row, which still measures the periods that started before that date."
                ),
            },
        )
    ]


@admin.register(RecruitmentRecord)
class RecruitmentRecordAdmin(BranchScopedAdmin):
    branch_path = "member__branch_id"
    list_display = ["member", "step", "done_on", "reference", "document_name"]
    list_filter = ["step__stage", "step"]
    search_fields = ["member__name", "reference"]
    list_select_related = ["member", "step"]
    fields = [
        "member",
        "step",
        "done_on",
        "people",
        "document",
        "document_name",
        "reference",
        "training_days",
        "class_hours",
        "extension_months",
        "notice_ends_on",
        "note",
        "warnings",
    ]
    readonly_fields = ["warnings"]
    filter_horizontal = ["people"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        branch_ids = managed_branch_ids(request)
        if db_field.name == "people" and branch_ids is not None:
            field.queryset = field.queryset.filter(branch_id__in=branch_ids)
        return field
