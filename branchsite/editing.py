"""Two people editing one record: the second save is refused, saying what the first changed.

An edit form carries a stamp of the record as it was when the page was opened: a short
digest of each field the form edits. On save the stamp is compared with the record as it is
now, read under a row lock inside the save's transaction. If a field differs, someone saved
in between: the form is shown again with what the user typed, a message naming who changed
what and what it holds now, and a fresh stamp, so a second click saves the user's version
deliberately. Changes to fields the form does not show (a review mark, a password reset)
do not count: they are not overwritten.

The stamp is computed from the record itself, so it needs no version column, and it covers
every record an edit form or the workbench changes.
"""

import base64
import hashlib

from django import forms
from django.db import transaction
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext

from branchsite.users import display_name

STAMP_FIELD = "edit_stamp"
DIGEST_SIZE = 4


def _value(instance, field):
    if field.many_to_many:
        if instance.pk is None:
            return []
        return sorted(getattr(instance, field.name).values_list("pk", flat=True))
    return field.value_from_object(instance)


def _digest(value) -> bytes:
    return hashlib.blake2b(repr(value).encode(), digest_size=DIGEST_SIZE).digest()


def stamp_of(instance, fields) -> str:
    """The stamp of `instance` over the model fields `fields`, in order."""
    raw = b"".join(_digest(_value(instance, field)) for field in fields)
    return base64.urlsafe_b64encode(raw).decode()


def changed_fields(stamp: str, instance, fields) -> list:
    """The fields of `instance` that differ from those `stamp` was made of (all of them if
    the stamp is not one of ours)."""
    try:
        raw = base64.urlsafe_b64decode(stamp.encode())
    except (ValueError, UnicodeError):
        raw = b""
    if len(raw) != DIGEST_SIZE * len(fields):
        return list(fields)
    return [
        field
        for index, field in enumerate(fields)
        if raw[index * DIGEST_SIZE : (index + 1) * DIGEST_SIZE] != _digest(_value(instance, field))
    ]


def shown(instance, field) -> str:
    """A field's value as a person reads it, short."""
    if field.many_to_many:
        value = "、".join(str(item) for item in getattr(instance, field.name).all())
    elif field.choices:
        value = getattr(instance, f"get_{field.name}_display")()
    else:
        value = getattr(instance, field.name)
    if value is None or value == "" or value == []:
        return gettext("(empty)")
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if hasattr(value, "isoformat"):
        return formats.localize(value)
    return Truncator(str(value)).chars(60)


def last_change(instance) -> str:
    """Who saved `instance` last and when, from its history, or nothing if it has none."""
    history = getattr(type(instance), "history", None)
    if history is None:
        return ""
    row = instance.history.select_related("history_user__member").first()
    if row is None:
        return ""
    when = formats.date_format(timezone.localtime(row.history_date), "SHORT_DATETIME_FORMAT")
    who = display_name(row.history_user, nobody=gettext("system"))
    return gettext("%(who)s saved it at %(when)s.") % {"who": who, "when": when}


class EditStampMixin:
    """For a ModelForm that edits a saved record (and the workbench's forms): refuses the
    save when a field it shows was changed by someone else since the page was opened.

    Templates put `{{ form.stamp_input }}` inside the <form>. A submission without a stamp
    (an old page, a script) is not checked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.edit_conflict = []
        self._stamp = None

    def _stamped_fields(self):
        model_fields = {field.name: field for field in self._meta.model._meta.get_fields()}
        return [
            model_fields[name]
            for name in self.fields
            if name in model_fields and getattr(model_fields[name], "concrete", False)
        ]

    def _stamp_now(self, instance) -> str:
        return stamp_of(instance, self._stamped_fields())

    @property
    def stamp_input(self):
        if self._stamp is None:
            # From the saved row, not the instance: the workbench's "restore this version"
            # form edits an old version, and the stamp must be of what is saved now. Made
            # when the page is drawn, after the form has settled which fields it shows.
            saved = self._saved_row(lock=False) if self.instance.pk else None
            self._stamp = self._stamp_now(saved) if saved is not None else ""
        if not self._stamp:
            return ""
        return format_html('<input type="hidden" name="{}" value="{}">', STAMP_FIELD, self._stamp)

    def full_clean(self):
        super().full_clean()
        sent = self.data.get(STAMP_FIELD) if self.is_bound else None
        if sent and self.instance.pk:
            self._check_stamp(sent)

    def _saved_row(self, *, lock: bool):
        rows = self._meta.model._base_manager.filter(pk=self.instance.pk)
        if lock and transaction.get_connection().in_atomic_block:
            # Inside the save's transaction: no one else can save it before this one ends.
            rows = rows.select_for_update()
        return rows.first()

    def _check_stamp(self, sent: str) -> None:
        current = self._saved_row(lock=True)
        if current is None or not hasattr(self, "cleaned_data"):
            return
        fields = self._stamped_fields()
        changed = changed_fields(sent, current, fields)
        self._stamp = self._stamp_now(current)
        if not changed:
            return
        self.edit_conflict = changed
        lines = [
            " ".join(
                part
                for part in (
                    gettext("Not saved: someone changed this record after you opened the page."),
                    last_change(current),
                    gettext(
                        "What you typed is kept below. Check it against what is saved now, "
                        "then save again to keep your version."
                    ),
                )
                if part
            )
        ]
        for field in changed:
            label = self.fields[field.name].label or field.verbose_name
            lines.append(
                gettext("%(field)s now reads: %(value)s")
                % {"field": label, "value": shown(current, field)}
            )
        self.add_error(None, forms.ValidationError(lines))
