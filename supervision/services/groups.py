"""Every write of a supervision group's own records: its 督查, its 重点帮促 units and the
先进典型 it found.

"每个督导组都要在所督导的单位中选取两至三个基础较好,工作较扎实单位重点督促帮助,总结典型
经验。" A group records only about units in the subtrees assigned to it.
"""

import datetime
from collections.abc import Collection

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision.models import (
    CaseKind,
    Inspection,
    InspectionFocus,
    KeyUnit,
    TypicalCase,
)
from units.models import Member, SupervisionGroup, Unit

# "每个督导组都要在所督导的单位中选取两至三个……单位重点督促帮助"
MAX_KEY_UNITS = 3


def _in_group_area(group: SupervisionGroup, unit: Unit) -> bool:
    """The unit lies in a subtree assigned to the group."""
    return group.units.filter(pk__in=unit.ancestor_ids()).exists()


def inspection_record(
    *,
    group: SupervisionGroup,
    unit: Unit,
    inspected_on: datetime.date,
    focus: Collection[str],
    findings: str,
    user: AbstractBaseUser,
    follow_up: str = "",
) -> Inspection:
    """督查记录 of the group at one of its units, on the points the speech names."""
    errors = {}
    if inspected_on > timezone.localdate():
        errors["inspected_on"] = _("督查日期不能晚于今天。")
    if not focus:
        errors["focus"] = _("请至少选择一项督查内容。")
    elif set(focus) - set(InspectionFocus.values):
        errors["focus"] = _("督查内容只能从列出的几项中选择。")
    if not _in_group_area(group, unit):
        errors["unit"] = _("请选择本组督导范围内的党组织。")
    if not findings.strip():
        errors["findings"] = _("请填写发现的问题和情况。")
    if errors:
        raise ValidationError(errors)
    return Inspection.objects.create(
        group=group,
        unit=unit,
        inspected_on=inspected_on,
        focus=list(focus),
        findings=findings.strip(),
        follow_up=follow_up.strip(),
        recorded_by=user,
    )


def key_unit_choose(
    *, group: SupervisionGroup, unit: Unit, user: AbstractBaseUser, reason: str = ""
) -> KeyUnit:
    """Name one of the group's units for 重点帮促, up to MAX_KEY_UNITS."""
    if not _in_group_area(group, unit):
        raise ValidationError({"unit": _("请选择本组督导范围内的党组织。")})
    with transaction.atomic():
        # Lock the group so that two members choosing at once can't pass the limit together.
        SupervisionGroup.objects.select_for_update().get(pk=group.pk)
        if KeyUnit.objects.filter(group=group, unit=unit).exists():
            raise ValidationError({"unit": _("已经是本组的重点帮促单位。")})
        if KeyUnit.objects.filter(group=group).count() >= MAX_KEY_UNITS:
            raise ValidationError(
                _("每个督导组选取两至三个重点帮促单位,本组已选%(n)s个。") % {"n": MAX_KEY_UNITS}
            )
        return KeyUnit.objects.create(group=group, unit=unit, reason=reason.strip(), chosen_by=user)


def key_unit_remove(*, key_unit: KeyUnit) -> None:
    key_unit.delete()


def typical_case_record(
    *,
    group: SupervisionGroup,
    kind: str,
    title: str,
    unit: Unit,
    description: str,
    user: AbstractBaseUser,
    member: Member | None = None,
) -> TypicalCase:
    """先进典型 the group found: a member, a branch or a practice, in one of its units."""
    errors = {}
    if kind not in CaseKind.values:
        errors["kind"] = _("请选择典型的类别。")
    if not title.strip():
        errors["title"] = _("请填写标题。")
    if not description.strip():
        errors["description"] = _("请填写事迹和做法。")
    if not _in_group_area(group, unit):
        errors["unit"] = _("请选择本组督导范围内的党组织。")
    if kind == CaseKind.PERSON and member is None:
        errors["member"] = _("先进典型人物请选择党员。")
    if member is not None and not member.unit.is_descendant_of(unit):
        errors["member"] = _("这名党员不在所选党组织。")
    if errors:
        raise ValidationError(errors)
    return TypicalCase.objects.create(
        group=group,
        kind=kind,
        title=title.strip(),
        unit=unit,
        member=member,
        description=description.strip(),
        recorded_by=user,
    )
