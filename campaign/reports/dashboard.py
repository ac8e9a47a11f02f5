"""Placeholder: replaced by the module's real views."""

urlpatterns = []
