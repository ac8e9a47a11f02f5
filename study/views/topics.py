"""The 四加一 topics and the required readings (必读科目) of the current batch.

Everyone with a role reads them; the office names the four topics and keeps the readings
list; each unit's secretary (or the leader above it) sets the unit's own "加一" topic.
The list is a fixed number of queries however many readings and own topics.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaign import selectors as plan_selectors
from campaign.models import Batch
from campaign.services import topics as topic_services
from common.forms import form_save
from common.validation import record_id
from study.forms.topics import OwnTopicForm, ReadingAddForm, ReadingForm, TopicForm
from study.selectors.topics import own_topic_for, own_topic_in, readings_with_uses
from study.views._common import get_unit
from units.models import Unit
from units.permissions import has_perm, require, scope_for

ADD_PREFIX = "new-reading"


def _row(queryset, request):
    """The topic or reading a row's form was posted for."""
    pk = record_id(request.POST.get("pk", ""))
    if pk is None:
        raise Http404
    return get_object_or_404(queryset, pk=pk)


def _back_to(anchor):
    return redirect(f"{reverse('study:topics')}#{anchor}")


def _topic_prefix(topic):
    return f"topic-{topic.pk}"


def _reading_prefix(reading):
    return f"reading-{reading.pk}"


def _rename_topic(request, batch):
    topic = _row(plan_selectors.fixed_topics(batch), request)
    form = TopicForm(request.POST, prefix=_topic_prefix(topic))
    if form_save(form, topic_services.topic_rename, topic=topic):
        messages.success(request, _("已保存专题“%(name)s”。") % {"name": topic.name})
        return _back_to(_topic_prefix(topic))
    return form


def _add_reading(request, batch):
    form = ReadingAddForm(request.POST, prefix=ADD_PREFIX)
    reading = form_save(form, topic_services.reading_add, batch=batch)
    if reading:
        messages.success(request, _("已添加必读科目“%(title)s”。") % {"title": reading.title})
        return _back_to(_reading_prefix(reading))
    return form


def _edit_reading(request, batch):
    reading = _row(plan_selectors.readings(batch), request)
    form = ReadingForm(request.POST, prefix=_reading_prefix(reading))
    if form_save(form, topic_services.reading_update, reading=reading):
        messages.success(request, _("已保存必读科目“%(title)s”。") % {"title": reading.title})
        return _back_to(_reading_prefix(reading))
    return form


def _remove_reading(request, batch):
    reading = _row(plan_selectors.readings(batch), request)
    try:
        topic_services.reading_remove(reading=reading)
    except ValidationError as error:
        # Shown on the row, over whatever was typed in it.
        form = ReadingForm(request.POST, prefix=_reading_prefix(reading))
        form.add_error(None, error)
        return form
    messages.success(request, _("已删除必读科目“%(title)s”。") % {"title": reading.title})
    return _back_to("readings")


ACTIONS = {
    "rename_topic": _rename_topic,
    "add_reading": _add_reading,
    "edit_reading": _edit_reading,
    "remove_reading": _remove_reading,
}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def topic_list(request):
    require(request.user, "view_plan")
    batch = Batch.objects.current()
    posted = None
    if request.method == "POST":
        require(request.user, "change_plan")
        action = ACTIONS.get(request.POST.get("action"))
        if action is None:
            return HttpResponseBadRequest()
        if batch is None:
            messages.error(request, _("尚未制定活动安排,请先制定活动安排。"))
            return redirect("campaign:plan")
        # A done action redirects; a refused one returns its form, bound and with errors.
        posted = action(request, batch)
        if isinstance(posted, HttpResponseBase):
            return posted
    context = {"batch": batch, "can_change": has_perm(request.user, "change_plan")}
    if batch is not None:
        context.update(_page_context(request, batch, posted))
    return render(request, "study/topics/topic_list.html", context)


def _bound_or_new(posted, form_class, prefix, initial):
    if posted is not None and posted.prefix == prefix:
        return posted
    return form_class(prefix=prefix, initial=initial)


def _page_context(request, batch, posted):
    """The page's rows, each with its form; the one just posted with errors keeps them."""
    topics = list(plan_selectors.fixed_topics(batch))
    readings = list(readings_with_uses(batch))
    for topic in topics:
        topic.form = _bound_or_new(posted, TopicForm, _topic_prefix(topic), {"name": topic.name})
    for reading in readings:
        reading.form = _bound_or_new(
            posted,
            ReadingForm,
            _reading_prefix(reading),
            {"number": reading.number, "title": reading.title},
        )
    scope = scope_for(request.user)
    own_topics = list(plan_selectors.own_topics(batch, scope))
    for topic in own_topics:
        # A unit above the user's own is listed for its topic, without a link to its page.
        topic.visible = scope.contains_unit(topic.unit)
    return {
        "topics": topics,
        "readings": readings,
        "add_form": _bound_or_new(posted, ReadingAddForm, ADD_PREFIX, {}),
        "own_topics": own_topics,
        "managed_units": _managed_units(scope, own_topics),
    }


def _managed_units(scope, own_topics):
    """The units whose ledger the user keeps, each with its "加一" topic (or None): its
    own, or the one it follows from above."""
    paths = scope.secretary_paths + scope.leader_paths
    if not paths:
        return []
    units = list(Unit.objects.filter(path__in=paths).order_by("path"))
    for unit in units:
        unit.own_topic = own_topic_in(unit, own_topics)
    return units


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def own_topic(request, pk):
    unit = get_unit(request, pk)
    can_manage = has_perm(request.user, "keep_ledger", unit)
    batch = Batch.objects.current()
    # Its own, or the one it follows from a unit above it until it sets its own.
    topic = own_topic_for(unit, batch)
    inherited = topic is not None and topic.unit_id != unit.pk
    form = None
    if request.method == "POST":
        require(request.user, "keep_ledger", unit)
        form = OwnTopicForm(request.POST)
        saved = form_save(form, topic_services.own_topic_set, unit=unit, batch=batch)
        if saved:
            messages.success(
                request,
                _("已将%(unit)s的“加一”专题定为“%(name)s”。")
                % {"unit": unit.name, "name": saved.name},
            )
            return redirect("study:own_topic", pk=unit.pk)
    elif can_manage and batch is not None:
        form = OwnTopicForm(initial={"name": topic.name if topic and not inherited else ""})
    return render(
        request,
        "study/topics/own_topic.html",
        {
            "unit": unit,
            "batch": batch,
            "topic": topic,
            "inherited": inherited,
            "fixed_topics": plan_selectors.fixed_topics(batch) if batch else [],
            "form": form,
            "can_manage": can_manage,
        },
    )
