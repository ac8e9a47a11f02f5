"""Every URL of the project, with what each persona gets from it.

ROUTES has one row per URL name: how to build the URL's arguments from the world below,
and the status each persona gets from a GET and from an empty POST. The world is one
district: 区教育党委 with two branches, 红旗 (A) and 东风 (B), under 第一督导组; 白杨镇党委
under 第二督导组; and one object of every kind a URL takes an id for, all of branch A. So
the secretary of B and the second group's supervisor are the ones who must not get in.
Every text of a unit's records holds its mark (红旗, 东风, 白杨): no page may show a
persona the mark of a unit outside their scope (HIDDEN).

The expected statuses come from units/permissions.py and the views, not from what the
server answered: seen but not allowed is 403, not seen is 404 (units.permissions.require);
a view that only reads refuses other methods with 405 where it says so (require_safe) and
otherwise answers a POST like a GET (SAME). An empty POST is sent only as those who may
not use it, and must change no row of any table; who may is marked WRITES, and their POSTs
are tested with each view's own tests.

A URL without a row fails test_every_url_has_a_row, with a row to copy; a row whose URL
is gone fails test_every_row_names_a_url.
"""

import datetime
import io
import types
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from campaign.services.topics import own_topic_set
from ledgers.models import DiscussionGroup, PublicityItem, TripKind, TripRequest, TripState
from ledgers.services import cards as card_services
from ledgers.services import discussion as discussion_services
from ledgers.services import integrity as integrity_services
from ledgers.services import lectures as lecture_services
from ledgers.services import practice as practice_services
from ledgers.services import publicity as publicity_services
from ledgers.services import rectification as rectification_services
from ledgers.services import trips as trip_services
from reports.models import Briefing, BriefingState
from study.models import AttendanceStatus, ContactMethod, Grade, MakeUp, MakeUpMethod, WritingKind
from study.services import absences as absence_services
from study.services import sessions as session_services
from study.services import writings as writing_services
from supervision.models import CaseKind, InspectionFocus
from supervision.selectors.transitions import requirement_for
from supervision.services import groups as group_services
from supervision.services import transitions as transition_services
from tests.factories import (
    MemberFactory,
    UserFactory,
    campaign_under_way,
    make_batch,
    make_session,
)
from units.models import Role, RoleAssignment, Sector, SupervisionGroup, Unit, UnitKind
from units.roster_export import roster_template
from units.roster_format import XLSX_CONTENT_TYPE
from units.roster_import import roster_import_upload

PERSONAS = (
    "anonymous",
    "member_a",
    "secretary_a",
    "secretary_b",
    "leader",
    "supervisor_a",
    "supervisor_other",
    "office",
)

# What a cell may hold besides a status code.
LOGIN = "login"  # 302 to the login page
WRITES = "writes"  # may POST: not sent here
SAME = "same"  # the POST row: answered like the GET (a view that only reads)

# What each persona must never be shown, on any page but branch A's public survey: the
# marks of units outside their scope, and to member A a colleague's name, which a member's
# own pages have no reason to show.
A_MARK, B_MARK, C_MARK = "红旗", "东风", "白杨"
COLLEAGUE = "李红旗"
OPINION_A = "红旗门前的路灯坏了很久"
HIDDEN = {
    "anonymous": (A_MARK, B_MARK, C_MARK),
    "member_a": (COLLEAGUE, B_MARK, C_MARK),
    "secretary_a": (B_MARK, C_MARK),
    "secretary_b": (A_MARK, C_MARK),
    "leader": (C_MARK,),
    "supervisor_a": (C_MARK,),
    "supervisor_other": (A_MARK, B_MARK),
    "office": (),
}

