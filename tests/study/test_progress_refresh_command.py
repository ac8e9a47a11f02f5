import io
from decimal import Decimal

from django.core.management import call_command

from study.models import AttendanceStatus, MemberProgress
from study.services.sessions import roster_save
from tests.factories import make_session


def test_it_rebuilds_progress_that_went_wrong(live_district):
    d = live_district
    session = make_session(d.school1, d.users["secretary1"], hours="3")
    roster_save(
        session=session,
        entries=[(m.pk, AttendanceStatus.PRESENT) for m in d.school1.members.all()],
        user=d.users["secretary1"],
    )
    MemberProgress.objects.update(concentrated_hours=0, total_hours=0)

    out = io.StringIO()
    call_command("progress_refresh", stdout=out)

    progress = MemberProgress.objects.get(member=d.member1)
    assert progress.concentrated_hours == Decimal("3")
    assert progress.total_hours == Decimal("3")
    assert "已重新计算" in out.getvalue()
