"""Dues payments and special dues name the branch they were paid to: the member's branch
at the time. Rows (and their history) written before are the member's branch today, the
only one they can have had: members did not move between branches of the site until now."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def paid_to_members_branch(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    branch_of_member = Subquery(
        Member.objects.filter(pk=OuterRef("member_id")).values("branch")[:1]
    )
    for name in ("DuesPayment", "HistoricalDuesPayment", "SpecialDues", "HistoricalSpecialDues"):
        apps.get_model("members", name).objects.update(branch=branch_of_member)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0007_upper_committees"),
        ("members", "0012_id_number_taken_names_no_branch"),
    ]

    operations = [
        migrations.AddField(
            model_name="duespayment",
            name="branch",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="dues_payments",
                to="groups.branch",
                verbose_name="paid to branch",
            ),
        ),
        migrations.AddField(
            model_name="historicalduespayment",
            name="branch",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="groups.branch",
                verbose_name="paid to branch",
            ),
        ),
        migrations.AddField(
            model_name="historicalspecialdues",
            name="branch",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="groups.branch",
                verbose_name="paid to branch",
            ),
        ),
        migrations.AddField(
            model_name="specialdues",
            name="branch",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="special_dues",
                to="groups.branch",
                verbose_name="paid to branch",
            ),
        ),
        migrations.RunPython(paid_to_members_branch, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="duespayment",
            name="branch",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="dues_payments",
                to="groups.branch",
                verbose_name="paid to branch",
            ),
        ),
        migrations.AlterField(
            model_name="specialdues",
            name="branch",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="special_dues",
                to="groups.branch",
                verbose_name="paid to branch",
            ),
        ),
    ]
