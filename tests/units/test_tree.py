import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import ProtectedError

from study.models import WritingKind
from study.services.writings import writing_submit
from units.models import Member, Unit, UnitKind
from units.selectors import member_breakdown, unit_children, units_with_totals


def test_subtree_is_one_query(district, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = {u.name for u in Unit.objects.subtree_of(district.health)}
    assert names == {"区卫生党委", "区医院党总支", "区医院内科党支部"}


def test_members_under_a_unit_is_one_query(district, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = {m.name for m in Member.objects.under(district.education)}
    assert names == {"张建国", "李秀英", "王强", "赵敏"}


def test_similar_ids_do_not_leak_into_a_subtree(district):
    # "/1/2/" must not match "/1/23/": the separator closes every id.
    others = [
        Unit.objects.create(name=f"支部{i}", kind=UnitKind.BRANCH, parent=district.town)
        for i in range(25)
    ]
    assert all(not o.is_descendant_of(district.education) for o in others)
    assert not Unit.objects.subtree_of(district.education).filter(pk__in=[o.pk for o in others])


def test_moving_a_unit_moves_its_subtree(district):
    district.hospital.parent = district.education
    district.hospital.save()
    district.ward.refresh_from_db()
    assert (
        district.ward.path == f"{district.education.path}{district.hospital.pk}/{district.ward.pk}/"
    )
    assert district.ward.depth == 3
    assert "刘洋" in {m.name for m in Member.objects.under(district.education)}
    assert "刘洋" not in {m.name for m in Member.objects.under(district.health)}


def test_a_unit_cannot_become_its_own_ancestor(district):
    district.health.parent = district.hospital
    with pytest.raises(ValidationError) as error:
        district.health.full_clean()
    assert "下级" in str(error.value)
    with pytest.raises(ValidationError):
        district.health.save()
    district.health.refresh_from_db()
    assert district.health.parent == district.root


def test_a_unit_cannot_be_its_own_parent(district):
    district.health.parent = district.health
    with pytest.raises(ValidationError):
        district.health.full_clean()


def test_deleting_a_unit_with_members_or_children_is_refused(district):
    with pytest.raises(ProtectedError):
        district.school1.delete()
    with pytest.raises(ProtectedError):
        district.hospital.delete()
    empty = Unit.objects.create(name="空支部", kind=UnitKind.BRANCH, parent=district.town)
    empty.delete()
    assert not Unit.objects.filter(name="空支部").exists()


def test_members_belong_in_branches(district):
    member = Member(name="某人", unit=district.education)
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert "党支部" in str(error.value)


def _recount(unit):
    subtree = Unit.objects.subtree_of(unit)
    return (
        Member.objects.filter(unit__in=subtree).count(),
        subtree.filter(kind=UnitKind.BRANCH).count(),
    )


def test_a_units_children_carry_the_totals_of_their_whole_subtrees(
    district, django_assert_num_queries
):
    with django_assert_num_queries(2):
        children = unit_children(district.root)
    assert [c.name for c in children] == ["区教育党委", "区卫生党委", "城关镇党委"]
    for child in children:
        assert (child.member_total, child.branch_total) == _recount(child)
    # 区卫生党委's members sit two levels down, under its 党总支.
    assert children[1].member_total > 0


def test_listed_units_inside_one_another_each_count_their_own_subtree(
    district, django_assert_num_queries
):
    listed = Unit.objects.filter(
        pk__in=[district.root.pk, district.health.pk, district.ward.pk, district.school2.pk]
    ).order_by("path")
    with django_assert_num_queries(2):
        units = units_with_totals(listed)  # the units, then their totals
    for unit in units:
        assert (unit.member_total, unit.branch_total) == _recount(unit), unit.name


def test_a_unit_saved_from_a_stale_copy_keeps_its_subtree_and_the_sums_together(district):
    """Two people edit the same 党总支: one moves it under 城关镇党委, the other, on a page
    opened before, renames it. The later save puts it back where that page had it, and
    its branch and the stored sums of both 党委 follow, whichever save came last."""
    d = district
    stale = Unit.objects.get(pk=d.hospital.pk)
    moved = Unit.objects.get(pk=d.hospital.pk)
    moved.parent = d.town
    moved.save()
    assert Unit.objects.get(pk=d.ward.pk).path.startswith(Unit.objects.get(pk=d.town.pk).path)

    stale.name = "区人民医院党总支"
    stale.save()

    ward = Unit.objects.get(pk=d.ward.pk)
    assert ward.path == f"{d.root.path}{d.health.pk}/{d.hospital.pk}/{d.ward.pk}/"
    assert member_breakdown(d.town)["total"] == Member.objects.under(d.town).count()
    assert member_breakdown(d.health)["total"] == Member.objects.under(d.health).count()
    out = io.StringIO()
    call_command("rollups_rebuild", "--check", stdout=out)
    assert "一致" in out.getvalue()


def test_a_branch_moved_and_retyped_in_one_save_keeps_the_sums_of_both_committees(district):
    """The admin's form may change a unit's parent and its kind at once: the new 党委's
    sums take the branch whole, then its change of kind, never a 党支部 less than it has."""
    d = district
    # A note waiting: the branch counts in its 党委's review backlog, which follows its kind.
    writing_submit(
        member=d.member1,
        kind=WritingKind.NOTE,
        title="体会",
        text="学习党章。",
        user=d.users["member1"],
    )
    unit = Unit.objects.get(pk=d.school1.pk)
    unit.parent = d.health
    unit.save()
    unit = Unit.objects.get(pk=d.school1.pk)
    unit.parent = d.education
    unit.kind = UnitKind.GENERAL_BRANCH
    unit.save()

    assert unit_children(d.root)  # the district's page still opens
    assert member_breakdown(d.education)["total"] == Member.objects.under(d.education).count()
    out = io.StringIO()
    call_command("rollups_rebuild", "--check", stdout=out)
    assert "一致" in out.getvalue()


def test_branches_are_counted_per_stage_in_stage_order_with_those_without_one(
    district, django_assert_num_queries
):
    """The office's home page reads "各阶段党支部数" off this: each stage named, in the
    campaign's order, and the branches not yet placed at a stage counted apart — as a
    count of the branches themselves finds, after branches move on, lose their stage,
    change kind, move, are added and deleted."""
    from units.selectors import branches_per_stage

    d = district
    first, second = d.stages[0], d.stages[1]
    d.school1.stage = second
    d.school1.save(update_fields=["stage"])
    d.school2.stage = None
    d.school2.save()
    new = Unit.objects.create(name="新建党支部", kind=UnitKind.BRANCH, parent=d.town, stage=second)
    Unit.objects.create(name="又一党支部", kind=UnitKind.BRANCH, parent=d.health, stage=first)
    new.parent = d.education
    new.save()
    Unit.objects.get(name="又一党支部").delete()
    retyped = Unit.objects.branches().exclude(pk__in=[d.school1.pk, d.school2.pk, new.pk]).first()
    retyped.kind = UnitKind.GENERAL_BRANCH
    retyped.save()

    def counted(top):
        found = {}
        for branch in Unit.objects.subtree_of(top).branches().select_related("stage"):
            key = (branch.stage.number, branch.stage.name) if branch.stage else (None, None)
            found[key] = found.get(key, 0) + 1
        return found

    with django_assert_num_queries(1):
        rows = branches_per_stage(d.root)

    assert {(r["stage__number"], r["stage__name"]): r["count"] for r in rows} == counted(d.root)
    named = [r["stage__number"] for r in rows if r["stage__number"] is not None]
    assert named == sorted(named) and first.number in named and second.number in named
    assert sum(r["count"] for r in rows) == Unit.objects.branches().count()
    for top in (d.education, d.town, d.health):
        rows = branches_per_stage(top)
        assert {(r["stage__number"], r["stage__name"]): r["count"] for r in rows} == counted(top)
