"""The steps and time limits of the 2014 细则 (中国共产党发展党员工作细则), as data.

A later revision is entered as new rows (a time rule with a later effective date), never by
editing these. The rows are frozen here on purpose: the migration must not change when the
code does.
"""

import datetime

from django.db import migrations

XIZE_2014 = datetime.date(2014, 5, 28)  # 中共中央办公厅印发之日

A, B, C, P, F = "applicant", "activist", "candidate", "probationary", "full"

# (order, number, code, name, stage, advances_to, people_role, min, max,
#  requires_document, documents, repeatable, optional)
STEPS = [
    (10, 1, "application", "递交入党申请书", A, "", "none", 0, 0, True, "入党申请书", False, False),
    (20, 2, "talk", "党组织派人谈话", A, "", "participants", 1, 3, True, "谈话记录", False, False),
    (30, 3, "activist_chosen", "推荐和确定入党积极分子", A, B, "none", 0, 0, True, "推荐材料、支部委员会会议记录", False, False),
    (40, 4, "activist_filed", "上级党委备案", B, "", "none", 0, 0, True, "备案材料", False, False),
    (50, 5, "mentors_assigned", "指定培养联系人", B, "", "mentors", 1, 2, False, "", False, False),
    (60, 6, "activist_review", "培养教育考察", B, "", "none", 0, 0, True, "培养教育考察登记表、思想汇报", True, False),
    (70, 7, "candidate_chosen", "确定发展对象", B, C, "none", 0, 0, True, "支部委员会会议记录、党小组意见", False, False),
    (80, 8, "candidate_filed", "报上级党委备案", C, "", "none", 0, 0, True, "备案材料", False, False),
    (90, 9, "sponsors_assigned", "确定入党介绍人", C, "", "sponsors", 2, 2, False, "", False, False),
    (100, 10, "political_review", "进行政治审查", C, "", "none", 0, 0, True, "政审材料", False, False),
    (110, 11, "training", "开展集中培训", C, "", "none", 0, 0, True, "培训结业证书", True, False),
    (120, 12, "committee_review", "支部委员会审查", C, "", "none", 0, 0, True, "支部委员会会议记录", False, False),
    (130, 13, "pre_review", "上级党委预审", C, "", "none", 0, 0, True, "预审意见", False, False),
    (140, 14, "application_form", "填写入党志愿书", C, "", "none", 0, 0, True, "入党志愿书", False, False),
    (150, 15, "admission_meeting", "支部大会讨论", C, P, "none", 0, 0, True, "支部大会会议记录", False, False),
    (160, 16, "upper_talk", "上级党委派人谈话", P, "", "none", 0, 0, True, "谈话记录", False, False),
    (170, 17, "admission_approval", "上级党委审批", P, "", "none", 0, 0, True, "上级党委批复", False, False),
    (180, 18, "approval_filed", "再上级党委组织部门备案", P, "", "none", 0, 0, True, "备案材料", False, False),
    (190, 19, "placed_in_group", "编入党支部和党小组", P, "", "none", 0, 0, False, "", False, False),
    (200, 20, "oath", "入党宣誓", P, "", "none", 0, 0, False, "宣誓活动记录", False, False),
    (210, 21, "probation_review", "继续教育考察", P, "", "none", 0, 0, True, "思想汇报、考察记录", True, False),
    (220, 22, "full_application", "提出转正申请", P, "", "none", 0, 0, True, "转正申请书", False, False),
    (230, 23, "full_meeting", "支部大会讨论转正", P, "", "none", 0, 0, True, "支部大会会议记录", False, False),
    (235, None, "probation_extended", "延长预备期", P, "", "none", 0, 0, True, "支部大会决议、上级党委批复", False, True),
    (240, 24, "full_approval", "上级党委审批转正", P, F, "none", 0, 0, True, "上级党委批复", False, False),
    (250, 25, "archived", "材料归档", F, "", "none", 0, 0, False, "", False, False),
]  # fmt: skip

XIZE = "《中国共产党发展党员工作细则》（2014年）"
RULES = [
    ("minimum_age", 18, "years",
     "《中国共产党章程》第一条；" + XIZE + "：年满十八岁的……先进分子……可以申请加入中国共产党"),
    ("talk_within", 1, "months",
     XIZE + "：党组织收到入党申请书后，应当在一个月内派人同入党申请人谈话"),
    ("activist_review_every", 6, "months",
     XIZE + "：党支部每半年对入党积极分子进行一次考察"),
    ("activist_before_candidate", 1, "years",
     XIZE + "：对经过一年以上培养教育和考察、基本具备党员条件的入党积极分子……可列为发展对象"),
    ("training_min_days", 3, "days",
     XIZE + "：对发展对象进行短期集中培训，培训时间一般不少于三天（或不少于二十四个学时）"),
    ("training_min_hours", 24, "hours",
     XIZE + "：对发展对象进行短期集中培训，培训时间一般不少于三天（或不少于二十四个学时）"),
    ("approval_within", 3, "months",
     XIZE + "：上级党组织对支部大会通过接收的预备党员，应当在三个月内审批"),
    ("approval_at_most", 6, "months",
     XIZE + "：遇有特殊情况可适当延长审批时间，但不得超过六个月"),
    ("probation", 1, "years",
     "《中国共产党章程》第七条：预备党员的预备期为一年，从支部大会通过他为预备党员之日算起"),
    ("extension_min", 6, "months",
     "《中国共产党章程》第七条；" + XIZE + "：延长预备期的时间不能少于半年，最长不超过一年"),
    ("extension_max", 12, "months",
     "《中国共产党章程》第七条；" + XIZE + "：延长预备期的时间不能少于半年，最长不超过一年"),
    ("full_approval_within", 3, "months",
     XIZE + "：上级党组织对党支部上报的预备党员转正决议，应当在三个月内审批"),
    ("reminder_lead", 1, "months",
     "本系统的默认提醒提前量（非党内法规规定，可按本地习惯调整）"),
]  # fmt: skip


def seed(apps, schema_editor):
    RecruitmentStep = apps.get_model("members", "RecruitmentStep")
    TimeRule = apps.get_model("members", "TimeRule")
    for (
        order, number, code, name, stage, advances_to, people_role, min_people, max_people,
        requires_document, documents, repeatable, optional,
    ) in STEPS:  # fmt: skip
        RecruitmentStep.objects.update_or_create(
            code=code,
            defaults={
                "order": order,
                "number": number,
                "name": name,
                "stage": stage,
                "advances_to": advances_to,
                "people_role": people_role,
                "min_people": min_people,
                "max_people": max_people,
                "requires_document": requires_document,
                "documents": documents,
                "repeatable": repeatable,
                "optional": optional,
            },
        )
    for code, value, unit, source in RULES:
        TimeRule.objects.update_or_create(
            code=code,
            effective_from=XIZE_2014,
            defaults={"value": value, "unit": unit, "source": source},
        )


def unseed(apps, schema_editor):
    apps.get_model("members", "RecruitmentStep").objects.filter(
        code__in=[step[2] for step in STEPS], records__isnull=True
    ).delete()
    apps.get_model("members", "TimeRule").objects.filter(effective_from=XIZE_2014).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_recruitment"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
