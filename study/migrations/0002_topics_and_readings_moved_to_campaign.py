"""The 四加一 topics and the required readings now belong to the campaign app
(campaign/0010 took their tables): the study ledger's sessions and self-study entries
point there. Nothing changes in the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("campaign", "0010_topics_and_readings_from_study"),
        ("study", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='studysession',
                    name='topic',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='sessions', to='campaign.topic', verbose_name='四加一专题'),
                ),
                migrations.AlterField(
                    model_name='studysession',
                    name='readings',
                    field=models.ManyToManyField(blank=True, related_name='sessions', to='campaign.reading', verbose_name='涉及必读科目'),
                ),
                migrations.AlterField(
                    model_name='selfstudy',
                    name='readings',
                    field=models.ManyToManyField(blank=True, related_name='self_studies', to='campaign.reading', verbose_name='涉及必读科目'),
                ),
                migrations.DeleteModel(name='Topic'),
                migrations.DeleteModel(name='Reading'),
            ],
        ),
    ]
