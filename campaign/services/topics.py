"""The plan's study content: the 四加一 topics and the required readings (必读科目).

"专题设置总体上可以按照'四加一'的格局来考虑": the office names the four topics and the
readings for the whole district; each unit adds one topic of its own ("各单位、各党组织
要结合单位及岗位实际,确定一个结合单位特色的专题"). `study_plan_create` below gives a
new batch its first set; the edits after that are here too. The reads the topics page and
the plan page share are in campaign.selectors.

Writes raise `ValidationError` keyed by the form field at fault, before anything is saved.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from campaign.models import Batch, Reading, Topic
from campaign.selectors import fixed_topics, own_topic_of, reading_uses, readings
from units.models import Unit

# "专题设置总体上可以按照'四加一'的格局来考虑": four for everyone, one each unit chooses.
FIXED_TOPICS = [
    "理想信念与党的宗旨",
    "党员先锋模范作用与党的执政能力建设",
    "求真务实与坚持科学发展观和正确政绩观",
    "党的优良传统和作风",
]

# The texts the speech names for concentrated study.
REQUIRED_READINGS = [
    "《中国共产党章程》",
    "《保持共产党员先进性教育读本》",
    "《保持共产党员先进性教育活动简明读本》",
    "胡锦涛同志在新时期保持共产党员先进性专题报告会上的讲话",
    "《江泽民论加强和改进执政党建设(专题摘编)》",
    "党的十六大报告",
    "十六届三中全会《决定》",
    "十六届四中全会《决定》",
    "市委《关于贯彻〈中共中央关于加强党的执政能力建设的决定〉的意见》",
    "《行政许可法》",
]


def study_plan_create(*, batch: Batch) -> None:
    """Give a new batch the four fixed topics and the required readings (idempotent)."""
    for number, name in enumerate(FIXED_TOPICS, start=1):
        Topic.objects.get_or_create(batch=batch, unit=None, number=number, defaults={"name": name})
    for number, title in enumerate(REQUIRED_READINGS, start=1):
        Reading.objects.get_or_create(batch=batch, number=number, defaults={"title": title})


# The unit's own topic comes after the four: the "加一".
OWN_TOPIC_NUMBER = len(FIXED_TOPICS) + 1


# Topics ------------------------------------------------------------------------------


def _clean_name(name: str, field: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({field: _("请填写专题名称。")})
    return name


def topic_rename(*, topic: Topic, name: str) -> Topic:
    """Rename one of the four district-wide topics."""
    name = _clean_name(name, "name")
    clash = fixed_topics(topic.batch_id).exclude(pk=topic.pk).filter(name=name)
    if clash.exists():
        raise ValidationError({"name": _("已有同名的专题。")})
    topic.name = name
    topic.save(update_fields=["name"])
    return topic


def own_topic_set(*, unit: Unit, name: str, batch: Batch | None = None) -> Topic:
    """Create or rename the unit's "加一" topic in the current batch."""
    batch = batch or Batch.objects.current()
    if batch is None:
        raise ValidationError(_("尚未制定活动安排,请先由区委先进性教育办公室设置当前批次。"))
    name = _clean_name(name, "name")
    if fixed_topics(batch).filter(name=name).exists():
        raise ValidationError(
            {"name": _("这是全区统一的四个专题之一,请另定一个结合本单位特色的专题。")}
        )
    with transaction.atomic():
        # Locking the unit queues two people saving its topic at once, so the second
        # renames the topic the first created instead of adding another.
        Unit.objects.select_for_update().get(pk=unit.pk)
        topic = own_topic_of(unit=unit, batch=batch)
        if topic is None:
            return Topic.objects.create(batch=batch, unit=unit, number=OWN_TOPIC_NUMBER, name=name)
        topic.name = name
        topic.save(update_fields=["name"])
    return topic


# Readings ----------------------------------------------------------------------------


def _clean_title(title: str, *, batch: Batch | int, exclude: Reading | None = None) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写篇目。")})
    clash = readings(batch).filter(title=title)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError({"title": _("已有这篇必读科目。")})
    return title


def _renumber(ordered: list[Reading]) -> None:
    """Number the readings 1, 2, 3… in the given order, saving only those that moved."""
    moved = []
    for number, reading in enumerate(ordered, start=1):
        if reading.number != number:
            reading.number = number
            moved.append(reading)
    Reading.objects.bulk_update(moved, ["number"])


def _locked_readings(batch: Batch | int) -> list[Reading]:
    return list(readings(batch).select_for_update())


def reading_add(*, batch: Batch, title: str) -> Reading:
    """Add a reading at the end of the list."""
    title = _clean_title(title, batch=batch)
    with transaction.atomic():
        existing = _locked_readings(batch)
        return Reading.objects.create(batch=batch, number=len(existing) + 1, title=title)


def reading_update(*, reading: Reading, title: str, number: int) -> Reading:
    """Rename a reading and move it to position `number`; the others close up around it."""
    title = _clean_title(title, batch=reading.batch_id, exclude=reading)
    with transaction.atomic():
        others = [r for r in _locked_readings(reading.batch_id) if r.pk != reading.pk]
        position = min(max(number, 1), len(others) + 1)
        others.insert(position - 1, reading)
        _renumber(others)
        reading.title = title
        reading.save(update_fields=["title"])
    return reading


def reading_remove(*, reading: Reading) -> None:
    """Remove a reading no study has recorded yet: the ledger's "必读科目不少一篇" counts
    the readings each session covered, and deleting one would rewrite those records."""
    with transaction.atomic():
        others = [r for r in _locked_readings(reading.batch_id) if r.pk != reading.pk]
        # Counted after the lock: a session naming the reading commits before it, or waits.
        uses = reading_uses(reading)
        if uses:
            raise ValidationError(
                _("已有%(count)d次学习登记了这篇必读科目,不能删除。") % {"count": uses}
            )
        reading.delete()
        _renumber(others)
