"""The `units` namespace: the unit tree, units and members, the roster's routes from
units/roster_urls.py and the office's login lockouts from units/lockouts.py."""

from django.urls import path

from units import lockouts, roster_urls, views

app_name = "units"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/edit/", views.unit_edit, name="edit"),
    path("<int:pk>/delete/", views.unit_delete, name="delete"),
    path("<int:pk>/new/", views.unit_create, name="create"),
    path("<int:pk>/members/", views.member_list, name="members"),
    path("<int:pk>/members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/", views.member_detail, name="member"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
]
urlpatterns += roster_urls.urlpatterns
urlpatterns += lockouts.urlpatterns
