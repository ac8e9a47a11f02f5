from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "组织与党员"
