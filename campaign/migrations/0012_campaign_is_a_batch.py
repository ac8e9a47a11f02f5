"""The model named Campaign was a 批次 (第一批, 第二批 …), one batch of the campaign: it is
now Batch, and the fields pointing at it are `batch`. The table, the columns and the
constraints are renamed; no row changes."""

from django.db import migrations, models


def _rename_permissions(apps, old, new):
    """Django renames the content type with the model; the permissions' codenames
    (add_campaign …) follow here, so that no stale ones remain beside new ones."""
    Permission = apps.get_model("auth", "Permission")
    for action in ("add", "change", "delete", "view"):
        Permission.objects.filter(
            content_type__app_label="campaign", codename=f"{action}_{old}"
        ).update(codename=f"{action}_{new}")


def permissions_forward(apps, schema_editor):
    _rename_permissions(apps, "campaign", "batch")


def permissions_backward(apps, schema_editor):
    _rename_permissions(apps, "batch", "campaign")


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('campaign', '0011_ledgers_and_briefings_moved_out'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('ledgers', '0001_initial'),
        ('reports', '0001_initial'),
        # The old study.Topic and study.Reading must be gone from the state first: their
        # tables were taken by campaign/0010, and a rename would look for the old ones.
        ('study', '0002_topics_and_readings_moved_to_campaign'),
        ('units', '0002_unit_completed_on'),
    ]

    operations = [
        migrations.RenameModel(
            old_name='Campaign',
            new_name='Batch',
        ),
        migrations.AlterModelOptions(
            name='reading',
            options={'ordering': ['batch', 'number', 'pk'], 'verbose_name': '必读科目', 'verbose_name_plural': '必读科目'},
        ),
        migrations.AlterModelOptions(
            name='stage',
            options={'ordering': ['batch', 'number'], 'verbose_name': '阶段', 'verbose_name_plural': '阶段'},
        ),
        migrations.AlterModelOptions(
            name='topic',
            options={'ordering': ['batch', 'unit_id', 'number', 'pk'], 'verbose_name': '四加一专题', 'verbose_name_plural': '四加一专题'},
        ),
        migrations.RemoveConstraint(
            model_name='batch',
            name='only_one_current_campaign',
        ),
        migrations.RemoveConstraint(
            model_name='stage',
            name='unique_stage_number',
        ),
        migrations.RemoveConstraint(
            model_name='topic',
            name='one_own_topic_per_unit',
        ),
        migrations.RenameField(
            model_name='reading',
            old_name='campaign',
            new_name='batch',
        ),
        migrations.RenameField(
            model_name='stage',
            old_name='campaign',
            new_name='batch',
        ),
        migrations.RenameField(
            model_name='topic',
            old_name='campaign',
            new_name='batch',
        ),
        migrations.AddConstraint(
            model_name='batch',
            constraint=models.UniqueConstraint(condition=models.Q(('is_current', True)), fields=('is_current',), name='only_one_current_batch'),
        ),
        migrations.AddConstraint(
            model_name='stage',
            constraint=models.UniqueConstraint(fields=('batch', 'number'), name='unique_stage_number'),
        ),
        migrations.AddConstraint(
            model_name='topic',
            constraint=models.UniqueConstraint(condition=models.Q(('unit__isnull', False)), fields=('batch', 'unit'), name='one_own_topic_per_unit'),
        ),
        migrations.RunPython(permissions_forward, permissions_backward),
    ]
