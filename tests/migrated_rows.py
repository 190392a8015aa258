"""The rows the data migrations seed (RunPython: dues brackets, meeting rules and agendas,
recruitment steps and time rules, and every later correction of them), put back after each
flush of the test database.

A transactional test (every browser test: `live_server`) ends with Django's flush, which
empties every table and then sends `post_migrate`, whose receivers recreate the content types
and permissions but not what the migrations seeded. pytest-django runs the transactional tests
after those that use the database, and before those without database access, some of which
read it from a module fixture (the printed reports, the demo school); in any order a later
test would find those tables empty. Copying the rows once after the migrations and loading
them again from that `post_migrate` keeps the migrated state for every test, at the cost of a
few hundred small queries a flush, and needs no list of seeding functions to keep up to date.

Django's own `serialized_rollback` restores the whole database at the start of the test that
asks for it, but its flush then skips `post_migrate` (so as not to load the rows twice),
leaving even the content types empty for whatever runs next: it fixes only the tests marked
with it. A test that uses it, or `available_apps`, leaves its flush without this restore too.
"""

from django.apps import apps
from django.core import serializers
from django.db import connections, router, transaction


class MigratedRows:
    """The rows in a database's tables right after its migrations, model by model."""

    def __init__(self, alias: str):
        self.alias = alias
        self.rows: dict[str, dict[type, str]] = {}  # app label → model → its rows as JSON
        connection = connections[alias]
        for app_config in apps.get_app_configs():
            for model in app_config.get_models():
                if not model._meta.can_migrate(connection):  # proxies, unmanaged models
                    continue
                if not router.allow_migrate_model(alias, model):
                    continue
                rows = model._base_manager.using(alias).order_by("pk")
                if rows.exists():
                    self.rows.setdefault(app_config.label, {})[model] = serializers.serialize(
                        "json", rows
                    )

    def restore(self, app_config, using: str) -> None:
        """Load again the rows of `app_config`'s models that a flush emptied. A table that is
        not empty was refilled by an earlier receiver (content types, permissions): kept."""
        if using != self.alias:
            return
        emptied = [
            model
            for model in self.rows.get(app_config.label, {})
            if not model._base_manager.using(using).exists()
        ]
        if not emptied:
            return
        connection = connections[using]
        # As Django's own deserialize_db_from_string: rows may point at rows loaded after them.
        with transaction.atomic(using=using):
            with connection.constraint_checks_disabled():
                for model in emptied:
                    for row in serializers.deserialize(
                        "json", self.rows[app_config.label][model], using=using
                    ):
                        row.save(using=using)
            connection.check_constraints(table_names=[model._meta.db_table for model in emptied])

    def receive_post_migrate(self, sender, app_config, using, **kwargs) -> None:
        self.restore(app_config, using)
