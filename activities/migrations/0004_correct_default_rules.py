"""Corrections of the default rules of migration 0002 (issue 9), read against the text of the
《中国共产党支部工作条例（试行）》(2018):

- 组织生活会 (第二十一条: 每年至少召开1次, 一般安排在第四季度) and 民主评议党员 (第二十二条:
  一般每年开展1次) are duties of the calendar year (年度), due by 31 December, not of the
  school year. A meeting already recorded counts for the year of its date.
- 党课: 第十九条 sets no frequency for an ordinary branch (its one figure, 每年至少讲1次, is for
  党委（党组）书记). Quarterly stays the default as local practice, and its source says so.

The rows are corrected in place rather than superseded by newer ones: the law did not change
on a date, the earlier reading of it was wrong, so past years are judged by the right rule.
"""

from django.db import migrations

IN_FORCE = "2018-10-28"
YEARLY_SOURCE = "《中国共产党支部工作条例（试行）》（2018年）第二十一条、第二十二条：每年，一般在第四季度"
LECTURE_SOURCE = (
    "地方惯例（各地“三会一课”实施办法常见每季度1次）；《中国共产党支部工作条例（试行）》"
    "（2018年）第十九条未规定普通党支部的党课次数"
)
OLD_SOURCE = "《中国共产党支部工作条例（试行）》（2018年）"
YEARLY_KINDS = ("life", "evaluation")


def correct(apps, schema_editor):
    MeetingRule = apps.get_model("activities", "MeetingRule")
    defaults = MeetingRule.objects.filter(branch=None, effective_from=IN_FORCE)
    defaults.filter(kind__in=YEARLY_KINDS, period="year").update(
        period="calendar_year", due_month=12, due_day=31, source=YEARLY_SOURCE
    )
    defaults.filter(kind="lecture", source=OLD_SOURCE).update(source=LECTURE_SOURCE)


def restore(apps, schema_editor):
    MeetingRule = apps.get_model("activities", "MeetingRule")
    defaults = MeetingRule.objects.filter(branch=None, effective_from=IN_FORCE)
    defaults.filter(kind__in=YEARLY_KINDS, period="calendar_year").update(
        period="year", source=OLD_SOURCE
    )
    defaults.filter(kind="lecture", source=LECTURE_SOURCE).update(source=OLD_SOURCE)


class Migration(migrations.Migration):
    dependencies = [("activities", "0003_yearly_duties")]

    operations = [migrations.RunPython(correct, restore)]
