from campaign.ledgers import leaders, practice, rectification

app_name = "ledgers"

# Each module lists its own routes; the names are unique across them.
urlpatterns = [*practice.urlpatterns, *rectification.urlpatterns, *leaders.urlpatterns]
