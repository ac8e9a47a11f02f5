"""The district's tree of 党组织 (区委 → 党委/党组/工委 → 党总支 → 党支部), its 党员, the
督导组 the district sends, who holds which role over which unit, and roster uploads."""

import datetime
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from units.signals import unit_moved

PATH_SEPARATOR = "/"


class UnitKind(models.TextChoices):
    DISTRICT = "district", _("区委")
    COMMITTEE = "committee", _("党委")
    LEADING_GROUP = "leading_group", _("党组")
    WORK_COMMITTEE = "work_committee", _("工委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")


# Kinds that head a sector of the district: their 负责人 review essays and see the subtree.
TOP_LEVEL_KINDS = (UnitKind.COMMITTEE, UnitKind.LEADING_GROUP, UnitKind.WORK_COMMITTEE)
# 党支部 and 党总支: the units that hold members, keep the study ledger and apply for 转段.
BRANCH_KINDS = (UnitKind.BRANCH, UnitKind.GENERAL_BRANCH)


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("党政机关")
    INSTITUTION = "institution", _("事业单位")
    ENTERPRISE = "enterprise", _("企业")
    RURAL = "rural", _("农村")
    COMMUNITY = "community", _("社区")


class UnitQuerySet(models.QuerySet):
    def subtree_of(self, unit, *, include_self=True):
        """All units under `unit` in one query (materialized path prefix)."""
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def branches(self):
        return self.filter(kind=UnitKind.BRANCH)


class Unit(models.Model):
    """党组织: a node of the district's tree, 区委 → 党委/党组/工委 → 党总支 → 党支部.

    `path` is the chain of ancestor ids ("/1/4/17/") so that a subtree is one
    `path LIKE '/1/4/%'` query on any database.
    """

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sector = models.CharField(_("领域"), max_length=20, choices=Sector.choices, blank=True)
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)
    stage = models.ForeignKey(
        "campaign.Stage",
        verbose_name=_("当前阶段"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    stage_since = models.DateField(_("进入当前阶段日期"), null=True, blank=True)
    completed_on = models.DateField(
        _("教育活动完成日期"),
        null=True,
        blank=True,
        help_text=_("最后一个阶段经办公室审批通过的日期。"),
    )
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # A move rewrites the subtree's paths and the stored sums: all of it, or none.
        with transaction.atomic():
            self._save(*args, **kwargs)

    def _save(self, *args, **kwargs):
        # Where the unit is now, as stored: an instance loaded before someone else moved
        # the unit would otherwise move it back without moving its subtree or its sums.
        old_path = (
            Unit.objects.filter(pk=self.pk).values_list("path", flat=True).first() or ""
            if self.pk is not None
            else self.path
        )
        parent_path = (
            Unit.objects.filter(pk=self.parent_id).values_list("path", flat=True).first()
            if self.parent_id
            else PATH_SEPARATOR
        )
        if self.parent_id and old_path and parent_path.startswith(old_path):
            raise ValidationError(_("不能把党组织移到它自己的下级组织之下。"))
        if self.pk is None:
            # The path holds our own id, which only exists after the insert.
            self.path = ""
            super().save(*args, **kwargs)
            kwargs.pop("force_insert", None)
        self.path = f"{parent_path}{self.pk}{PATH_SEPARATOR}"
        self.depth = self.path.count(PATH_SEPARATOR) - 2
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            self._move_descendants(old_path)
            # Once the whole subtree has its new paths: the stored sums follow it.
            unit_moved.send(sender=Unit, unit=self, old_path=old_path)

    def _move_descendants(self, old_path):
        depth_change = self.path.count(PATH_SEPARATOR) - old_path.count(PATH_SEPARATOR)
        Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
            path=Concat(models.Value(self.path), Substr("path", len(old_path) + 1)),
            depth=models.F("depth") + depth_change,
        )

    @property
    def is_branch(self):
        return self.kind == UnitKind.BRANCH

    def ancestor_ids(self):
        return [int(part) for part in self.path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR) if part]

    def is_descendant_of(self, other, *, include_self=True):
        if not self.path or not other.path:
            return False
        if self.pk == other.pk:
            return include_self
        return self.path.startswith(other.path)

    def clean(self):
        super().clean()
        if self.parent_id is None:
            if self.kind != UnitKind.DISTRICT:
                raise ValidationError({"parent": _("只有区委可以没有上级党组织。")})
            return
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("党组织不能作为自己的上级。")})
        if self.pk and self.path and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": _("不能把党组织移到它自己的下级组织之下。")})
        if self.parent.kind == UnitKind.BRANCH:
            raise ValidationError({"parent": _("党支部之下不能再设党组织。")})


class MemberCategory(models.TextChoices):
    IN_SERVICE = "in_service", _("在岗")
    RETIRED = "retired", _("离退休")
    RURAL = "rural", _("农村")
    COMMUNITY = "community", _("社区")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


