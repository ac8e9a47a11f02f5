"""The reports app: dashboards, their Excel exports and the PDF 简报."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "进度统计和简报"
