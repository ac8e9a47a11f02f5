from campaign.reports import briefing_views, dashboard

app_name = "reports"

urlpatterns = [*dashboard.urlpatterns, *briefing_views.urlpatterns]
