"""The units app: the district's tree of 党组织, its 党员, the 督导组 and users' roles, and
who may see and do what. It sits right above common; every other app builds on it."""

from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "组织与党员"
