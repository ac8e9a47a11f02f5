"""Notifications now belong to the common app (common/0001 took their table). Nothing
changes in the database."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("common", "0001_initial"),
        ("supervision", "0002_stagerequirement_max_open_rectifications"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
        ),
    ]
