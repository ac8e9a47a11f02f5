"""A few 转段 applications for the demo district, at every step of the workflow, so that
each role finds something waiting. Written through the services, as a branch would."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from supervision.services import transitions as services
from units.models import Unit

ANSWERS = [
    "支部党员普遍认识到开展先进性教育活动的重要性和必要性,参学率高,学习笔记认真。",
    "通过四加一专题学习和辅导报告,党员对“三个代表”重要思想的理解明显加深。",
    "经反复讨论,形成了本支部在岗党员和离退休党员的先进性具体要求,已经定稿。",
    "群众反映的办事效率问题已制定措施整改,一时解决不了的已向群众解释。",
]


def seed_transitions(*, committee_name: str = "区教育党委") -> int:
    """Four branches of one 党委, each at a different step; return how many were started."""
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["leader1", "supervisor1", "office"])
    }
    branches = list(Unit.objects.get(name=committee_name).children.branches().order_by("pk")[:4])
    today = timezone.localdate()
    for step, branch in enumerate(branches):
        application = services.application_start(unit=branch, user=users["leader1"])
        services.answers_save(
            application=application,
            answers=dict(enumerate(ANSWERS, start=1)),
            user=users["leader1"],
        )
        services.meeting_record(
            application=application,
            held_on=today - datetime.timedelta(days=3),
            attendees=f"{branch.name}全体党员",
            minutes="回顾学习动员阶段的工作,逐条对照“回头看”的要求进行分析,研究是否可以转段。",
            user=users["leader1"],
        )
        if step == 0:
            continue  # waits for the group's evaluation of its meeting
        services.meeting_evaluate(
            application=application,
            evaluation="学习培训扎实,台账齐全,同意报送转段申请。",
            user=users["supervisor1"],
        )
        services.application_submit(application=application, user=users["leader1"])
        if step == 1:
            continue  # waits for the group's opinion
        services.group_opinion_give(
            application=application,
            agrees=True,
            reasons="经督查,达到转段要求。",
            user=users["supervisor1"],
            unmet_acknowledged=True,
        )
        if step == 2:
            services.application_return(
                application=application,
                user=users["office"],
                reason="部分党员学时不足40学时,缺课尚未补齐。",
                redo_items="组织缺课党员补课;补齐必读科目的集中学习。",
            )
        else:
            services.application_approve(
                application=application,
                user=users["office"],
                reason="经检查,学习培训扎实,同意转段;未达到的项目在下一阶段跟进。",
                unmet_acknowledged=True,
            )
    return len(branches)
