"""The year-end documents in the workbench: a list to find a year's summaries and plans and
download them. They are written on their own pages (the editor keeps every version), so
the workbench neither adds, changes nor deletes them."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from groups.admin_scoping import BranchChoicesMixin, WorkbenchMixin, managed_branch_ids
from reports.models import YearDocument


@admin.register(YearDocument)
class YearDocumentAdmin(WorkbenchMixin, BranchChoicesMixin, admin.ModelAdmin):
    list_display = ["year", "kind", "owner", "version_count", "downloads"]
    list_filter = ["year", "kind"]
    list_select_related = ["branch", "group"]
    search_fields = ["group__name", "branch__name"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(version_count=Count("versions"))
        branch_ids = managed_branch_ids(request)
        return queryset if branch_ids is None else queryset.filter(branch_id__in=branch_ids)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("branch or party group"))
    def owner(self, document):
        return document.group.name if document.group_id else document.branch.name

    @admin.display(description=_("versions"), ordering="version_count")
    def version_count(self, document):
        return document.version_count

    @admin.display(description=_("downloads"))
    def downloads(self, document):
        links = [(reverse("reports:year_document", args=[document.pk]), _("open"))]
        links += [
            (reverse("reports:year_document_file", args=[document.pk, extension]), label)
            for extension, label in (("pdf", "PDF"), ("docx", "Word"))
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', links)
