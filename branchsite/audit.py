"""Every write a secretary may later be asked about goes through here, so that its history
row names who acted. Services call these inside their own transaction."""

from simple_history.utils import bulk_create_with_history


def audited_save(instance, *, acting_user, update_fields=None, exclude=None) -> None:
    """Validate, then save with `acting_user` as the author of the history row.

    `exclude` skips the validation of fields that came from the database unchanged (a
    foreign key checked again costs a query a row); `update_fields` writes only those."""
    instance.full_clean(exclude=exclude)
    instance._history_user = acting_user
    instance.save(update_fields=update_fields)


def audited_delete(instance, *, acting_user) -> None:
    """Delete with `acting_user` as the author of the history row that keeps the record."""
    instance._history_user = acting_user
    instance.delete()


def audited_note(instance, *, acting_user, reason: str, field: str) -> None:
    """A history row for an action on a record whose own fields do not change (a password
    reset on a member's account): who acted and why. Saving `field`, unchanged, writes the
    row; nothing is validated again, so old data cannot block the action."""
    instance._history_user = acting_user
    instance._change_reason = reason
    instance.save(update_fields=[field])


def audited_bulk_create(model, instances, *, acting_user) -> list:
    """Create `instances` of `model` in one query, with their history rows in another."""
    return bulk_create_with_history(list(instances), model, default_user=acting_user)


def audited_bulk_history(instances, *, acting_user, update: bool = False) -> None:
    """History rows, in one query, for rows just written in bulk (`bulk_create`,
    `bulk_update`), which write none themselves (the roster import, which validates its
    rows in bulk first)."""
    if not instances:
        return
    for instance in instances:
        instance._history_user = acting_user
    type(instances[0]).history.bulk_history_create(
        instances, update=update, default_user=acting_user, default_change_reason=None
    )
