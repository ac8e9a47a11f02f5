from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from todos import views as todo_views

admin.site.site_header = "先进性教育活动进度台账 · 系统管理"
admin.site.site_title = "系统管理"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", todo_views.home, name="home"),
    # Browsers ask for it whatever the pages link; lazy: the static files' names are
    # known only once their storage is ready (hashed after collectstatic).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.ico"))),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("units/", include("units.urls")),
    path("plan/", include("campaign.urls")),
    path("study/", include("study.urls")),
    path("supervision/", include("supervision.urls")),
    path("ledgers/", include("ledgers.urls")),
    path("reports/", include("reports.urls")),
    path("todos/", include("todos.urls")),
    path("admin/", admin.site.urls),
]
