"""The dues brackets in the workbench: national data, read by every committee member and
changed by the site administrator only. A revised schedule is a new set of rows with the date
it takes effect."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from members.models import DuesBracket
from members.recruitment.admin import NationalDataAdmin


@admin.register(DuesBracket)
class DuesBracketAdmin(NationalDataAdmin):
    list_display = ["category", "up_to", "rate_percent", "monthly_amount", "effective_from"]
    list_filter = ["category", "effective_from"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "category",
                    "up_to",
                    "rate_percent",
                    "monthly_amount",
                    "effective_from",
                    "source",
                ],
                "description": _(
                    "A revised schedule is a new set of rows with the date it takes effect: "
                    "keep the old rows, which still compute the months before that date."
                ),
            },
        )
    ]
