"""A briefing's `campaign` is its `batch` (campaign/0012 renamed the model): the column
and the constraint on it are renamed; no row changes."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaign', '0012_campaign_is_a_batch'),
        ('reports', '0001_initial'),
        ('units', '0002_unit_completed_on'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='briefing',
            name='one_briefing_per_issue_number',
        ),
        migrations.RenameField(
            model_name='briefing',
            old_name='campaign',
            new_name='batch',
        ),
        migrations.AddConstraint(
            model_name='briefing',
            constraint=models.UniqueConstraint(fields=('batch', 'issue_number'), name='one_briefing_per_issue_number'),
        ),
    ]
