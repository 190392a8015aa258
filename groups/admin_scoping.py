"""Admin classes that show a committee member only their own branches' rows.

Everything an admin page can reach is scoped: changelists, change and history pages,
foreign-key choices and the choices listed in filters. A record of another branch is
"not found", never "forbidden", so nobody learns it exists.
"""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import UniqueConstraint
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from branchsite.editing import EditStampMixin
from branchsite.forms import BoundedModelMultipleChoiceField, within_key_range
from branchsite.trash import trash_record
from groups.access import roles_for
from groups.models import Branch


def managed_branch_ids(request):
    """None for a superuser (no limit), else the branches the user manages."""
    roles = roles_for(request.user)
    return None if roles.is_superuser else roles.managed_branch_ids


class BranchChoicesMixin:
    """Limits foreign-key choices (branch, group, member, term) to the user's branches."""

    scoped_foreign_keys = {
        "branch": "pk",
        "group": "branch_id",
        "member": "branch_id",
        "term": "branch_id",
    }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = TolerantAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        path = self.scoped_foreign_keys.get(db_field.name)
        branch_ids = managed_branch_ids(request)
        if field is not None and path and branch_ids is not None:
            field.queryset = field.queryset.filter(**{f"{path}__in": branch_ids})
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", BoundedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class TolerantAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget, which looks up the submitted value to show it again and
    fails on one that is not a key ("abc"): such a value is shown as nothing chosen, and
    the form's own field says it is not a valid choice."""

    def optgroups(self, name, value, attr=None):
        key_field = self.field.remote_field.model._meta.get_field(
            self.field.remote_field.field_name
        )
        valid = []
        for item in value:
            try:
                key_field.to_python(item)
            except ValidationError:
                continue
            if within_key_range(item):
                valid.append(item)
        return super().optgroups(name, valid, attr)


class SearchLimitMixin:
    """A search longer than `search_limit` is cut: no name or number is longer, and SQLite
    refuses a LIKE pattern of 50,000 characters."""

    search_limit = 100

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term[: self.search_limit])


class WholeRecordConstraints:
    """Admin form mixin: the model's constraints are checked over the whole record, not only
    over the fields the form edits. Django skips a constraint that involves a read-only field
    (a group meeting's type), and the save would then fail in the service with a 500."""

    def _post_clean(self):
        super()._post_clean()
        try:
            self.instance.validate_constraints(exclude=set(self.errors))
        except ValidationError as error:
            self._update_errors(error)


class WorkbenchMixin(SearchLimitMixin):
    """The workbench's wording and pace: titles that name the thing ("党员", "新增党员",
    "编辑党员") instead of the stock "选择 党员 来修改", 25 rows a page, and no date
    drill-down (its year list reads the whole table and runs back to the oldest record)."""

    list_per_page = 25

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (EditStampMixin, WholeRecordConstraints, form), {})

    date_hierarchy = None

    def changelist_view(self, request, extra_context=None):
        title = {"title": capfirst(self.model._meta.verbose_name_plural)}
        return super().changelist_view(request, {**title, **(extra_context or {})})

    def add_view(self, request, form_url="", extra_context=None):
        title = {"title": gettext("New %(name)s") % {"name": self.model._meta.verbose_name}}
        return super().add_view(request, form_url, {**title, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        editable = self.has_change_permission(request)
        wording = gettext("Edit %(name)s") if editable else gettext("View %(name)s")
        title = {"title": wording % {"name": self.model._meta.verbose_name}}
        return super().change_view(request, object_id, form_url, {**title, **(extra_context or {})})


class BranchScopedAdmin(WorkbenchMixin, BranchChoicesMixin, SimpleHistoryAdmin):
    """Lists and edits only rows of the user's branches. `branch_path` leads to the branch id."""

    branch_path = "branch_id"

    def get_history_queryset(self, request, history_manager, pk_name: str, object_id):
        # The history list names each person (沈卫东): their member record comes along.
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return queryset.select_related("history_user__member")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        branch_ids = managed_branch_ids(request)
        if branch_ids is None:
            return queryset
        return queryset.filter(**{f"{self.branch_path}__in": branch_ids})

    def get_list_filter(self, request):
        # A plain relation filter lists every branch and group in the database; this one
        # lists only those the visible rows refer to.
        scoped = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and get_fields_from_path(self.model, entry)[-1].is_relation:
                entry = (entry, admin.RelatedOnlyFieldListFilter)
            scoped.append(entry)
        return scoped

    def history_view(self, request, object_id, extra_context=None):
        # simple_history falls back to the history table for rows outside get_queryset.
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    # Deleting moves the record, with all its deletion takes along, into its branch's
    # recycle bin (branchsite.trash), from which the committee restores it.
    trash_deletes = True

    def delete_model(self, request, obj):
        if not self.trash_deletes:
            return super().delete_model(request, obj)
        branch_id = type(obj)._base_manager.filter(pk=obj.pk).values_list(self.branch_path)[0][0]
        trash_record(obj, branch=Branch.objects.get(pk=branch_id), acting_user=request.user)

    def delete_queryset(self, request, queryset):
        if not self.trash_deletes:
            return super().delete_queryset(request, queryset)
        for obj in queryset:
            self.delete_model(request, obj)

    def _require_in_scope(self, request, object_id):
        if managed_branch_ids(request) is None:
            return
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404


class ConditionalUniqueInlineFormSet(BaseInlineFormSet):
    """Checks conditional unique constraints ("one current leader per group") across the rows
    as submitted.

    Django leaves the parent key out of an inline form's validation, so a constraint naming
    it is otherwise only checked by the database, as an error page. Checking the submitted
    rows also lets the secretary end the old leader and add the new one in one save.
    """

    def clean(self):
        super().clean()
        for constraint in self.model._meta.constraints:
            if (
                isinstance(constraint, UniqueConstraint)
                and constraint.condition is not None
                and self.fk.name in constraint.fields
            ):
                self._check_constraint(constraint)

    def _check_constraint(self, constraint):
        attnames = [self.model._meta.get_field(name).attname for name in constraint.fields]
        seen = set()
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            if self._should_delete_form(form) or not getattr(form, "cleaned_data", None):
                continue
            instance = form.instance
            against = instance._get_field_expression_map(meta=self.model._meta)
            if not constraint.condition.check(against, using=self.queryset.db):
                continue
            key = tuple(getattr(instance, attname) for attname in attnames)
            if key in seen:
                form.add_error(None, constraint.get_violation_error_message())
            seen.add(key)


class ScopedInline(BranchChoicesMixin, admin.TabularInline):
    extra = 0
    formset = ConditionalUniqueInlineFormSet


class ViewOnlyMixin:
    """Shown, not edited, in the workbench: rows whose writes go through a service that
    keeps rules a plain admin form would skip (placing members in groups, appointing
    leaders: "a leader who leaves the group stops leading it")."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