# Rows of statuses, in the order of PERSONAS:
#    anonymous, member_a, secretary_a, secretary_b, leader, supervisor_a, supervisor_other, office
# Branch A seen (view_unit, view_ledger, view_transition, view_dashboard): its scope.
READS_A = (LOGIN, 404, 200, 404, 200, 200, 404, 200)
# Branch A's ledgers kept (keep_ledger, apply_transition): its secretary, its leader.
KEEPS_A = (LOGIN, 404, 200, 404, 200, 403, 404, 403)
KEPT_BY_A = (LOGIN, 404, WRITES, 404, WRITES, 403, 404, 403)
# Branch A spot-checked, evaluated (spot_check, supervise_unit): its group.
SUPERVISED_BY_A = (LOGIN, 404, 403, 404, 403, WRITES, 404, 403)
# Branch A changed or decided on (change_unit, import_roster, decide_transition).
OFFICE_ON_A = (LOGIN, 404, 403, 404, 403, 403, 404, 200)
OFFICE_POSTS_ON_A = (LOGIN, 404, 403, 404, 403, 403, 404, WRITES)
# The district's settings (change_plan, change_requirements, ...): 403 without an object.
OFFICE = (LOGIN, 403, 403, 403, 403, 403, 403, 200)
OFFICE_POSTS = (LOGIN, 403, 403, 403, 403, 403, 403, WRITES)
# The first group's pages (view_group): its members and the office; acting for it
# (act_for_group): its members only.
GROUP_A = (LOGIN, 404, 404, 404, 404, 200, 404, 200)
GROUP_A_ACTS = (LOGIN, 404, 404, 404, 404, WRITES, 404, 403)
# Lists over the units a user sees (browse_units): anyone with a role over units.
SEES_UNITS = (LOGIN, 403, 200, 200, 200, 200, 200, 200)
LOGGED_IN = (LOGIN, 200, 200, 200, 200, 200, 200, 200)
LOGGED_IN_POSTS = (LOGIN, WRITES, WRITES, WRITES, WRITES, WRITES, WRITES, WRITES)
MEMBER = (LOGIN, 200, 404, 404, 404, 404, 404, 404)
MEMBER_POSTS = (LOGIN, WRITES, 404, 404, 404, 404, 404, 404)
READS_MEMBER_A = (LOGIN, 200, 200, 404, 200, 200, 404, 200)
NOT_THIS_METHOD = (LOGIN, 405, 405, 405, 405, 405, 405, 405)
PUBLIC = (200, 200, 200, 200, 200, 200, 200, 200)
ANYONE_POSTS = (WRITES,) * 8


class Route(NamedTuple):
    kwargs: Callable[[types.SimpleNamespace], dict]
    get: tuple
    post: tuple | str


def no_args(w):
    return {}


def unit_a(w):
    return {"pk": w.branch_a.pk}


def member_a(w):
    return {"pk": w.member_a.pk}


def group_a(w):
    return {"pk": w.group_a.pk}


def opinion_a(w):
    return {"pk": w.branch_a.pk, "key": rectification_services.opinion_key(OPINION_A)}


def pk_of(attribute):
    return lambda w: {"pk": getattr(w, attribute).pk}


