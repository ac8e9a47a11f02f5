from django.urls import path

from . import views

app_name = "campaign"

urlpatterns = [
    path("", views.plan, name="plan"),
]
