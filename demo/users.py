"""The demo logins, one for each persona of the demo district: the office, a member of each
督导组, a 党委 leader, two branch secretaries, a member, an outsider and the admin; and
the role each is given. All share the (public) demo password, settings.DEMO_PASSWORD.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError

from demo.district import ROOT_NAME, supervision_groups
from demo.members import BRANCH_SECRETARY
from units.models import Member, Role, RoleAssignment, SupervisionGroup, Unit


@dataclass(frozen=True)
class DemoUser:
    """A login of the demo district. `member` picks the Member record the user is, in the
    user's branch: a secretary is the branch's 党支部书记, member1 one of its leading cadres."""

    username: str
    name: str = ""
    role: str = ""
    unit: str = ""
    group: int = 0
    member: dict[str, object] = field(default_factory=dict)
    is_admin: bool = False


DEMO_USERS = (
    DemoUser("office", "周文斌", role=Role.OFFICE, unit=ROOT_NAME),
    DemoUser("supervisor1", "吴振华", group=1),
    DemoUser("supervisor2", "冯淑珍", group=2),
    DemoUser("supervisor3", "韩德明", group=3),
    DemoUser("leader1", "孙立新", role=Role.LEADER, unit="区教育党委"),
    DemoUser(
        "secretary1",
        role=Role.SECRETARY,
        unit="区一中党支部",
        member={"position": BRANCH_SECRETARY},
    ),
    DemoUser(
        "secretary2",
        role=Role.SECRETARY,
        unit="区人民医院内科党支部",
        member={"position": BRANCH_SECRETARY},
    ),
    DemoUser("member1", unit="区一中党支部", member={"is_leading_cadre": True}),
    DemoUser("outsider", "钱志远"),
    DemoUser("admin", "陆晓峰", is_admin=True),
)


def ensure_demo_users(root: Unit) -> list[tuple[str, str, str]]:
    """Create or update the demo logins; return (username, name, duty) for the summary.

    The password is set on every run so that a changed DEMO_PASSWORD takes effect. It is
    hashed once: every demo login shares the (public) demo password anyway, and hashing it
    ten times would make up most of the command's run time.
    """
    password = make_password(settings.DEMO_PASSWORD)
    units = Unit.objects.subtree_of(root)
    groups = supervision_groups()
    logins = []
    for spec in DEMO_USERS:
        user, _ = get_user_model().objects.get_or_create(username=spec.username)
        unit = units.get(name=spec.unit) if spec.unit else None
        member = _link_member(user, unit, spec.member) if spec.member else None
        name = member.name if member else spec.name
        user.last_name, user.first_name = name[0], name[1:]
        user.password = password
        user.is_staff = user.is_superuser = spec.is_admin
        user.save()
        if spec.role:
            RoleAssignment.objects.get_or_create(user=user, role=spec.role, unit=unit)
        if spec.group:
            groups[spec.group - 1].members.add(user)
        logins.append((spec.username, name, _duty(spec, unit, member, groups)))
    return logins


def _link_member(user: AbstractBaseUser, unit: Unit, criteria: dict[str, object]) -> Member:
    member = Member.objects.filter(user=user).first()
    if member is None:
        member = Member.objects.filter(unit=unit, user=None, **criteria).order_by("pk").first()
        if member is None:
            raise CommandError(f"{unit.name}中没有可以关联到 {user.username} 的党员。")
        member.user = user
        member.save(update_fields=["user"])
    return member


def _duty(
    spec: DemoUser, unit: Unit | None, member: Member | None, groups: list[SupervisionGroup]
) -> str:
    if spec.is_admin:
        return "系统管理员"
    if spec.group:
        group = groups[spec.group - 1]
        return f"{group.name}:" + "、".join(
            group.units.order_by("pk").values_list("name", flat=True)
        )
    if spec.role:
        return f"{Role(spec.role).label} · {unit.name}"
    if member:
        cadre = ",党员领导干部" if member.is_leading_cadre else ""
        return f"党员 · {unit.name}({member.position}{cadre})"
    return "无角色"
