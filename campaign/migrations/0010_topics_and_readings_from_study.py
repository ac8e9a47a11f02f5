"""The 四加一 topics and the required readings are part of the plan the office sets: they
move here from the study app with their rows (study_topic → campaign_topic,
study_reading → campaign_reading; nothing is copied)."""

import django.db.models.deletion
from django.db import migrations, models

OLD_APP = "study"
NEW_APP = "campaign"
MODELS = ["topic", "reading"]


def _content_types(apps, old, new, models):
    """Move the models' content types (and so their permissions and admin history) to
    the app that now holds them, instead of leaving stale ones behind."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        moved = ContentType.objects.filter(app_label=old, model=model).first()
        if moved is None:
            continue
        # One made meanwhile for the new label (by a post_migrate) holds nothing yet.
        ContentType.objects.filter(app_label=new, model=model).delete()
        moved.app_label = new
        moved.save(update_fields=["app_label"])


def content_types_forward(apps, schema_editor):
    _content_types(apps, OLD_APP, NEW_APP, MODELS)


def content_types_backward(apps, schema_editor):
    _content_types(apps, NEW_APP, OLD_APP, MODELS)


class Migration(migrations.Migration):

    dependencies = [
        ("campaign", "0009_briefing_copies"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("study", "0001_initial"),
        ("units", "0002_unit_completed_on"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'ALTER TABLE "study_topic" RENAME TO "campaign_topic"',
                    reverse_sql='ALTER TABLE "campaign_topic" RENAME TO "study_topic"',
                ),
                migrations.RunSQL(
                    'ALTER TABLE "study_reading" RENAME TO "campaign_reading"',
                    reverse_sql='ALTER TABLE "campaign_reading" RENAME TO "study_reading"',
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name='Reading',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField(default=1, verbose_name='序号')),
                        ('title', models.CharField(max_length=200, verbose_name='篇目')),
                        ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='readings', to='campaign.campaign', verbose_name='批次')),
                    ],
                    options={
                        'verbose_name': '必读科目',
                        'verbose_name_plural': '必读科目',
                        'ordering': ['campaign', 'number', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Topic',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField(default=1, verbose_name='序号')),
                        ('name', models.CharField(max_length=100, verbose_name='专题名称')),
                        ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='topics', to='campaign.campaign', verbose_name='批次')),
                        ('unit', models.ForeignKey(blank=True, help_text='留空为全区统一的四个专题;填写则是该党组织结合实际自选的“加一”专题。', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='own_topics', to='units.unit', verbose_name='自选专题的党组织')),
                    ],
                    options={
                        'verbose_name': '四加一专题',
                        'verbose_name_plural': '四加一专题',
                        'ordering': ['campaign', 'unit_id', 'number', 'pk'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('unit__isnull', False)), fields=('campaign', 'unit'), name='one_own_topic_per_unit')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
