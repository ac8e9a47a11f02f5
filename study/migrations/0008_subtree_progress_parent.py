"""Each unit's subtree progress keeps the unit's parent, indexed with the figures a 党委's
children are ranked by (study.selectors.progress.LAGGING_ORDER): a page of 2,000 children
is a range of the index instead of a sort of all of them."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_parents(apps, schema_editor):
    Unit = apps.get_model("units", "Unit")
    SubtreeProgress = apps.get_model("study", "SubtreeProgress")
    SubtreeProgress.objects.update(
        parent_id=Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("parent_id"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("study", "0007_date_keyed_sums"),
        ("units", "0005_subtree_tally"),
    ]

    operations = [
        migrations.AddField(
            model_name="subtreeprogress",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="units.unit",
                verbose_name="上级党组织",
            ),
        ),
        migrations.RunPython(fill_parents, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="subtreeprogress",
            index=models.Index(
                fields=[
                    "parent",
                    "no_members",
                    "rate_tenths",
                    "average_tenths",
                    "-makeups_owed",
                    "unit",
                ],
                name="subtree_progress_lagging",
            ),
        ),
    ]
