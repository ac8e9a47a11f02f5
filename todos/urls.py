"""The todos app's page: a person's reminder settings."""

from django.urls import path

from todos import views

app_name = "todos"

urlpatterns = [
    path("settings/", views.reminder_settings, name="settings"),
]
