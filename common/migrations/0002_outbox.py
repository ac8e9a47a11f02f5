"""The outbox: Celery jobs waiting to be sent (common.outbox, issue 12). A new table;
going back drops it, with any job still waiting in it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('common', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('task', models.CharField(max_length=200, verbose_name='任务')),
                ('args', models.JSONField(default=list, verbose_name='参数')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='登记时间')),
                ('tries', models.PositiveIntegerField(default=0, verbose_name='发送失败次数')),
                ('last_error', models.TextField(blank=True, verbose_name='最近一次发送失败的原因')),
            ],
            options={
                'verbose_name': '待发送的后台任务',
                'verbose_name_plural': '待发送的后台任务',
                'ordering': ['pk'],
            },
        ),
    ]
