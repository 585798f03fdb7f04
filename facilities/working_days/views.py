"""The working-day calendar pages (工作日历), for administrators: a year's notice and days, adding,
correcting and deleting a day, entering a year's notice, a CSV upload with a preview, the year as
CSV, and loading the years `chinese-calendar` knows. Every other role is refused (403), like the
access log. One action per view.
"""
import base64
import binascii
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.access import allowed_for
from common.csv_text import csv_response
from common.forms import run_service
from common.history import change_history

from ..models import HolidayNotice, WorkingDayCalendar, WorkingDayKind
from ..scoping import can_edit_working_day_calendar
from . import services
from .calendar import LIBRARY, library_years
from .csv_files import WEEKDAYS, calendar_csv, calendar_upload_read
from .forms import CalendarUploadForm, HolidayNoticeForm, WorkingDayForm

PENDING = "calendar_upload_pending"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


def _year_url(year: int) -> str:
    return f"{reverse('calendar_year')}?year={year}"


@allowed_for(can_edit_working_day_calendar)
def calendar_year(request):
    """A year's calendar: whether it is entered and from which notice, and its days.

    Two queries besides the session's, whatever the number of days: the notices, the year's days."""
    today = timezone.localdate()
    year = _year(request.GET.get("year", today.year))
    if request.GET.get("export") == "csv":
        return csv_response(calendar_csv(year=year), filename=f"working-days-{year}.csv")
    notices = {notice.year: notice for notice in HolidayNotice.objects.all()}
    notice = notices.get(year)
    days = list(WorkingDayCalendar.objects.filter(day__year=year).select_related("notice").order_by("day"))
    known = library_years()
    if notice is not None:
        status = "entered"
    elif year in known:
        status = "library"
    else:
        status = "missing"
    return render(request, "facilities/calendar_year.html", {
        "year": year,
        "years": sorted(set(notices) | known | {today.year, today.year + 1}),
        "notice": notice,
        "next_notice": notices.get(year + 1),
        "days": [{"entry": entry, "weekday": WEEKDAYS[entry.day.weekday()]} for entry in days],
        "holidays": sum(entry.kind == WorkingDayKind.HOLIDAY for entry in days),
        "workdays": sum(entry.kind == WorkingDayKind.WORKDAY for entry in days),
        "status": status,
        "library": LIBRARY,
        "library_missing": sorted(known - set(notices)),
        "can_add_day": notice is not None or (year + 1) in notices,
    })


@allowed_for(can_edit_working_day_calendar)
def calendar_notice_edit(request, year):
    """Enter a year's notice (the year then counts as entered), or correct its details."""
    year = _year(year)
    notice = HolidayNotice.objects.filter(year=year).first()
    initial = {"title": services.notice_title(year)}
    if notice is not None:
        initial = {"title": notice.title, "number": notice.number, "published_on": notice.published_on, "url": notice.url}
    form = HolidayNoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.holiday_notice_save(by=request.user, year=year, notice=notice, **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("已保存 %(year)s 年的放假安排通知，请录入或上传该年的放假和调休日期") % {"year": year}
                             if notice is None else _("已保存通知"))
            return redirect(_year_url(year))
    return render(request, "facilities/calendar_form.html", {
        "form": form, "year": year, "submit": _("保存"),
        "title": _("录入 %(year)s 年放假安排通知") % {"year": year} if notice is None else _("修改通知"),
        "help": _("录入通知后，该年按通知所列的放假和调休日期计算；请接着录入或上传全部日期。") if notice is None else "",
        "can_delete_notice": notice is not None and not notice.days.exists(),
        "history": change_history(notice) if notice else None,
    })


@login_required
@require_POST
@allowed_for(can_edit_working_day_calendar)
def calendar_notice_delete(request, year):
    year = _year(year)
    notice = get_object_or_404(HolidayNotice, year=year)
    try:
        services.holiday_notice_delete(by=request.user, notice=notice)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已撤销 %(year)s 年的通知，该年恢复为未录入") % {"year": year})
    return redirect(_year_url(year))


def _day_form_page(request, form, *, year, title, entry=None):
    return render(request, "facilities/calendar_form.html", {
        "form": form, "year": year, "title": title, "submit": _("保存"),
        "history": change_history(entry) if entry else None,
    })


