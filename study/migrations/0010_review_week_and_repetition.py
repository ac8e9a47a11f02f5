"""A branch is behind on 批阅 once its last review is more than a week old (or, never
having reviewed, its oldest waiting writing): the review backlog is keyed by that day
instead of the oldest waiting writing's, so its rows are written again; and an online
心得体会 is measured for 疑似重复 on submission (earlier essays stay unmeasured)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Max, Min, Q
from django.utils import timezone


def _backlog_write(apps, days):
    """Replace the review backlog's rows: one a branch on its day, and every ancestor's
    sum of them (the paths name them)."""
    Unit = apps.get_model("units", "Unit")
    ReviewBacklog = apps.get_model("study", "ReviewBacklog")
    SubtreeReviewBacklog = apps.get_model("study", "SubtreeReviewBacklog")
    paths = dict(Unit.objects.values_list("pk", "path"))
    ReviewBacklog.objects.all().delete()
    SubtreeReviewBacklog.objects.all().delete()
    ReviewBacklog.objects.bulk_create(
        [ReviewBacklog(unit_id=unit_id, waiting_since=day, branches=1) for unit_id, day in days],
        batch_size=500,
    )
    totals = {}
    for unit_id, day in days:
        for part in paths[unit_id].split("/"):
            if part:
                totals[int(part), day] = totals.get((int(part), day), 0) + 1
    SubtreeReviewBacklog.objects.bulk_create(
        [
            SubtreeReviewBacklog(unit_id=unit_id, waiting_since=day, branches=n)
            for (unit_id, day), n in totals.items()
        ],
        batch_size=500,
    )


def _waiting(apps):
    """Per unit with writings not yet reviewed: when the oldest came in, and the last
    review of any of its writings."""
    Writing = apps.get_model("study", "Writing")
    return [
        row
        for row in Writing.objects.values("member__unit_id", "member__unit__kind")
        .annotate(
            waiting=Min("submitted_at", filter=Q(reviews__isnull=True)),
            last_review=Max("reviews__reviewed_on"),
        )
        .order_by()
        if row["waiting"] is not None
    ]


def week_starts(apps, schema_editor):
    _backlog_write(
        apps,
        [
            (row["member__unit_id"], row["last_review"] or timezone.localdate(row["waiting"]))
            for row in _waiting(apps)
            if row["member__unit__kind"] == "branch"
        ],
    )


def oldest_waiting(apps, schema_editor):
    UnitProgress = apps.get_model("study", "UnitProgress")
    waiting = _waiting(apps)
    for row in waiting:
        UnitProgress.objects.filter(unit_id=row["member__unit_id"]).update(
            oldest_unreviewed=row["waiting"]
        )
    _backlog_write(
        apps,
        [
            (row["member__unit_id"], timezone.localdate(row["waiting"]))
            for row in waiting
            if row["member__unit__kind"] == "branch"
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("study", "0009_makeup_corrections"),
    ]

    operations = [
        # Before the field goes, so that going back fills it again.
        migrations.RunPython(week_starts, oldest_waiting),
        migrations.RemoveField(
            model_name="unitprogress",
            name="oldest_unreviewed",
        ),
        migrations.AddField(
            model_name="writing",
            name="repeated_percent",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="自身重复内容占比(%)"
            ),
        ),
        migrations.AddField(
            model_name="writing",
            name="shared_percent",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="与其他党员心得相同内容占比(%)"
            ),
        ),
        migrations.AddField(
            model_name="writing",
            name="shared_with",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="study.writing",
                verbose_name="相同内容最多的他人心得",
            ),
        ),
        migrations.AlterField(
            model_name="reviewbacklog",
            name="waiting_since",
            field=models.DateField(verbose_name="批阅计时起始日"),
        ),
        migrations.AlterField(
            model_name="subtreereviewbacklog",
            name="waiting_since",
            field=models.DateField(verbose_name="批阅计时起始日"),
        ),
        migrations.CreateModel(
            name="EssayFingerprint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("hash", models.BigIntegerField(verbose_name="指纹")),
                (
                    "writing",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="fingerprints",
                        to="study.writing",
                        verbose_name="心得体会",
                    ),
                ),
            ],
            options={
                "verbose_name": "心得体会指纹",
                "verbose_name_plural": "心得体会指纹",
                "indexes": [models.Index(fields=["hash"], name="essay_fingerprint_hash")],
            },
        ),
    ]
