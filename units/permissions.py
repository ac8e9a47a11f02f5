"""Who may do what, and which units a user may see.

The only place that decides it: every view asks `scope_for(user)` for the units and
members it may list, and `has_perm(user, action, obj)` before it shows or changes one
object. Scope is a set of subtrees (materialized-path prefixes), so "may see" is one
query however deep the tree.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from units.models import Member, Role, RoleAssignment, SupervisionGroup, Unit


@dataclass
class Scope:
    is_office: bool = False
    # Subtree roots by how the user got them; a user may hold several roles.
    leader_paths: list[str] = field(default_factory=list)
    secretary_paths: list[str] = field(default_factory=list)
    supervisor_paths: list[str] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)
    # The member's id comes with the roles; the row itself only when a page asks for it.
    member_id: int | None = None
    _member: Member | None = field(default=None, repr=False, compare=False)

    @property
    def member(self) -> Member | None:
        """The user's own member record (with its unit), fetched the first time it's used:
        most pages only need to know that there is one."""
        if self.member_id is not None and self._member is None:
            self._member = Member.objects.select_related("unit").get(pk=self.member_id)
        return self._member

    @property
    def paths(self) -> list[str]:
        return self.leader_paths + self.secretary_paths + self.supervisor_paths

    @property
    def sees_units(self) -> bool:
        return self.is_office or bool(self.paths)

    @property
    def roles(self) -> list[str]:
        """The roles held, in the order the home page shows them."""
        held = []
        if self.is_office:
            held.append("office")
        if self.supervisor_paths or self.groups:
            held.append("supervisor")
        if self.leader_paths:
            held.append("leader")
        if self.secretary_paths:
            held.append("secretary")
        if self.member_id is not None:
            held.append("member")
        return held

    def _path_filter(self, field_name: str, paths: list[str] | None = None) -> Q:
        condition = Q(pk__in=[])
        # An empty path would match every unit; only a unit mid-insert has one.
        for path in filter(None, self.paths if paths is None else paths):
            condition |= Q(**{f"{field_name}__startswith": path})
        return condition

    def units(self) -> QuerySet[Unit]:
        if self.is_office:
            return Unit.objects.all()
        return Unit.objects.filter(self._path_filter("path"))

    def members(self) -> QuerySet[Member]:
        if self.is_office:
            return Member.objects.all()
        return Member.objects.filter(self._path_filter("unit__path"))

    def managed_units(self) -> QuerySet[Unit]:
        """The units whose ledgers and roster the user keeps."""
        if self.is_office:
            return Unit.objects.all()
        return Unit.objects.filter(
            self._path_filter("path", self.leader_paths + self.secretary_paths)
        )

    def manages(self, unit: Unit) -> bool:
        """A secretary's branch or a leader's subtree: where the ledgers are kept."""
        return any(p and unit.path.startswith(p) for p in self.leader_paths + self.secretary_paths)

    def supervises(self, unit: Unit) -> bool:
        return any(p and unit.path.startswith(p) for p in self.supervisor_paths)

    def contains_path(self, path: str) -> bool:
        return self.is_office or any(p and path.startswith(p) for p in self.paths)

    def contains_unit(self, unit: Unit) -> bool:
        return self.contains_path(unit.path)

    def contains_member(self, member: Member) -> bool:
        if self.member_id is not None and member.pk == self.member_id:
            return True
        return self.contains_path(member.unit.path)


# Not roles: mark the rows of `scope_for`'s query that come from supervision groups and
# from the user's own member record.
_GROUP = "group"
_MEMBER = "member"


def _scope_sql() -> str:
    """Roles, supervision groups and the member record of one user (the parameter, three
    times) in one statement. Written once rather than built by the ORM: every page a user
    opens asks it, and compiling a union of three querysets cost more than running it."""
    role, unit, member = RoleAssignment._meta, Unit._meta, Member._meta
    in_group = SupervisionGroup.members.through._meta
    group_unit = SupervisionGroup.units.through._meta
    q = connection.ops.quote_name
    return (
        f"SELECT r.{q('role')}, u.{q('path')}, NULL FROM {q(role.db_table)} r "
        f"JOIN {q(unit.db_table)} u ON u.{q('id')} = r.{q('unit_id')} "
        f"WHERE r.{q('user_id')} = %s "
        # From membership outwards, so that a group with no units assigned yet still counts.
        f"UNION ALL SELECT '{_GROUP}', u.{q('path')}, g.{q('supervisiongroup_id')} "
        f"FROM {q(in_group.db_table)} g "
        f"LEFT JOIN {q(group_unit.db_table)} gu "
        f"ON gu.{q('supervisiongroup_id')} = g.{q('supervisiongroup_id')} "
        f"LEFT JOIN {q(unit.db_table)} u ON u.{q('id')} = gu.{q('unit_id')} "
        f"WHERE g.{q('user_id')} = %s "
        f"UNION ALL SELECT '{_MEMBER}', NULL, m.{q('id')} FROM {q(member.db_table)} m "
        f"WHERE m.{q('user_id')} = %s"
    )


def scope_for(user: AbstractBaseUser | AnonymousUser) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    cached = getattr(user, "_advedu_scope", None)
    if cached is not None:
        return cached
    scope = Scope()
    if user.is_authenticated and user.is_active:
        scope.is_office = user.is_superuser
        with connection.cursor() as cursor:
            cursor.execute(_scope_sql(), [user.pk] * 3)
            rows = cursor.fetchall()
        for role, path, number in rows:
            if role == _MEMBER:
                # A user is one member at most (Member.user is one-to-one).
                scope.member_id = number
            elif role == _GROUP:
                if path:
                    scope.supervisor_paths.append(path)
                if number not in scope.groups:
                    scope.groups.append(number)
            elif role == Role.OFFICE:
                scope.is_office = True
            elif role == Role.LEADER:
                scope.leader_paths.append(path)
            else:
                scope.secretary_paths.append(path)
    user._advedu_scope = scope
    return scope


def _office(scope: Scope, obj: object) -> bool:
    return scope.is_office


def _sees_units(scope: Scope, obj: object) -> bool:
    return scope.sees_units


def _sees_unit(scope: Scope, unit: Unit) -> bool:
    return scope.contains_unit(unit)


def _sees_member(scope: Scope, member: Member) -> bool:
    return scope.contains_member(member)


def _manages(scope: Scope, unit: Unit) -> bool:
    return scope.manages(unit)


def _keeps_roster(scope: Scope, obj: Unit | Member) -> bool:
    """The office for anyone; a secretary or leader for the members of the units they
    keep: they are the ones who know who has gone away to work, who is too old to come
    to a meeting ("党员参学不漏一人"), and those flags decide what each member owes."""
    unit = obj.unit if isinstance(obj, Member) else obj
    return scope.is_office or scope.manages(unit)


def _supervises(scope: Scope, unit: Unit) -> bool:
    return scope.supervises(unit)


def _is_the_member(scope: Scope, member: Member) -> bool:
    return scope.member_id is not None and scope.member_id == member.pk


def _sees_group(scope: Scope, group: SupervisionGroup) -> bool:
    return scope.is_office or group.pk in scope.groups


def _is_in_group(scope: Scope, group: SupervisionGroup) -> bool:
    """The office reads along with every group but does not act for one."""
    return group.pk in scope.groups


def _briefs(scope: Scope, scope_object: object) -> bool:
    """The office briefs on anything; a supervision group on itself."""
    if scope.is_office:
        return True
    return isinstance(scope_object, SupervisionGroup) and scope_object.pk in scope.groups


def _has_any_role(scope: Scope, obj: object) -> bool:
    return bool(scope.roles)


RULES: dict[str, Callable[[Scope, Any], bool]] = {
    "browse_units": _sees_units,
    "view_unit": _sees_unit,
    "view_member": _sees_member,
    "export_roster": _sees_unit,
    "change_member": _keeps_roster,
    "add_member": _keeps_roster,
    "import_roster": _office,
    "change_unit": _office,
    "delete_unit": _office,
    # Every ledger of a unit (学习培训, 二三五, 边学边改, integrity, leaders, publicity,
    # 大讨论): seen by everyone whose scope holds the unit, kept by its secretary or the
    # leader above it ("指定专人做好教育活动台帐"); the study ledger is spot-checked by
    # its supervision group.
    "view_ledger": _sees_unit,
    "keep_ledger": _manages,
    "review_writing": _manages,
    "spot_check": _supervises,
    # What a member does for themself: sign in, ask for leave, log self-study, submit writing.
    "act_as_member": _is_the_member,
    # The 转段 workflow: the branch (its secretary or leader) applies, its supervision group
    # evaluates and gives an opinion, the office decides.
    "view_transition": _sees_unit,
    "apply_transition": _manages,
    "supervise_unit": _supervises,
    "decide_transition": _office,
    "change_requirements": _office,
    # A supervision group's pages are its members' and the office's; its records
    # (inspections, key units, typical cases) are written by its members only.
    "view_group": _sees_group,
    "act_for_group": _is_in_group,
    "decide_trip": _office,
    "change_practice_settings": _office,
    # Dashboards follow the unit scope; briefings are the office's, and a group's own.
    "view_dashboard": _sees_unit,
    "request_briefing": _briefs,
    "view_plan": _has_any_role,
    "change_plan": _office,
    # A login locked after too many wrong passwords (units.lockouts) waits out its cool-off
    # unless the office unlocks it.
    "unlock_login": _office,
}


def has_perm(user: AbstractBaseUser | AnonymousUser, action: str, obj: object = None) -> bool:
    if not user.is_authenticated:
        return False
    return RULES[action](scope_for(user), obj)


def require(user: AbstractBaseUser | AnonymousUser, action: str, obj: object = None) -> None:
    """Raise 404 for objects outside the user's sight, 403 for what they see but may not do.

    A unit or member is seen within the user's scope, a supervision group by its members
    and the office. Answering 404 for the unseen keeps them from being probed by id.
    """
    scope = scope_for(user)
    if isinstance(obj, Unit) and not scope.contains_unit(obj):
        raise Http404
    if isinstance(obj, Member) and not scope.contains_member(obj):
        raise Http404
    # A group is named on its units' pages, but its own pages don't exist for outsiders.
    if isinstance(obj, SupervisionGroup) and not _sees_group(scope, obj):
        raise Http404
    if not has_perm(user, action, obj):
        raise PermissionDenied