@allowed_for(can_edit_working_day_calendar)
def calendar_day_new(request, year):
    year = _year(year)
    form = WorkingDayForm(request.POST or None, year=year, initial={"day": date(year, 1, 1), "notice": HolidayNotice.objects.filter(year=year).first()})
    if request.method == "POST" and form.is_valid():
        entry = run_service(form, lambda: services.working_day_save(by=request.user, **form.cleaned_data))
        if entry is not None:
            messages.success(request, _("已录入 %(day)s") % {"day": f"{entry.day:%Y-%m-%d}"})
            return redirect(_year_url(entry.day.year))
    return _day_form_page(request, form, year=year, title=_("录入放假或调休日期"))


@allowed_for(can_edit_working_day_calendar)
def calendar_day_edit(request, day_id):
    entry = get_object_or_404(WorkingDayCalendar.objects.select_related("notice"), pk=day_id)
    year = entry.day.year
    initial = {"day": entry.day, "kind": entry.kind, "name": entry.name, "notice": entry.notice}
    form = WorkingDayForm(request.POST or None, year=year, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.working_day_save(by=request.user, entry=entry, **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("已修改 %(day)s") % {"day": f"{saved.day:%Y-%m-%d}"})
            return redirect(_year_url(saved.day.year))
    return _day_form_page(request, form, year=year, title=_("修改 %(day)s") % {"day": f"{entry.day:%Y-%m-%d}"}, entry=entry)


@allowed_for(can_edit_working_day_calendar)
def calendar_day_delete(request, day_id):
    """GET asks first (the page names the day); POST deletes it."""
    entry = get_object_or_404(WorkingDayCalendar.objects.select_related("notice"), pk=day_id)
    if request.method == "POST":
        services.working_day_delete(by=request.user, entry=entry)
        messages.success(request, _("已删除 %(day)s %(name)s") % {"day": f"{entry.day:%Y-%m-%d}", "name": entry.name})
        return redirect(_year_url(entry.day.year))
    return render(request, "facilities/calendar_delete.html", {
        "entry": entry, "weekday": WEEKDAYS[entry.day.weekday()], "year": entry.day.year,
    })


@login_required
@require_POST
@allowed_for(can_edit_working_day_calendar)
def calendar_load_library(request):
    result = services.working_days_load_library(by=request.user)
    if result.years:
        messages.success(request, _("已从 %(library)s 载入 %(count)s 个年份（%(first)s–%(last)s），共 %(days)s 天") % {
            "library": LIBRARY, "count": len(result.years), "first": result.years[0], "last": result.years[-1],
            "days": result.days,
        })
    else:
        messages.info(request, _("%(library)s 的年份都已在工作日历中") % {"library": LIBRARY})
    return redirect(_year_url(_year(request.POST.get("year", timezone.localdate().year))))


def _pending_data(request) -> bytes | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("user") != request.user.pk:
        return None
    try:
        return base64.b64decode(pending.get("data", ""), validate=True)
    except (binascii.Error, ValueError):
        return None


@allowed_for(can_edit_working_day_calendar)
def calendar_upload(request):
    """Upload a CSV: the preview lists every row (and every problem) and writes nothing; the
    confirmation checks the same file again and loads it in one transaction."""
    context = {"form": CalendarUploadForm()}
    if request.method == "POST" and request.POST.get("cancel") == "1":
        request.session.pop(PENDING, None)
        messages.info(request, _("已取消上传"))
        return redirect("calendar_upload")
    if request.method == "POST" and request.POST.get("confirm") == "1":
        data = _pending_data(request)
        request.session.pop(PENDING, None)
        if data is None:
            messages.error(request, _("没有待载入的文件（可能已载入或已超时），请重新上传"))
            return redirect("calendar_upload")
        upload = calendar_upload_read(data)
        if not upload.ok:
            context.update(upload=upload, problems=upload.problems)
            return render(request, "facilities/calendar_upload.html", context)
        try:
            counts = services.working_days_replace(by=request.user, notices=upload.notices)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("calendar_upload")
        messages.success(request, _("工作日历已更新：新增 %(added)s 天，修改 %(changed)s 天，删除 %(removed)s 天") % counts)
        return redirect(_year_url(upload.notices[0].year))
    if request.method == "POST":
        form = CalendarUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            data = upload_file.read(300 * 1024)
            upload = calendar_upload_read(data)
            context.update(upload=upload, problems=upload.problems, filename=upload_file.name)
            request.session.pop(PENDING, None)
            if upload.ok:
                request.session[PENDING] = {"user": request.user.pk, "data": base64.b64encode(data).decode("ascii")}
    return render(request, "facilities/calendar_upload.html", context)
