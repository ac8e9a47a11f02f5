"""The todos app: what waits for each user, on the home page and in a weekly reminder.

It sits above every app whose ledgers it reads (study, ledgers, supervision, reports) and
writes nothing of theirs: only each person's reminder preference and the in-app notice
the reminder leaves."""

from django.apps import AppConfig


class TodosConfig(AppConfig):
    name = "todos"
    verbose_name = "待办与提醒"