ROUTES = {
    # config/urls.py
    "home": Route(no_args, LOGGED_IN, SAME),
    "/favicon.ico": Route(no_args, (302,) * 8, SAME),
    "login": Route(no_args, PUBLIC, ANYONE_POSTS),
    "logout": Route(no_args, (405,) * 8, ANYONE_POSTS),
    # units
    "units:tree": Route(no_args, (LOGIN, 403, 302, 302, 302, 302, 302, 302), SAME),
    "units:detail": Route(unit_a, READS_A, SAME),
    "units:edit": Route(unit_a, OFFICE_ON_A, OFFICE_POSTS_ON_A),
    "units:delete": Route(unit_a, NOT_THIS_METHOD, OFFICE_POSTS_ON_A),
    "units:create": Route(unit_a, OFFICE_ON_A, OFFICE_POSTS_ON_A),
    "units:members": Route(unit_a, READS_A, SAME),
    "units:member_create": Route(
        unit_a,
        (LOGIN, 404, 200, 404, 200, 403, 404, 200),
        (LOGIN, 404, WRITES, 404, WRITES, 403, 404, WRITES),
    ),
    "units:member": Route(member_a, READS_MEMBER_A, SAME),
    "units:member_edit": Route(
        member_a,
        (LOGIN, 403, 200, 404, 200, 403, 404, 200),
        (LOGIN, 403, WRITES, 404, WRITES, 403, 404, WRITES),
    ),
    "units:roster_export": Route(unit_a, READS_A, SAME),
    "units:roster_template": Route(unit_a, READS_A, SAME),
    "units:roster_import": Route(unit_a, OFFICE_ON_A, OFFICE_POSTS_ON_A),
    "units:roster_import_preview": Route(pk_of("roster_import"), OFFICE_ON_A, OFFICE_POSTS_ON_A),
    "units:lockouts": Route(no_args, OFFICE, NOT_THIS_METHOD),
    "units:lockout_release": Route(no_args, NOT_THIS_METHOD, OFFICE_POSTS),
    # campaign
    "campaign:plan": Route(no_args, LOGGED_IN, NOT_THIS_METHOD),
    # There is a current batch already: the office is sent to it.
    "campaign:batch_create": Route(
        no_args, (LOGIN, 403, 403, 403, 403, 403, 403, 302), OFFICE_POSTS
    ),
    "campaign:batch_edit": Route(no_args, OFFICE, OFFICE_POSTS),
    "campaign:stage_edit": Route(pk_of("stage"), OFFICE, OFFICE_POSTS),
    "campaign:step_create": Route(pk_of("stage"), OFFICE, OFFICE_POSTS),
    "campaign:step_edit": Route(pk_of("step"), OFFICE, OFFICE_POSTS),
    "campaign:step_extend": Route(pk_of("step"), OFFICE, OFFICE_POSTS),
    # study
    "study:sessions": Route(unit_a, READS_A, NOT_THIS_METHOD),
    "study:session_create": Route(unit_a, KEEPS_A, KEPT_BY_A),
    "study:session": Route(pk_of("session"), READS_A, KEPT_BY_A),
    "study:session_edit": Route(pk_of("session"), KEEPS_A, KEPT_BY_A),
    "study:session_checkins": Route(pk_of("session"), READS_A, NOT_THIS_METHOD),
    "study:session_qr": Route(pk_of("session"), READS_A, NOT_THIS_METHOD),
    "study:checkin": Route(
        no_args,
        (LOGIN, 200, 403, 403, 403, 403, 403, 403),
        (LOGIN, WRITES, 403, 403, 403, 403, 403, 403),
    ),
    "study:checkin_code": Route(
        lambda w: {"code": w.session.checkin_code},
        (LOGIN, 200, 403, 403, 403, 403, 403, 403),
        (LOGIN, WRITES, 403, 403, 403, 403, 403, 403),
    ),
    "study:makeups": Route(unit_a, READS_A, SAME),
    "study:makeup_done": Route(pk_of("makeup_owed"), KEEPS_A, KEPT_BY_A),
    "study:makeup_correct": Route(pk_of("makeup_done"), KEEPS_A, KEPT_BY_A),
    "study:leave_list": Route(unit_a, READS_A, KEPT_BY_A),
    "study:leave_decide": Route(pk_of("leave"), NOT_THIS_METHOD, KEPT_BY_A),
    "study:my_leave": Route(no_args, MEMBER, MEMBER_POSTS),
    "study:my_self_study": Route(no_args, MEMBER, MEMBER_POSTS),
    "study:self_study_create": Route(member_a, KEEPS_A, KEPT_BY_A),
    "study:mobile_members": Route(unit_a, READS_A, SAME),
    "study:contact_create": Route(member_a, KEEPS_A, KEPT_BY_A),
    "study:my_writings": Route(no_args, MEMBER, MEMBER_POSTS),
    "study:writing_paper": Route(member_a, KEEPS_A, KEPT_BY_A),
    # Member A's own essay: its author reads it, its branch's keepers review it.
    "study:writing": Route(
        pk_of("writing"), READS_MEMBER_A, (LOGIN, 403, WRITES, 404, WRITES, 403, 404, 403)
    ),
    "study:review_queue": Route(unit_a, READS_A, SAME),
    "study:spot_checks": Route(unit_a, READS_A, SUPERVISED_BY_A),
    "study:spot_check": Route(pk_of("spot_check"), READS_A, SUPERVISED_BY_A),
    "study:my_progress": Route(no_args, MEMBER, SAME),
    "study:member_progress": Route(member_a, READS_MEMBER_A, SAME),
    "study:unit_progress": Route(unit_a, READS_A, SAME),
    "study:group_progress": Route(group_a, GROUP_A, SAME),
    "study:ledger_export": Route(unit_a, READS_A, SAME),
    "study:own_topic": Route(unit_a, READS_A, KEPT_BY_A),
    "study:topics": Route(no_args, LOGGED_IN, OFFICE_POSTS),
    # supervision
    "supervision:unit_transition": Route(unit_a, READS_A, KEPT_BY_A),
    "supervision:applications": Route(no_args, SEES_UNITS, NOT_THIS_METHOD),
    "supervision:application": Route(pk_of("application"), READS_A, NOT_THIS_METHOD),
    "supervision:application_answers": Route(pk_of("application"), NOT_THIS_METHOD, KEPT_BY_A),
    "supervision:application_meeting": Route(pk_of("application"), NOT_THIS_METHOD, KEPT_BY_A),
    "supervision:application_evaluate": Route(
        pk_of("application"), NOT_THIS_METHOD, SUPERVISED_BY_A
    ),
    "supervision:application_submit": Route(pk_of("application"), NOT_THIS_METHOD, KEPT_BY_A),
    "supervision:application_opinion": Route(
        pk_of("application"), NOT_THIS_METHOD, SUPERVISED_BY_A
    ),
    "supervision:application_approve": Route(
        pk_of("application"), NOT_THIS_METHOD, OFFICE_POSTS_ON_A
    ),
    "supervision:application_return": Route(
        pk_of("application"), NOT_THIS_METHOD, OFFICE_POSTS_ON_A
    ),
    "supervision:group_home": Route(group_a, GROUP_A, NOT_THIS_METHOD),
    "supervision:inspections": Route(group_a, GROUP_A, GROUP_A_ACTS),
    "supervision:inspection": Route(pk_of("inspection"), GROUP_A, NOT_THIS_METHOD),
    "supervision:key_units": Route(group_a, GROUP_A, GROUP_A_ACTS),
    # GET asks the group's own members to confirm; the office reads along but doesn't act.
    "supervision:key_unit_remove": Route(
        pk_of("key_unit"), (LOGIN, 404, 404, 404, 404, 200, 404, 403), GROUP_A_ACTS
    ),
    "supervision:typical_cases": Route(group_a, GROUP_A, GROUP_A_ACTS),
    "supervision:all_cases": Route(no_args, OFFICE, NOT_THIS_METHOD),
    "supervision:typical_case": Route(pk_of("typical_case"), GROUP_A, NOT_THIS_METHOD),
    "supervision:requirements": Route(no_args, SEES_UNITS, NOT_THIS_METHOD),
    "supervision:requirement_edit": Route(pk_of("requirement"), OFFICE, OFFICE_POSTS),
    "supervision:stage_correct": Route(unit_a, OFFICE_ON_A, OFFICE_POSTS_ON_A),
    "supervision:notifications": Route(no_args, LOGGED_IN, LOGGED_IN_POSTS),
    # ledgers
    "ledgers:practice_settings": Route(no_args, OFFICE, OFFICE_POSTS),
    "ledgers:practice_plans": Route(no_args, SEES_UNITS, NOT_THIS_METHOD),
    "ledgers:practice_activities": Route(unit_a, READS_A, NOT_THIS_METHOD),
    "ledgers:practice_activity_create": Route(unit_a, KEEPS_A, KEPT_BY_A),
    "ledgers:practice_plan": Route(unit_a, READS_A, KEPT_BY_A),
    "ledgers:practice_activity_edit": Route(pk_of("activity"), KEEPS_A, KEPT_BY_A),
    "ledgers:practice_activity_delete": Route(pk_of("activity"), KEEPS_A, KEPT_BY_A),
    "ledgers:practice_attachment": Route(pk_of("attachment"), READS_A, NOT_THIS_METHOD),
    "ledgers:practice_cards": Route(unit_a, READS_A, KEPT_BY_A),
    "ledgers:practice_card_edit": Route(pk_of("card_record"), KEEPS_A, KEPT_BY_A),
    "ledgers:practice_card_delete": Route(pk_of("card_record"), KEEPS_A, KEPT_BY_A),
    "ledgers:rectification_items": Route(unit_a, READS_A, NOT_THIS_METHOD),
    # Its keepers file any problem, its supervision group what it found.
    "ledgers:rectification_item_create": Route(
        unit_a,
        (LOGIN, 404, 200, 404, 200, 200, 404, 403),
        (LOGIN, 404, WRITES, 404, WRITES, WRITES, 404, 403),
    ),
    "ledgers:rectification_item": Route(pk_of("rectification_item"), READS_A, NOT_THIS_METHOD),
    "ledgers:rectification_item_edit": Route(pk_of("rectification_item"), KEEPS_A, KEPT_BY_A),
    "ledgers:survey_results": Route(unit_a, READS_A, NOT_THIS_METHOD),
    "ledgers:survey_qr": Route(unit_a, READS_A, NOT_THIS_METHOD),
    "ledgers:survey_poster_pdf": Route(unit_a, READS_A, NOT_THIS_METHOD),
    "ledgers:survey_poster_png": Route(unit_a, READS_A, NOT_THIS_METHOD),
    # The public page behind branch A's QR code: anyone, once a day per device.
    "ledgers:survey": Route(
        lambda w: {"token": rectification_services.survey_token(w.branch_a)},
        PUBLIC,
        ANYONE_POSTS,
    ),
    # The public's opinions wait for the branch's keepers to take them in or not.
    "ledgers:survey_inbox": Route(unit_a, KEEPS_A, NOT_THIS_METHOD),
    "ledgers:survey_opinion_accept": Route(opinion_a, KEEPS_A, KEPT_BY_A),
    "ledgers:survey_opinion_dismiss": Route(opinion_a, KEEPS_A, KEPT_BY_A),
    "ledgers:integrity_records": Route(unit_a, READS_A, NOT_THIS_METHOD),
    "ledgers:integrity_record_create": Route(unit_a, KEEPS_A, KEPT_BY_A),
    "ledgers:integrity_record_edit": Route(pk_of("integrity_record"), KEEPS_A, KEPT_BY_A),
    "ledgers:integrity_record_delete": Route(pk_of("integrity_record"), KEEPS_A, KEPT_BY_A),
    "ledgers:leaders_lectures": Route(unit_a, READS_A, KEPT_BY_A),
    "ledgers:leaders_lecture_edit": Route(pk_of("lecture"), KEEPS_A, KEPT_BY_A),
    "ledgers:leaders_lecture_delete": Route(pk_of("lecture"), KEEPS_A, KEPT_BY_A),
    # Without ?unit= or ?group=: the widest the user has (the group, for a supervisor).
    "ledgers:leaders_lecture_stats": Route(no_args, SEES_UNITS, SAME),
    # Member A is a leading cadre: their own trips are theirs to see and ask for.
    "ledgers:leaders_trips": Route(no_args, LOGGED_IN, SAME),
    "ledgers:leaders_trip_new": Route(
        no_args,
        (LOGIN, 200, 200, 200, 200, 403, 403, 403),
        (LOGIN, WRITES, WRITES, WRITES, WRITES, 403, 403, 403),
    ),
    "ledgers:leaders_trip": Route(pk_of("trip_pending"), READS_MEMBER_A, SAME),
    "ledgers:leaders_trip_decide": Route(
        pk_of("trip_pending"), NOT_THIS_METHOD, (LOGIN, 403, 403, 404, 403, 403, 404, WRITES)
    ),
    "ledgers:leaders_trip_return": Route(
        pk_of("trip_approved"),
        (LOGIN, 200, 200, 404, 200, 403, 404, 403),
        (LOGIN, WRITES, WRITES, 404, WRITES, 403, 404, 403),
    ),
    "ledgers:leaders_trip_withdraw": Route(
        pk_of("trip_pending"),
        (LOGIN, 200, 200, 404, 200, 403, 404, 403),
        (LOGIN, WRITES, WRITES, 404, WRITES, 403, 404, 403),
    ),
    "ledgers:publicity_checks": Route(unit_a, READS_A, KEPT_BY_A),
    "ledgers:publicity_check_edit": Route(pk_of("publicity_check"), KEEPS_A, KEPT_BY_A),
    "ledgers:publicity_check_delete": Route(pk_of("publicity_check"), KEEPS_A, KEPT_BY_A),
    "ledgers:publicity_overview": Route(unit_a, READS_A, SAME),
    "ledgers:discussion": Route(unit_a, READS_A, SAME),
    "ledgers:discussion_session_new": Route(unit_a, KEEPS_A, KEPT_BY_A),
    "ledgers:discussion_group": Route(
        lambda w: {"pk": w.branch_a.pk, "group": DiscussionGroup.IN_SERVICE},
        READS_A,
        KEPT_BY_A,
    ),
    "ledgers:discussion_adopt": Route(pk_of("discussion_requirement"), NOT_THIS_METHOD, KEPT_BY_A),
    # reports
    # A supervisor is sent to their group's dashboard.
    "reports:dashboard": Route(
        no_args, (LOGIN, 403, 200, 200, 200, 302, 302, 200), NOT_THIS_METHOD
    ),
    "reports:dashboard_unit": Route(unit_a, READS_A, NOT_THIS_METHOD),
    "reports:dashboard_group": Route(group_a, GROUP_A, NOT_THIS_METHOD),
    "reports:dashboard_export": Route(
        lambda w: {"pk": w.branch_a.pk, "table": "units"}, READS_A, NOT_THIS_METHOD
    ),
    "reports:dashboard_group_export": Route(
        lambda w: {"pk": w.group_a.pk, "table": "units"}, GROUP_A, NOT_THIS_METHOD
    ),
    # The office briefs on anything, a supervision group on itself.
    "reports:briefing_list": Route(
        no_args,
        (LOGIN, 403, 403, 403, 403, 200, 200, 200),
        (LOGIN, 403, 403, 403, 403, WRITES, WRITES, WRITES),
    ),
    "reports:briefing_detail": Route(pk_of("briefing"), GROUP_A, NOT_THIS_METHOD),
    "reports:briefing_status": Route(pk_of("briefing"), GROUP_A, NOT_THIS_METHOD),
    "reports:briefing_download": Route(pk_of("briefing"), GROUP_A, NOT_THIS_METHOD),
    "reports:briefing_retry": Route(
        pk_of("briefing"), NOT_THIS_METHOD, (LOGIN, 404, 404, 404, 404, WRITES, 404, WRITES)
    ),
    # todos
    "todos:settings": Route(no_args, LOGGED_IN, LOGGED_IN_POSTS),
}


