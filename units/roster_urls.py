"""Routes of the roster import/export, included into the `units` namespace by units/urls.py."""

from django.urls import path

from units import roster_views

urlpatterns = [
    path("<int:pk>/members/export.xlsx", roster_views.roster_export, name="roster_export"),
    path("<int:pk>/members/template.xlsx", roster_views.roster_template, name="roster_template"),
    path("<int:pk>/members/import/", roster_views.roster_import, name="roster_import"),
    path("imports/<int:pk>/", roster_views.roster_import_preview, name="roster_import_preview"),
]
