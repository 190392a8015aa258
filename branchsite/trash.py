"""The 回收站: a deleted member, meeting, activity or dues record can be brought back.

Deleting moves the record into the branch's recycle bin: everything its deletion takes along
(a meeting's attendance, motions and attachments; a member's group memberships and dues) is
written into one TrashItem, in Django's serialization, together with the links that the
deletion cleared (a host who was this member), and then deleted as before. The rest of the
product never sees a deleted row, so no query anywhere has to remember to leave one out;
the history keeps who deleted what, and the stored files stay on disk until the item is
emptied.

Restoring writes the rows back with their own keys, links again what was unlinked and adds
history rows naming who restored. If the rows no longer fit — a number since taken, a
person the meeting named since deleted — nothing is restored and the secretary is told why.
"""

import datetime
import json

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.db.models import FileField
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext

from branchsite.models import TrashItem
from branchsite.uploads import deleted_on_commit

# How long a deleted record stays in the bin before it is emptied for good.
KEEP_DAYS = settings.TRASH_KEEP_DAYS


def _collected(instance) -> tuple[Collector, list]:
    collector = Collector(using=DEFAULT_DB_ALIAS, origin=instance)
    collector.collect([instance])
    rows = []
    for instances in collector.data.values():
        rows.extend(sorted(instances, key=lambda row: row.pk))
    for queryset in collector.fast_deletes:
        rows.extend(queryset)
    return collector, rows


def _unlinked(collector: Collector) -> list[dict]:
    """The links the deletion clears (on_delete=SET_NULL): which rows pointed where."""
    links = []
    for (field, _value), batches in collector.field_updates.items():
        for batch in batches:
            for row in batch:
                links.append(
                    {
                        "model": row._meta.label_lower,
                        "pk": row.pk,
                        "field": field.attname,
                        "value": getattr(row, field.attname),
                    }
                )
    return links


def _files(rows) -> list[str]:
    return [
        getattr(row, field.attname).name
        for row in rows
        for field in row._meta.concrete_fields
        if isinstance(field, FileField) and getattr(row, field.attname)
    ]


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to milliseconds):
    a restored row is the row that was deleted."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _as_json(value):
    return json.loads(json.dumps(value, cls=_ExactEncoder))


@transaction.atomic
def trash_record(instance, *, branch, acting_user, label: str = "") -> TrashItem:
    """Delete `instance` and all its deletion takes along, into `branch`'s recycle bin."""
    collector, rows = _collected(instance)
    item = TrashItem.objects.create(
        branch=branch,
        model=instance._meta.label_lower,
        object_id=instance.pk,
        label=label or str(instance),
        deleted_by=acting_user,
        rows={
            "rows": _as_json(serializers.serialize("python", rows)),
            "links": _unlinked(collector),
        },
        files=_files(rows),
    )
    for row in rows:
        row._history_user = acting_user  # the history's deletion rows name who deleted
    collector.delete()
    trash_empty_expired()
    return item


def _restorable_rows(item: TrashItem) -> list:
    return list(serializers.deserialize("python", item.rows["rows"], ignorenonexistent=True))


@transaction.atomic
def trash_restore(*, item: TrashItem, acting_user):
    """Bring back what `item` holds; returns the restored record."""
    restored = _restorable_rows(item)
    try:
        with transaction.atomic():
            by_model: dict = {}
            for row in restored:
                # Raw: as the row was, without the save() of today's forms; the links of
                # many-to-many fields come back as their own rows, collected with the rest.
                # Inserted, never written over a row that has taken its key.
                row.object.save_base(raw=True, force_insert=True)
                by_model.setdefault(type(row.object), []).append(row.object)
            for link in item.rows["links"]:
                model = apps.get_model(link["model"])
                # Linked again unless someone has linked it elsewhere since.
                unlinked = {"pk": link["pk"], f"{link['field']}__isnull": True}
                model._base_manager.filter(**unlinked).update(**{link["field"]: link["value"]})
            # Foreign keys are checked at commit; here, so that a broken link is refused.
            connection.check_constraints(table_names=[model._meta.db_table for model in by_model])
    except IntegrityError as error:
        raise ValidationError(
            gettext(
                "This record cannot be restored: what it refers to has changed since it was "
                "deleted (a record it names was deleted, or its number is taken). Nothing "
                "was restored."
            )
        ) from error
    reason = gettext("Restored from the recycle bin")
    for model, objects in by_model.items():
        history = getattr(model, "history", None)
        if history is not None:
            history.bulk_history_create(
                objects, update=False, default_user=acting_user, default_change_reason=reason
            )
    item.delete()
    return apps.get_model(item.model)._base_manager.get(pk=item.object_id)


def trash_empty(items) -> int:
    """Empty `items` for good: their stored files are deleted once committed."""
    names = [name for item in items for name in item.files]
    count = len(items)
    TrashItem.objects.filter(pk__in=[item.pk for item in items]).delete()
    deleted_on_commit(names)
    return count


def trash_empty_expired(today: datetime.datetime | None = None) -> int:
    cutoff = (today or timezone.now()) - datetime.timedelta(days=KEEP_DAYS)
    return trash_empty(list(TrashItem.objects.filter(deleted_at__lt=cutoff)))
