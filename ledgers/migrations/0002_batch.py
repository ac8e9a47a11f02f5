"""The ledgers' `campaign` fields are `batch` (campaign/0012 renamed the model): the
columns and the constraints on them are renamed; no row changes."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaign', '0012_campaign_is_a_batch'),
        ('ledgers', '0001_initial'),
        ('units', '0002_unit_completed_on'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='cardtype',
            options={'ordering': ['batch', 'number', 'pk'], 'verbose_name': '五卡卡种', 'verbose_name_plural': '五卡卡种'},
        ),
        migrations.RemoveConstraint(
            model_name='cardtype',
            name='card_type_name_once',
        ),
        migrations.RemoveConstraint(
            model_name='practiceplan',
            name='one_practice_plan_per_unit',
        ),
        migrations.RenameField(
            model_name='cardtype',
            old_name='campaign',
            new_name='batch',
        ),
        migrations.RenameField(
            model_name='practicebaseline',
            old_name='campaign',
            new_name='batch',
        ),
        migrations.RenameField(
            model_name='practiceplan',
            old_name='campaign',
            new_name='batch',
        ),
        migrations.AddConstraint(
            model_name='cardtype',
            constraint=models.UniqueConstraint(fields=('batch', 'name'), name='card_type_name_once'),
        ),
        migrations.AddConstraint(
            model_name='practiceplan',
            constraint=models.UniqueConstraint(fields=('batch', 'unit'), name='one_practice_plan_per_unit'),
        ),
    ]
