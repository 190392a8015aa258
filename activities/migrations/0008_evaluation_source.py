"""The default 民主评议党员 rule also names the text whose article we could read in a full
copy: 《中国共产党党员教育管理工作条例》(2019) 第十八条 "党支部一般每年开展1次民主评议党员"."""

from django.db import migrations

IN_FORCE = "2018-10-28"
BEFORE = "《中国共产党支部工作条例（试行）》（2018年）第二十一条、第二十二条：每年，一般在第四季度"
AFTER = (
    "《中国共产党党员教育管理工作条例》（2019年）第十八条：党支部一般每年开展1次民主评议党员；"
    "《中国共产党支部工作条例（试行）》（2018年）"
)


def name_the_source(apps, schema_editor):
    MeetingRule = apps.get_model("activities", "MeetingRule")
    MeetingRule.objects.filter(
        branch=None, effective_from=IN_FORCE, kind="evaluation", source=BEFORE
    ).update(source=AFTER)


def restore(apps, schema_editor):
    MeetingRule = apps.get_model("activities", "MeetingRule")
    MeetingRule.objects.filter(
        branch=None, effective_from=IN_FORCE, kind="evaluation", source=AFTER
    ).update(source=BEFORE)


class Migration(migrations.Migration):
    dependencies = [("activities", "0007_elections")]

    operations = [migrations.RunPython(name_the_source, restore)]
