from django.urls import path

from study.views import absences, progress, sessions, topics, writings

app_name = "study"

urlpatterns = [
    # sessions
    path("units/<int:pk>/sessions/", sessions.session_list, name="sessions"),
    path("units/<int:pk>/sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/checkins/", sessions.session_checkins, name="session_checkins"),
    path("sessions/<int:pk>/qr.svg", sessions.session_qr, name="session_qr"),
    path("checkin/", sessions.checkin, name="checkin"),
    path("checkin/<str:code>/", sessions.checkin, name="checkin_code"),
    # absences
    path("units/<int:pk>/makeups/", absences.makeup_list, name="makeups"),
    path("makeups/<int:pk>/done/", absences.makeup_done, name="makeup_done"),
    path("makeups/<int:pk>/correct/", absences.makeup_correct, name="makeup_correct"),
    path("units/<int:pk>/leave/", absences.leave_list, name="leave_list"),
    path("leave/<int:pk>/decide/", absences.leave_decide, name="leave_decide"),
    path("me/leave/", absences.my_leave, name="my_leave"),
    path("me/self-study/", absences.my_self_study, name="my_self_study"),
    path("members/<int:pk>/self-study/new/", absences.self_study_create, name="self_study_create"),
    path("units/<int:pk>/mobile/", absences.mobile_members, name="mobile_members"),
    path("members/<int:pk>/contacts/new/", absences.contact_create, name="contact_create"),
    # writings
    path("me/writings/", writings.my_writings, name="my_writings"),
    path("members/<int:pk>/writings/paper/", writings.writing_paper, name="writing_paper"),
    path("writings/<int:pk>/", writings.writing_detail, name="writing"),
    path("units/<int:pk>/reviews/", writings.review_queue, name="review_queue"),
    path("units/<int:pk>/spot-checks/", writings.spot_check_list, name="spot_checks"),
    path("spot-checks/<int:pk>/", writings.spot_check_detail, name="spot_check"),
    # progress
    path("me/", progress.my_progress, name="my_progress"),
    path("members/<int:pk>/", progress.member_progress, name="member_progress"),
    path("units/<int:pk>/", progress.unit_progress, name="unit_progress"),
    path("groups/<int:pk>/", progress.group_progress, name="group_progress"),
    path("units/<int:pk>/ledger.xlsx", progress.ledger_export, name="ledger_export"),
    # topics
    path("units/<int:pk>/topic/", topics.own_topic, name="own_topic"),
    path("topics/", topics.topic_list, name="topics"),
]
