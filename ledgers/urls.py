from ledgers.views import (
    discussion,
    integrity,
    lectures,
    practice,
    publicity,
    rectification,
    trips,
)

app_name = "ledgers"

# Each module lists its own routes; the names are unique across them.
urlpatterns = [
    *practice.urlpatterns,
    *rectification.urlpatterns,
    *integrity.urlpatterns,
    *lectures.urlpatterns,
    *trips.urlpatterns,
    *publicity.urlpatterns,
    *discussion.urlpatterns,
]
