"""The briefings, moved here from the campaign app with their rows: the table is renamed
(campaign_briefing → reports_briefing), nothing is copied."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_APP = 'campaign'
NEW_APP = 'reports'
MODELS = ['briefing']


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

    initial = True

    dependencies = [
        ('campaign', '0009_briefing_copies'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('units', '0002_unit_completed_on'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'ALTER TABLE "campaign_briefing" RENAME TO "reports_briefing"',
                    reverse_sql='ALTER TABLE "reports_briefing" RENAME TO "campaign_briefing"',
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name='Briefing',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('issue_number', models.PositiveIntegerField(verbose_name='期号')),
                        ('period_start', models.DateField(verbose_name='统计起始日期')),
                        ('period_end', models.DateField(verbose_name='统计截止日期')),
                        ('copies', models.PositiveIntegerField(blank=True, null=True, verbose_name='印数(份)')),
                        ('state', models.CharField(choices=[('queued', '排队中'), ('running', '生成中'), ('done', '已完成'), ('failed', '生成失败')], default='queued', max_length=20, verbose_name='状态')),
                        ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='进度(%)')),
                        ('error', models.TextField(blank=True, verbose_name='失败原因')),
                        ('file', models.FileField(blank=True, upload_to='briefings/%Y/%m/', verbose_name='PDF文件')),
                        ('requested_at', models.DateTimeField(auto_now_add=True, verbose_name='申请时间')),
                        ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='开始生成时间')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                        ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='campaign.campaign', verbose_name='批次')),
                        ('group', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.supervisiongroup', verbose_name='范围:督导组')),
                        ('requested_by', models.ForeignKey(blank=True, help_text='每周自动生成的简报没有申请人。', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='申请人')),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit', verbose_name='范围:党组织')),
                    ],
                    options={
                        'verbose_name': '简报',
                        'verbose_name_plural': '简报',
                        'ordering': ['-requested_at', '-pk'],
                        'constraints': [models.UniqueConstraint(fields=('campaign', 'issue_number'), name='one_briefing_per_issue_number'), models.CheckConstraint(condition=models.Q(('unit__isnull', True), ('group__isnull', True), _connector='XOR'), name='briefing_has_one_scope')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
