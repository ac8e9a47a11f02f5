import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaign.models import Batch, Stage, Step
from campaign.services.topics import study_plan_create
from study.models import SessionKind
from study.services.sessions import session_create
from units.models import Member, MemberCategory, Unit, UnitKind


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"第{n}党支部")
    kind = UnitKind.BRANCH


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"党员{n}")
    category = MemberCategory.IN_SERVICE


def make_batch():
    batch = Batch.objects.create(
        name="第一批",
        targets="机关和事业单位",
        starts_on=datetime.date(2005, 1, 20),
        ends_on=datetime.date(2005, 6, 30),
        is_current=True,
    )
    stages = []
    for number, (name, start, end) in enumerate(
        [
            ("学习动员", datetime.date(2005, 1, 20), datetime.date(2005, 3, 25)),
            ("分析评议", datetime.date(2005, 3, 26), datetime.date(2005, 5, 10)),
            ("整改提高", datetime.date(2005, 5, 11), datetime.date(2005, 6, 30)),
        ],
        start=1,
    ):
        stages.append(
            Stage.objects.create(
                batch=batch, number=number, name=name, planned_start=start, planned_end=end
            )
        )
    for number, (name, start, end) in enumerate(
        [
            ("思想发动", datetime.date(2005, 1, 20), datetime.date(2005, 1, 31)),
            ("学习培训", datetime.date(2005, 2, 1), datetime.date(2005, 3, 10)),
            ("大讨论", datetime.date(2005, 2, 15), datetime.date(2005, 3, 25)),
        ],
        start=1,
    ):
        Step.objects.create(
            stage=stages[0], number=number, name=name, planned_start=start, planned_end=end
        )
    study_plan_create(batch=batch)
    return batch, stages


def make_session(unit, by, *, starts_at=None, hours="2", **fields):
    """A study session of `unit` through the service, starting now unless told otherwise."""
    fields.setdefault("kind", SessionKind.STUDY)
    fields.setdefault("title", "学习《党章》")
    return session_create(
        unit=unit,
        user=by,
        starts_at=starts_at or timezone.now(),
        hours=Decimal(hours),
        **fields,
    )


def day_from_today(days):
    """A day `days` from today as a form types it (2026-11-26), worked out when the test
    runs. Parametrize arguments are built at collection: a run that crosses midnight in
    Shanghai would otherwise post yesterday's "tomorrow", which is today."""
    return lambda: (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def resolved(values):
    """`values` with every day_from_today(...) worked out."""
    return {name: value() if callable(value) else value for name, value in values.items()}


def a_minute_later():
    """As if the last minute's form submissions were over (common.submissions): the same
    form sent again now is a new submission, not a double tap."""
    from common.models import Submission

    Submission.objects.all().delete()


def campaign_under_way(batch, stages):
    """Move the batch's plan so that stage 1 began 30 days ago: sessions held now fall
    inside it and members can sign in live."""
    offset = timezone.localdate() - datetime.timedelta(days=30) - batch.starts_on
    batch.starts_on += offset
    batch.ends_on += offset
    batch.save()
    for stage in stages:
        stage.planned_start += offset
        stage.planned_end += offset
        stage.save()
        for step in stage.steps.all():
            step.planned_start += offset
            step.planned_end += offset
            step.save()
    Unit.objects.update(stage_since=batch.starts_on)
