import datetime

import pytest
from django.urls import reverse

from campaign.models import Step
from campaign.services.plan import step_extend
from tests.factories import UserFactory


@pytest.fixture
def admin_client(district, client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def extension(district):
    return step_extend(
        step=Step.objects.get(name="学习培训"),
        new_end=datetime.date(2005, 3, 20),
        reason="两会",
        user=district.users["office"],
    )


def test_admin_lists_the_plan(admin_client):
    for model in ["batch", "stage", "step", "stepextension"]:
        response = admin_client.get(reverse(f"admin:campaign_{model}_changelist"))
        assert response.status_code == 200, model


def test_admin_opens_a_batch_with_its_stages_and_a_step_with_its_extensions(
    district, admin_client, extension
):
    batch_page = admin_client.get(reverse("admin:campaign_batch_change", args=[district.batch.pk]))
    step_page = admin_client.get(reverse("admin:campaign_step_change", args=[extension.step_id]))

    assert "分析评议" in batch_page.content.decode()
    assert "两会" in step_page.content.decode()


def test_an_extension_is_read_only_in_the_admin(admin_client, extension):
    change_url = reverse("admin:campaign_stepextension_change", args=[extension.pk])

    page = admin_client.get(change_url)
    admin_client.post(change_url, {"reason": "改过的原因", "new_end": "2005-04-30"})
    delete = admin_client.post(
        reverse("admin:campaign_stepextension_delete", args=[extension.pk]), {"post": "yes"}
    )
    add = admin_client.get(reverse("admin:campaign_stepextension_add"))

    assert page.status_code == 200
    assert 'name="reason"' not in page.content.decode()
    assert delete.status_code == 403
    assert add.status_code == 403
    extension.refresh_from_db()
    assert (extension.reason, extension.new_end) == ("两会", datetime.date(2005, 3, 20))
