"""The supervision app (督导): the 转段 workflow and the supervision groups' own work."""

from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "督导"
