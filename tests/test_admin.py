import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory

OUR_APPS = ["common", "units", "campaign", "study", "ledgers", "supervision", "reports"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def our_models():
    return [m for name in OUR_APPS for m in apps.get_app_config(name).get_models()]


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m.__name__)
def test_every_model_is_in_the_admin_with_chinese_names(model):
    assert admin.site.is_registered(model)
    assert CJK.search(str(model._meta.verbose_name))
    for field in model._meta.get_fields():
        if field.concrete and not field.auto_created:
            assert CJK.search(str(field.verbose_name)), f"{model.__name__}.{field.name}"


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m.__name__)
def test_admin_list_and_add_pages_open(district, client, model):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert client.get(add).status_code in (200, 403)