# 公民身份号码 (GB 11643-1999): 6 digits of the place of registration, the birth date as
# yyyymmdd, 3 of sequence, and a check character computed from the 17 before it
# (ISO 7064 MOD 11-2: the weights are 2^17 … 2^1 mod 11).
_ID_NUMBER = re.compile(r"^[0-9]{17}[0-9X]$")
_ID_NUMBER_WEIGHTS = [pow(2, 17 - position, 11) for position in range(17)]
_ID_NUMBER_CHECK = "10X98765432"
_SPACES = re.compile(r"\s+")


def id_number_normalize(text: str | None) -> str:
    """A 身份证号 as typed, as it is stored: full-width digits folded, spaces dropped,
    a lowercase x made X."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or "")).upper()


def id_number_birth_date(id_number: str) -> datetime.date | None:
    """The birth date in the 7th to 14th characters of a well-formed 身份证号, else None."""
    if not _ID_NUMBER.match(id_number):
        return None
    try:
        return datetime.datetime.strptime(id_number[6:14], "%Y%m%d").date()
    except ValueError:
        return None


def validate_id_number(value: str) -> None:
    if not _ID_NUMBER.match(value):
        raise ValidationError(_("应为18位:前17位是数字,最后一位是数字或X"), code="id_number_format")
    if id_number_birth_date(value) is None:
        raise ValidationError(
            _("第7至14位应是出生日期(年月日),“%(digits)s”不是有效日期"),
            code="id_number_birth_date",
            params={"digits": value[6:14]},
        )
    digits = zip(value[:17], _ID_NUMBER_WEIGHTS, strict=True)
    total = sum(int(digit) * weight for digit, weight in digits)
    if value[17] != _ID_NUMBER_CHECK[total % 11]:
        raise ValidationError(
            _("校验码(最后一位)不对,请核对是否有数字填错"), code="id_number_check"
        )


def id_number_birth_date_error(id_birth_date: datetime.date, birth_date: datetime.date) -> str:
    return _("身份证号中的出生日期是%(id_birth_date)s,与出生日期%(birth_date)s不一致") % {
        "id_birth_date": id_birth_date.isoformat(),
        "birth_date": birth_date.isoformat(),
    }


class MemberQuerySet(models.QuerySet):
    def under(self, unit):
        """All members of `unit` and the units below it, in one query."""
        return self.filter(unit__path__startswith=unit.path)


class Member(models.Model):
    """党员. The category flags drive the rules: leading cadres owe two long essays,
    members who can write owe notes and an essay, infirm members get 送课上门,
    mobile members are contacted by 家访/信函/电话."""

    name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所在党组织"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    id_number = models.CharField(
        _("身份证号"),
        max_length=18,
        blank=True,
        db_index=True,
        validators=[validate_id_number],
        help_text=_("18位,末位可为X。导入名册时按身份证号认人,同一党组织的同名党员以此区分。"),
    )
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    position = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    category = models.CharField(
        _("人员类别"),
        max_length=20,
        choices=MemberCategory.choices,
        default=MemberCategory.IN_SERVICE,
    )
    is_leading_cadre = models.BooleanField(_("党员领导干部"), default=False)
    is_mobile = models.BooleanField(_("流动党员"), default=False)
    is_infirm = models.BooleanField(_("年老体弱"), default=False)
    can_write = models.BooleanField(_("有书写能力"), default=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["unit_id", "name", "pk"]
        indexes = [
            models.Index(fields=["unit", "name"]),
            # 流动党员 out of contact are counted over whole districts: a few in a hundred
            # members are mobile, and only they are read.
            models.Index(fields=["unit"], condition=models.Q(is_mobile=True), name="member_mobile"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~models.Q(id_number=""),
                name="member_unique_id_number",
                violation_error_message=_("已有党员登记了这个身份证号。"),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def id_number_masked(self) -> str:
        """The 身份证号 as shown to those who don't keep the roster: 3301**********123X."""
        if not self.id_number:
            return ""
        return f"{self.id_number[:4]}{'*' * 10}{self.id_number[-4:]}"

    def clean_fields(self, exclude=None):
        # Typed with a lowercase x or full-width digits it is the same number.
        self.id_number = id_number_normalize(self.id_number)
        super().clean_fields(exclude)

    def clean(self):
        super().clean()
        errors = {}
        if self.unit_id and self.unit.kind not in BRANCH_KINDS:
            errors["unit"] = _("党员应编入党支部(或直属党总支)。")
        id_birth_date = id_number_birth_date(self.id_number)
        if id_birth_date and self.birth_date and id_birth_date != self.birth_date:
            errors["id_number"] = id_number_birth_date_error(id_birth_date, self.birth_date)
        if errors:
            raise ValidationError(errors)


class Tally(models.Model):
    """Members counted by kind: the fields a unit's own tally and its subtree's share."""

    members = models.PositiveIntegerField(_("党员数"), default=0)
    leading_cadres = models.PositiveIntegerField(_("党员领导干部"), default=0)
    retired = models.PositiveIntegerField(_("离退休党员"), default=0)
    mobile = models.PositiveIntegerField(_("流动党员"), default=0)
    infirm = models.PositiveIntegerField(_("年老体弱党员"), default=0)
    cannot_write = models.PositiveIntegerField(_("无书写能力党员"), default=0)
    # 1 on a 党支部's own tally; a subtree's sum is the number of 党支部 in it.
    branches = models.PositiveIntegerField(_("党支部数"), default=0)

    class Meta:
        abstract = True


