"""The defaults of the branch's other work: the yearly class hours of study a member owes,
and the reasons for a home visit a school counts (seed 001: 学困生, 家庭困难, 因病). A branch
adds its own reasons, or its own study rule, in the workbench."""

import datetime
from decimal import Decimal

from django.db import migrations

STUDY_SOURCE = (
    "《2019—2023年全国党员教育培训工作规划》：党员每年集中学习培训时间一般不少于32学时"
)
STUDY_IN_FORCE = datetime.date(2019, 11, 1)
REASONS = ["学困", "家庭困难", "因病", "其他"]


def seed(apps, schema_editor):
    StudyRule = apps.get_model("activities", "StudyRule")
    HomeVisitReason = apps.get_model("activities", "HomeVisitReason")
    StudyRule.objects.get_or_create(
        branch=None,
        effective_from=STUDY_IN_FORCE,
        defaults={"hours_per_year": Decimal("32"), "source": STUDY_SOURCE},
    )
    for order, name in enumerate(REASONS):
        HomeVisitReason.objects.get_or_create(
            branch=None, name=name, defaults={"sort_order": order}
        )


def unseed(apps, schema_editor):
    apps.get_model("activities", "StudyRule").objects.filter(
        branch=None, effective_from=STUDY_IN_FORCE
    ).delete()
    apps.get_model("activities", "HomeVisitReason").objects.filter(
        branch=None, name__in=REASONS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("activities", "0009_other_work")]

    operations = [migrations.RunPython(seed, unseed)]
