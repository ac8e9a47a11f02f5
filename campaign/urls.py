from django.urls import path

from campaign import views

app_name = "campaign"

urlpatterns = [
    path("", views.plan, name="plan"),
    path("new/", views.batch_create, name="batch_create"),
    path("edit/", views.batch_edit, name="batch_edit"),
    path("stages/<int:pk>/edit/", views.stage_edit, name="stage_edit"),
    path("stages/<int:pk>/steps/new/", views.step_create, name="step_create"),
    path("steps/<int:pk>/edit/", views.step_edit, name="step_edit"),
    path("steps/<int:pk>/extend/", views.step_extend, name="step_extend"),
]
