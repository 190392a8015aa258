"""Every write a secretary may later be asked about goes through here, so that its history
row names who acted. Services call these inside their own transaction."""


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
