"""A briefing's heartbeat and attempts, so that a second delivery of its job can take over
from a dead worker; and the sweep's last run, for the briefings page (issue 12). New
columns with defaults and a new table: nothing is copied, and going back drops them."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0002_batch'),
    ]

    operations = [
        migrations.CreateModel(
            name='BriefingSweep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('ran_at', models.DateTimeField(verbose_name='上次巡检时间')),
            ],
            options={
                'verbose_name': '简报巡检',
                'verbose_name_plural': '简报巡检',
            },
        ),
        migrations.AddField(
            model_name='briefing',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='生成次数'),
        ),
        migrations.AddField(
            model_name='briefing',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='最近心跳时间'),
        ),
    ]
