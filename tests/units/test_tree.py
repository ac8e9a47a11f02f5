import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from units.models import Member, Unit, UnitKind


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
