"""The supervision app's pages: the 转段 applications, a group's own records, the office's
转段条件 and stage corrections, and every user's notices."""

from django.urls import path

from supervision.views import application_lists, application_page, groups, office

app_name = "supervision"

urlpatterns = [
    # applications: the lists, then one application's page and its steps
    path("units/<int:pk>/transition/", application_lists.unit_transition, name="unit_transition"),
    path("applications/", application_lists.application_list, name="applications"),
    path("applications/<int:pk>/", application_page.application_detail, name="application"),
    path(
        "applications/<int:pk>/answers/",
        application_page.application_answers,
        name="application_answers",
    ),
    path(
        "applications/<int:pk>/meeting/",
        application_page.application_meeting,
        name="application_meeting",
    ),
    path(
        "applications/<int:pk>/evaluate/",
        application_page.application_evaluate,
        name="application_evaluate",
    ),
    path(
        "applications/<int:pk>/submit/",
        application_page.application_submit,
        name="application_submit",
    ),
    path(
        "applications/<int:pk>/opinion/",
        application_page.application_opinion,
        name="application_opinion",
    ),
    path(
        "applications/<int:pk>/approve/",
        application_page.application_approve,
        name="application_approve",
    ),
    path(
        "applications/<int:pk>/return/",
        application_page.application_return,
        name="application_return",
    ),
    # groups
    path("groups/<int:pk>/", groups.group_home, name="group_home"),
    path("groups/<int:pk>/inspections/", groups.inspection_list, name="inspections"),
    path("inspections/<int:pk>/", groups.inspection_detail, name="inspection"),
    path("groups/<int:pk>/key-units/", groups.key_unit_list, name="key_units"),
    path("key-units/<int:pk>/remove/", groups.key_unit_remove, name="key_unit_remove"),
    path("groups/<int:pk>/cases/", groups.typical_case_list, name="typical_cases"),
    path("cases/", groups.all_cases, name="all_cases"),
    path("cases/<int:pk>/", groups.typical_case_detail, name="typical_case"),
    # office
    path("requirements/", office.requirement_list, name="requirements"),
    path("requirements/<int:pk>/", office.requirement_edit, name="requirement_edit"),
    path("units/<int:pk>/stage/", office.stage_correct, name="stage_correct"),
    path("notifications/", office.notification_list, name="notifications"),
]
