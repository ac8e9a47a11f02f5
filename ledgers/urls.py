"""The ledgers' pages, under /ledgers/: each subject's views module lists its own routes."""

from ledgers.views import (
    cards,
    discussion,
    integrity,
    lectures,
    practice,
    publicity,
    rectification,
    trips,
)

app_name = "ledgers"

# The names are unique across the modules.
urlpatterns = [
    *practice.urlpatterns,
    *cards.urlpatterns,
    *rectification.urlpatterns,
    *integrity.urlpatterns,
    *lectures.urlpatterns,
    *trips.urlpatterns,
    *publicity.urlpatterns,
    *discussion.urlpatterns,
]
