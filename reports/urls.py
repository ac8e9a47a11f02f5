"""The reports' pages: the dashboards with their Excel exports, and the 简报."""

from reports.views import briefings as briefing_views
from reports.views import dashboard

app_name = "reports"

urlpatterns = [*dashboard.urlpatterns, *briefing_views.urlpatterns]
