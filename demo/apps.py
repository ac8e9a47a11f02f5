"""The demo app, above every other: `manage.py seed_demo` and the believable district it
writes, for trying the app out (make run) and for the benchmarks. No other app imports it."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "演示数据"
