"""Pages of public notices (公示): the list, making a notice (preview, then publish), the notice with
its objections, the printable notice, recording an objection and its handling.

Reads go through residents.notices.selectors (out of scope is a 404); writes through residents.notices.services.
"""
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from common.access import allowed_for
from common.forms import run_service
from common.history import change_history
from facilities.scoping import can_make_notices, can_manage_notices

from ..rules import add_months, in_notice_period
from . import services
from .forms import NoticeFilterForm, NoticeForm, ObjectionForm, ObjectionResultForm
from .selectors import (
    NoticeFilters,
    access_notice,
    confirmations_in_no_notice,
    notice_entries_of,
    notice_get_for_user,
    notice_list,
    notice_objection_get_for_user,
    notice_objections_of,
)
from .tables import NoticeTable

UNPOSTED_MONTHS = 12  # how far back the list page looks for confirmations that no notice lists


@login_required
def notice_list_view(request):
    form = NoticeFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = NoticeFilters(township=data.get("township") or "", year=data.get("year"))
    table = NoticeTable(notice_list(user=request.user, filters=filters), today=timezone.localdate())
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    context = {"table": table, "form": form, "may_make_notices": can_make_notices(request.user)}
    if context["may_make_notices"]:
        today = timezone.localdate()
        first = today.replace(day=1)
        since, until = add_months(first, -UNPOSTED_MONTHS), first - timedelta(days=1)
        count, rows = confirmations_in_no_notice(user=request.user, since=since, until=until)
        context["unposted"] = {"count": count, "rows": rows, "since": since, "until": until}
    return render(request, "residents/notice_list.html", context)


def _last_month():
    first = timezone.localdate().replace(day=1)
    start = add_months(first, -1)
    return start, first.fromordinal(first.toordinal() - 1)


@allowed_for(can_make_notices)
def notice_create(request):
    start, end = _last_month()
    form = NoticeForm(request.POST or None, user=request.user, initial={
        "period_start": start, "period_end": end, "posted_on": timezone.localdate(),
    })
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "publish" in request.POST:
            notice = run_service(form, lambda: services.notice_create(by=request.user, **data))
            if notice is not None:
                messages.success(request, _("公示已制作，共 %(n)s 人") % {"n": notice.entries.count()})
                return redirect("notice_detail", notice_id=notice.pk)
        else:
            fields = {key: data[key] for key in ("township", "period_start", "period_end", "posted_on")}
            preview = run_service(form, lambda: services.notice_preview(by=request.user, **fields))
    return render(request, "residents/notice_form.html", {"form": form, "preview": preview})


def _detail(request, notice, *, objection_form=None):
    today = timezone.localdate()
    may_manage = can_manage_notices(request.user, notice.township_id)
    open_now = in_notice_period(today, posted_on=notice.posted_on, ends_on=notice.ends_on)
    if may_manage and open_now and objection_form is None:
        objection_form = ObjectionForm(notice=notice, initial={"received_on": today})
    objections = list(notice_objections_of(notice))
    return render(request, "residents/notice_detail.html", {
        "notice": notice,
        "entries": list(notice_entries_of(notice)),
        "objections": objections,
        "objection_form": objection_form if may_manage and open_now else None,
        "may_manage": may_manage,
        "open_now": open_now,
        "not_yet": today < notice.posted_on,
    })


@login_required
def notice_detail(request, notice_id):
    return _detail(request, notice_get_for_user(user=request.user, notice_id=notice_id))


@login_required
def notice_print(request, notice_id):
    notice = notice_get_for_user(user=request.user, notice_id=notice_id)
    township = notice.township.name
    issuer = f"{township}办事处" if township.endswith("街道") else f"{township}人民政府"
    return render(request, "residents/notice_print.html", {
        "notice": notice, "entries": list(notice_entries_of(notice)), "issuer": issuer,
    })


@login_required
@require_POST
def notice_objection_create(request, notice_id):
    notice = access_notice(user=request.user, notice_id=notice_id)
    form = ObjectionForm(request.POST, notice=notice)
    if form.is_valid() and run_service(form, lambda: services.notice_objection_record(by=request.user, notice=notice, **form.cleaned_data)):
        messages.success(request, _("异议已登记"))
        return redirect("notice_detail", notice_id=notice.pk)
    if not in_notice_period(timezone.localdate(), posted_on=notice.posted_on, ends_on=notice.ends_on):
        for error in form.errors.get("received_on", []) + form.non_field_errors():
            messages.error(request, error)
    return _detail(request, notice, objection_form=form)


@login_required
def notice_objection_result(request, notice_id, objection_id):
    notice = access_notice(user=request.user, notice_id=notice_id)
    objection = notice_objection_get_for_user(user=request.user, notice=notice, objection_id=objection_id)
    form = ObjectionResultForm(request.POST or None, initial={
        "handled_on": objection.handled_on or timezone.localdate(), "result": objection.result,
    })
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: services.notice_objection_handle(by=request.user, objection=objection, **form.cleaned_data)):
        messages.success(request, _("处理结果已保存"))
        return redirect("notice_detail", notice_id=notice.pk)
    return render(request, "residents/notice_objection_result.html", {
        "notice": notice, "objection": objection, "form": form, "history": change_history(objection),
    })
