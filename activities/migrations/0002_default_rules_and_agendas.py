"""The defaults of domain §2 (2018 支部工作条例) as rows every branch starts from, and the
agendas a school branch uses most. A branch changes them in the workbench: a rule of its own
for a meeting type replaces the default from the date it gives."""

import datetime

from django.db import migrations

SOURCE = "《中国共产党支部工作条例（试行）》（2018年）"
IN_FORCE = datetime.date(2018, 10, 28)

# (type, period, times, per group, minimum term days in the period). A month or quarter with
# fewer than 10 days of term (August; July–August, the part of the third quarter after the
# school year's last days) is holiday: nothing is owed.
RULES = [
    ("committee", "month", 1, False, 10),
    ("general", "quarter", 1, False, 10),
    ("group", "month", 1, True, 10),
    ("lecture", "quarter", 1, False, 10),
    ("themed_day", "month", 1, False, 10),
    ("life", "year", 1, False, 1),
    ("evaluation", "year", 1, False, 1),
]

AGENDAS = [
    (
        "group",
        "集中学习",
        "学习研讨",
        "1. 组长传达支部近期工作安排\n2. 集中学习：\n3. 党员交流发言\n4. 组长小结",
    ),
    (
        "group",
        "工作交流",
        "结合教育教学工作交流",
        "1. 组长通报本组党员工作情况\n2. 交流教育教学中发挥先锋模范作用的做法\n"
        "3. 收集教职工意见建议\n4. 组长小结",
    ),
    (
        "committee",
        "支委会",
        "研究支部近期工作",
        "1. 传达上级文件和会议精神\n2. 研究本月支部工作安排\n3. 讨论：\n4. 明确分工和完成时间",
    ),
    (
        "general",
        "党员大会",
        "",
        "1. 通报支部近期工作\n2. 学习：\n3. 讨论（表决）：\n4. 书记小结",
    ),
    (
        "lecture",
        "党课",
        "",
        "1. 主持人介绍主讲人\n2. 主讲人讲党课：\n3. 交流讨论\n4. 主持人小结",
    ),
    (
        "themed_day",
        "主题党日",
        "",
        "1. 重温入党誓词\n2. 集中学习\n3. 主题活动：\n4. 交纳党费",
    ),
    (
        "life",
        "组织生活会",
        "年度组织生活会",
        "1. 通报上年度整改落实情况\n2. 书记代表支委会作对照检查\n"
        "3. 党员逐一对照检查，开展批评和自我批评\n4. 形成问题清单和整改措施",
    ),
    (
        "evaluation",
        "民主评议党员",
        "年度民主评议党员",
        "1. 学习评议有关文件\n2. 党员个人总结、自我评价\n3. 党员互评\n4. 组织评议，确定等次",
    ),
]


def add_defaults(apps, schema_editor):
    MeetingRule = apps.get_model("activities", "MeetingRule")
    AgendaTemplate = apps.get_model("activities", "AgendaTemplate")
    for kind, period, times, per_group, min_term_days in RULES:
        MeetingRule.objects.get_or_create(
            branch=None,
            kind=kind,
            effective_from=IN_FORCE,
            defaults={
                "period": period,
                "times": times,
                "per_group": per_group,
                "min_term_days": min_term_days,
                "source": SOURCE,
            },
        )
    for order, (kind, title, topic, agenda) in enumerate(AGENDAS):
        AgendaTemplate.objects.get_or_create(
            branch=None,
            kind=kind,
            title=title,
            defaults={"topic": topic, "agenda": agenda, "sort_order": order},
        )


def remove_defaults(apps, schema_editor):
    apps.get_model("activities", "MeetingRule").objects.filter(branch=None).delete()
    apps.get_model("activities", "AgendaTemplate").objects.filter(branch=None).delete()


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_meetings")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