# The URLs ----------------------------------------------------------------------------------

# Served by Django for files, not pages of the project.
FILE_SERVING = ("django.views.static", "django.contrib.staticfiles.views")


def project_urls():
    """{name (or route, for a URL without one): (route, its arguments)} of every URL but
    the admin's own pages and file serving."""
    found = {}

    def walk(resolver, prefix, namespace, arguments):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            names = arguments + list(pattern.pattern.regex.groupindex)
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                walk(pattern, route, inner, names)
            elif pattern.callback.__module__ not in FILE_SERVING:
                name = pattern.name and ":".join(filter(None, [namespace, pattern.name]))
                found[name or route] = (route, names)

    walk(get_resolver(), "/", "", [])
    return found


def template_row(name, route, arguments):
    kwargs = ", ".join(f'"{argument}": w.…' for argument in arguments)
    return f'    "{name}": Route(lambda w: {{{kwargs}}}, (LOGIN, …), (LOGIN, …)),  # {route}\n'


def test_every_url_has_a_row():
    urls = project_urls()
    missing = sorted(set(urls) - set(ROUTES))
    assert not missing, (
        "URLs without a row in ROUTES (tests/test_route_table.py): "
        + ", ".join(missing)
        + ". Add a row for each, with what each persona gets, e.g.\n"
        + "".join(template_row(name, *urls[name]) for name in missing)
    )


