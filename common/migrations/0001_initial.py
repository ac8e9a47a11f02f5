"""Notifications, moved here from the supervision app with their rows: the table is
renamed (supervision_notification → common_notification), nothing is copied."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_APP = 'supervision'
NEW_APP = 'common'
MODELS = ['notification']


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
        ('contenttypes', '0002_remove_content_type_name'),
        ('supervision', '0002_stagerequirement_max_open_rectifications'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'ALTER TABLE "supervision_notification" RENAME TO "common_notification"',
                    reverse_sql='ALTER TABLE "common_notification" RENAME TO "supervision_notification"',
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.CharField(max_length=300, verbose_name='内容')),
                        ('link', models.CharField(blank=True, max_length=200, verbose_name='链接')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='时间')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='已读时间')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='接收人')),
                    ],
                    options={
                        'verbose_name': '通知',
                        'verbose_name_plural': '通知',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['user', 'read_at'], name='supervision_user_id_25aba3_idx')],
                    },
                ),
            ],
        ),
        migrations.RenameIndex(
            model_name='notification',
            new_name='common_noti_user_id_2232f3_idx',
            old_name='supervision_user_id_25aba3_idx',
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