class UnitTally(Tally):
    """How many members a unit keeps itself (not its subtree), and of which kinds.

    Stored so that the totals of a 党委 or of the whole district are a sum over the units
    under it rather than a count of every member: the cost of a page follows the units it
    lists, not the size of the district. Kept in the same transaction as every write of
    the roster by `units.tallies`; `manage.py rollups_rebuild` recounts them all.
    """

    unit = models.OneToOneField(
        Unit,
        verbose_name=_("党组织"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="tally",
    )

    class Meta:
        verbose_name = _("党组织党员统计")
        verbose_name_plural = _("党组织党员统计")

    def __str__(self):
        return f"{self.unit} · {self.members}"


class SubtreeTally(Tally):
    """The `UnitTally` of a unit and every unit below it, added up: a 党委's or the
    district's members and branches are one row, whatever the size of the subtree.

    Kept by units.subtree in the transaction of every write of a unit's own tally (the
    change is added to the unit and each of its ancestors); a unit moved or deleted
    recounts the ancestors it left. The district's row is also the lock every writer of
    stored sums takes first (units.subtree.rollups_lock).
    """

    unit = models.OneToOneField(
        Unit,
        verbose_name=_("党组织"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="subtree_tally",
    )

    class Meta:
        verbose_name = _("党组织及下级党员统计")
        verbose_name_plural = _("党组织及下级党员统计")

    def __str__(self):
        return f"{self.unit} · {self.members}"


class UnitsByStage(models.Model):
    """Units counted by kind and stage: a unit's own row (itself, one) or its subtree's."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    # The stage's id, 0 for none: an integer, not a key, since units sits below campaign;
    # a stage can't be deleted while a unit stands in it (Unit.stage protects it).
    stage = models.PositiveIntegerField(_("阶段"), default=0)
    units = models.PositiveIntegerField(_("单位数"), default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()} · {self.units}"


class UnitStanding(UnitsByStage):
    """What a unit counts for in its subtree's `SubtreeStanding`: one of its kind in its
    stage. Rewritten whenever the unit's kind or stage changes (units.apps)."""

    class Meta:
        verbose_name = _("党组织阶段统计")
        verbose_name_plural = _("党组织阶段统计")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "stage"], name="unit_standing_unique")
        ]


class SubtreeStanding(UnitsByStage):
    """The units of a subtree by kind and stage: the district's branches in each stage,
    and the organisations that owe a 二三五 plan, read off the root's few rows rather
    than counted over every unit on each visit of the office's home page."""

    class Meta:
        verbose_name = _("党组织及下级阶段统计")
        verbose_name_plural = _("党组织及下级阶段统计")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "stage"], name="subtree_standing_unique"
            )
        ]


class SupervisionGroup(models.Model):
    """督导组: the district sends three; each reads and inspects the units assigned to it."""

    number = models.PositiveSmallIntegerField(_("序号"), default=1)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    units = models.ManyToManyField(
        Unit,
        verbose_name=_("督导单位"),
        related_name="supervision_groups",
        blank=True,
        help_text=_("分配给本组的党组织;其下级组织一并由本组督导。"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("组员"),
        related_name="supervision_groups",
        blank=True,
    )

    class Meta:
        verbose_name = _("督导组")
        verbose_name_plural = _("督导组")
        # By number: names like 第二督导组 don't sort in their spoken order.
        ordering = ["number", "pk"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    OFFICE = "office", _("区委先进性教育办公室")
    LEADER = "leader", _("党委/党组/工委负责人")
    SECRETARY = "secretary", _("支部书记")
    LEDGER_KEEPER = "ledger_keeper", _("台账员")


class RoleAssignment(models.Model):
    """A user's role over a unit and everything under it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("党组织"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="unique_role_assignment"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    def clean(self):
        super().clean()
        if not self.unit_id:
            return
        if self.role == Role.OFFICE and self.unit.kind != UnitKind.DISTRICT:
            raise ValidationError({"unit": _("先进性教育办公室的范围应是区委。")})
        if self.role in (Role.SECRETARY, Role.LEDGER_KEEPER) and self.unit.kind not in (
            UnitKind.BRANCH,
            UnitKind.GENERAL_BRANCH,
        ):
            raise ValidationError({"unit": _("支部书记和台账员应分配到党支部或党总支。")})


class RosterImport(models.Model):
    """An uploaded roster (.xlsx), kept between the preview and the confirmation so that
    what is applied is exactly what was previewed."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("导入范围"),
        on_delete=models.CASCADE,
        related_name="roster_imports",
    )
    file = models.FileField(_("文件"), upload_to="roster-imports/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认导入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_count = models.PositiveIntegerField(_("新增人数"), default=0)
    updated_count = models.PositiveIntegerField(_("更新人数"), default=0)

    class Meta:
        verbose_name = _("名册导入")
        verbose_name_plural = _("名册导入")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.original_name} → {self.unit}"