def test_every_row_names_a_url():
    gone = sorted(set(ROUTES) - set(project_urls()))
    assert not gone, f"Rows of ROUTES whose URL no longer exists: {', '.join(gone)}"


def test_every_row_has_a_cell_for_each_persona():
    for name, route in ROUTES.items():
        assert len(route.get) == len(PERSONAS), name
        assert route.post == SAME or len(route.post) == len(PERSONAS), name


# The world ---------------------------------------------------------------------------------


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _records_of(branch, secretary):
    """What the lists and sums of a branch other than A show, each text with the branch's
    mark (its name's first two characters): a leading cadre with a trip, a lecture and an
    essay, a session, its own topic, a problem, a plan and a 转段 application."""
    mark = branch.name[:2]
    today = timezone.localdate()
    cadre = MemberFactory(name=f"王{mark}", unit=branch, is_leading_cadre=True)
    make_session(branch, secretary, title=f"{mark}集中学习")
    own_topic_set(unit=branch, name=f"{mark}加一专题")
    writing_services.writing_log_paper(
        member=cadre, kind=WritingKind.ESSAY, title=f"{mark}心得", characters=3500, user=secretary
    )
    trip_services.trip_request(
        traveller=cadre,
        kind=TripKind.ABROAD,
        destination=f"{mark}考察地",
        purpose="参加会议",
        leaves_on=today + datetime.timedelta(days=10),
        returns_on=today + datetime.timedelta(days=15),
        user=secretary,
    )
    lecture_services.lecture_record(
        lecturer=cadre,
        unit=branch,
        kind="situation_report",
        given_on=today,
        topic=f"{mark}形势报告",
        audience=20,
        user=secretary,
    )
    rectification_services.rectification_item_create(
        unit=branch, user=secretary, problem=f"{mark}问题", source="self_check", category="conduct"
    )
    practice_services.practice_plan_file(unit=branch, content=f"{mark}活动计划", user=secretary)
    transition_services.application_start(unit=branch, user=secretary)


def _group_records(group, unit, supervisor):
    mark = unit.name[:2]
    group_services.inspection_record(
        group=group,
        unit=unit,
        inspected_on=timezone.localdate(),
        focus=[InspectionFocus.STUDY],
        findings=f"{mark}督查发现",
        user=supervisor,
    )
    group_services.typical_case_record(
        group=group,
        kind=CaseKind.PRACTICE,
        title=f"{mark}典型",
        unit=unit,
        description=f"{mark}经验",
        user=supervisor,
    )


def build_world():
    batch, stages = make_batch()
    first = stages[0]

    def unit(name, kind, parent=None, sector=Sector.INSTITUTION):
        return Unit.objects.create(name=name, kind=kind, parent=parent, sector=sector, stage=first)

    root = unit("区委", UnitKind.DISTRICT)
    committee = unit("区教育党委", UnitKind.COMMITTEE, root)
    branch_a = unit("红旗党支部", UnitKind.BRANCH, committee)
    branch_b = unit("东风党支部", UnitKind.BRANCH, committee)
    other_committee = unit("白杨镇党委", UnitKind.COMMITTEE, root, Sector.COMMUNITY)
    branch_c = unit("白杨社区党支部", UnitKind.BRANCH, other_committee, Sector.COMMUNITY)
    campaign_under_way(batch, stages)

    users = {name: UserFactory(username=name) for name in [*PERSONAS[1:], "secretary_c"]}
    RoleAssignment.objects.create(user=users["office"], role=Role.OFFICE, unit=root)
    RoleAssignment.objects.create(user=users["leader"], role=Role.LEADER, unit=committee)
    RoleAssignment.objects.create(user=users["secretary_a"], role=Role.SECRETARY, unit=branch_a)
    RoleAssignment.objects.create(user=users["secretary_b"], role=Role.SECRETARY, unit=branch_b)
    RoleAssignment.objects.create(user=users["secretary_c"], role=Role.SECRETARY, unit=branch_c)
    group_a = SupervisionGroup.objects.create(number=1, name="第一督导组")
    group_a.units.add(committee)
    group_a.members.add(users["supervisor_a"])
    other_group = SupervisionGroup.objects.create(number=2, name="第二督导组")
    other_group.units.add(other_committee)
    other_group.members.add(users["supervisor_other"])

    member = MemberFactory(
        name="张红旗",
        unit=branch_a,
        user=users["member_a"],
        is_leading_cadre=True,
        position="校长",
    )
    colleague = MemberFactory(name=COLLEAGUE, unit=branch_a, is_mobile=True)
    for branch, secretary in [(branch_b, users["secretary_b"]), (branch_c, users["secretary_c"])]:
        _records_of(branch, secretary)
    _group_records(other_group, branch_c, users["supervisor_other"])

    secretary, supervisor, office = (
        users["secretary_a"],
        users["supervisor_a"],
        users["office"],
    )
    today = timezone.localdate()
    now = timezone.now()

    # 学习: a session both missed, one made up; leave asked for the next one.
    session = make_session(
        branch_a, secretary, starts_at=now - datetime.timedelta(hours=1), title="红旗集中学习"
    )
    session_services.roster_save(
        session=session,
        entries=[(member.pk, AttendanceStatus.ABSENT), (colleague.pk, AttendanceStatus.ABSENT)],
        user=secretary,
    )
    makeup_owed = MakeUp.objects.get(member=member)
    makeup_done = MakeUp.objects.get(member=colleague)
    absence_services.makeup_complete(
        makeup=makeup_done, done_on=today, method=MakeUpMethod.SESSION, user=secretary
    )
    next_session = make_session(
        branch_a, secretary, starts_at=now + datetime.timedelta(days=1), title="红旗形势报告"
    )
    leave = absence_services.leave_request(
        member=member, session=next_session, reason="红旗出差", user=users["member_a"]
    )
    absence_services.self_study_log(
        member=member,
        studied_on=today,
        hours=Decimal("1"),
        material="红旗自学材料",
        user=users["member_a"],
    )
    absence_services.contact_log(
        member=colleague, contacted_on=today, method=ContactMethod.PHONE, user=secretary
    )
    writing = writing_services.writing_submit(
        member=member,
        kind=WritingKind.ESSAY,
        title="红旗心得体会",
        text="学习党章的体会。" * 20,
        user=users["member_a"],
    )
    colleague_note = writing_services.writing_submit(
        member=colleague,
        kind=WritingKind.NOTE,
        title="红旗学习笔记",
        text="读书笔记。" * 20,
        user=secretary,
    )
    writing_services.writing_review(
        writing=colleague_note, reviewer=secretary, comment="认真", grade=Grade.GOOD
    )
    spot_check = writing_services.spot_check_draw(unit=branch_a, user=supervisor)
    own_topic_set(unit=branch_a, name="红旗加一专题", batch=batch)

    # 督导 and 转段
    application = transition_services.application_start(unit=branch_a, user=secretary)
    inspection = group_services.inspection_record(
        group=group_a,
        unit=branch_a,
        inspected_on=today,
        focus=[InspectionFocus.STUDY],
        findings="红旗督查发现",
        user=supervisor,
    )
    key_unit = group_services.key_unit_choose(
        group=group_a, unit=branch_a, user=supervisor, reason="红旗基础好"
    )
    typical_case = group_services.typical_case_record(
        group=group_a,
        kind=CaseKind.BRANCH,
        title="红旗典型",
        unit=branch_a,
        description="红旗经验",
        user=supervisor,
    )

    # 台账
    practice_services.practice_plan_file(unit=branch_a, content="红旗活动计划", user=secretary)
    activity = practice_services.practice_activity_record(
        unit=branch_a,
        user=secretary,
        held_on=today,
        kind="among_people",
        participants="红旗党员",
        description="红旗走访",
        files=[SimpleUploadedFile("红旗.jpg", JPEG, content_type="image/jpeg")],
    )
    card_type = card_services.card_type_add(batch=batch, name="红旗连心卡")
    card_record = card_services.card_record(
        unit=branch_a,
        card_type=card_type,
        recorded_on=today,
        issued=10,
        returned=5,
        user=secretary,
    )
    rectification_item = rectification_services.rectification_item_create(
        unit=branch_a,
        user=secretary,
        problem="红旗问题",
        source="self_check",
        category="conduct",
    )
    rectification_services.survey_answer(
        unit=branch_a,
        device="d" * 40,
        day=today,
        office_rating=4,
        organisation_rating=3,
        members_rating=4,
        opinion=OPINION_A,
    )
    integrity_record = integrity_services.integrity_record_create(
        unit=branch_a, user=secretary, recorded_on=today, refused_banquets=3
    )
    lecture = lecture_services.lecture_record(
        lecturer=member,
        unit=branch_a,
        kind="party_lecture",
        given_on=today,
        topic="红旗党课",
        audience=30,
        user=secretary,
    )
    trip_pending = trip_services.trip_request(
        traveller=member,
        kind=TripKind.ABROAD,
        destination="红旗考察地",
        purpose="参加会议",
        leaves_on=today + datetime.timedelta(days=10),
        returns_on=today + datetime.timedelta(days=15),
        user=users["member_a"],
    )
    trip_approved = TripRequest.objects.create(
        traveller=member,
        kind=TripKind.STUDY_TOUR,
        destination="红旗参观地",
        purpose="学习考察",
        leaves_on=today - datetime.timedelta(days=4),
        returns_on=today - datetime.timedelta(days=1),
        state=TripState.APPROVED,
        requested_by=secretary,
    )
    publicity_check = publicity_services.publicity_check_record(
        unit=branch_a,
        item=PublicityItem.SLOGANS,
        done_on=today,
        evidence="红旗标语",
        user=secretary,
    )
    discussion_requirement = discussion_services.discussion_requirement_write(
        unit=branch_a, group=DiscussionGroup.IN_SERVICE, text="红旗具体要求", user=secretary
    )
    discussion_services.discussion_session_record(
        unit=branch_a,
        held_on=today,
        participants="红旗党员",
        summary="红旗讨论",
        user=secretary,
    )

    # Reports and the roster
    briefing = Briefing.objects.create(
        batch=batch,
        group=group_a,
        issue_number=1,
        period_start=batch.starts_on,
        period_end=today,
        state=BriefingState.DONE,
        progress=100,
        requested_by=supervisor,
    )
    briefing.file.save("jianbao-1.pdf", ContentFile(PDF))
    roster_import = roster_import_upload(
        unit=branch_a,
        uploaded_by=office,
        upload=SimpleUploadedFile(
            "红旗名册.xlsx", roster_template(unit=branch_a), content_type=XLSX_CONTENT_TYPE
        ),
    )

    # Each persona's login, kept for the module: a test sets the cookie.
    cookies = {}
    for name in PERSONAS[1:]:
        client = Client()
        client.force_login(users[name])
        cookies[name] = client.cookies[settings.SESSION_COOKIE_NAME].value

    return types.SimpleNamespace(
        branch_a=branch_a,
        member_a=member,
        group_a=group_a,
        stage=first,
        step=first.steps.order_by("number").first(),
        session=session,
        makeup_owed=makeup_owed,
        makeup_done=makeup_done,
        leave=leave,
        writing=writing,
        spot_check=spot_check,
        application=application,
        inspection=inspection,
        key_unit=key_unit,
        typical_case=typical_case,
        requirement=requirement_for(first),
        activity=activity,
        attachment=activity.attachments.get(),
        card_record=card_record,
        rectification_item=rectification_item,
        integrity_record=integrity_record,
        lecture=lecture,
        trip_pending=trip_pending,
        trip_approved=trip_approved,
        publicity_check=publicity_check,
        discussion_requirement=discussion_requirement,
        briefing=briefing,
        roster_import=roster_import,
        cookies=cookies,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, inside a transaction rolled back at its end; each test
    runs in a savepoint of it (pytest-django's `db`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        # Each test starts from it again: what an empty POST left is compared with it.
        built.rows = snapshot()
        yield built
        transaction.set_rollback(True)


# What a request may change -----------------------------------------------------------------

# Bookkeeping of any request, not data: who is logged in, failed logins, and the claim of
# a POST against being sent twice (common.submissions).
NOT_DATA = {
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessattemptexpiration",
    "axes.accessfailurelog",
    "common.submission",
}


def _tables():
    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in NOT_DATA and not model._meta.proxy
    )


def snapshot():
    """Every row of every table but NOT_DATA's."""
    rows = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(map(repr, cursor.fetchall()))
    return rows


# The cases ---------------------------------------------------------------------------------


def _cases():
    cases = []
    for name, route in ROUTES.items():
        post = route.get if route.post == SAME else route.post
        for method, row in (("GET", route.get), ("POST", post)):
            for persona, expected in zip(PERSONAS, row, strict=True):
                if expected != WRITES:
                    cases.append(
                        pytest.param(
                            name, persona, method, expected, id=f"{name}-{persona}-{method}"
                        )
                    )
    return cases


def _text(response):
    """What a page, JSON or SVG says; and every cell of an Excel workbook."""
    content_type = response.get("Content-Type", "")
    if content_type == XLSX_CONTENT_TYPE:
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if response.streaming or not content_type.startswith(
        ("text/", "application/json", "image/svg")
    ):
        return ""
    return response.content.decode()


def assert_answer(response, expected):
    login = resolve_url(settings.LOGIN_URL)
    answer = f"{response.status_code} {response.get('Location', '')}".strip()
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith(login), answer
    elif expected == 302:
        assert response.status_code == 302 and not response["Location"].startswith(login), answer
    else:
        assert response.status_code == expected, answer


@pytest.mark.parametrize(("name", "persona", "method", "expected"), _cases())
def test_route(world, db, client, name, persona, method, expected):
    route = ROUTES[name]
    # A URL without a name has its route for one.
    url = name if name.startswith("/") else reverse(name, kwargs=route.kwargs(world))
    if persona != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.cookies[persona]
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url)
        after = snapshot()
        changed = [table for table, rows in world.rows.items() if after[table] != rows]
        assert not changed, f"an empty POST by {persona} changed {', '.join(changed)}"
    assert_answer(response, expected)

    text = _text(response)
    hidden = [mark for mark in HIDDEN[persona] if mark in text]
    if name == "ledgers:survey":
        hidden = [mark for mark in hidden if mark != A_MARK]
    assert not hidden, f"{persona} is shown data marked {', '.join(hidden)}"
