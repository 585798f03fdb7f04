"""Every write about public notices (公示): making a notice, recording objections and their handling.

A notice freezes its list when it is made: NoticeEntry rows hold the name and masked ID number as
posted, so later changes to a person never change what was posted. Minors never appear (the pure rule
residents.rules.notice_entries). The 7-day notice period comes from residents.rules.notice_period_end;
objections are recorded only while it runs.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.history import save_with_history
from facilities.models import Region
from facilities.scoping import can_manage_notices

from ..models import Notice, NoticeEntry, NoticeObjection
from ..rules import NoticeRow, in_notice_period, is_notice_eligible, notice_entries, notice_period_end
from .selectors import notice_candidates

MAX_PLANNED_DAYS = 30  # a notice may be prepared up to a month before it is posted
# A township's notice lists the people whose home is that township; a county's lists those whose home
# is known only to the county, so nobody confirmed drops out of every notice.
NOTICE_LEVELS = ("township", "county")


@dataclass(frozen=True)
class NoticePreview:
    rows: list[NoticeRow]
    minors_withheld: int  # people left out because they are under 18 on the posting day
    ends_on: date


def _check(*, by, township: Region, period_start: date, period_end: date, posted_on: date) -> None:
    if not can_manage_notices(by, township.code):
        raise PermissionDenied(_("只有该乡镇所在区划的民政督查或救助经办可以制作公示"))
    if township.level not in NOTICE_LEVELS:
        raise ValidationError({"township": _("公示按乡镇（街道）制作，住址只登记到县（区）的人员列入县（区）公示：请选择乡镇（街道）或县（区）")})
    today = timezone.localdate()
    if period_end < period_start:
        raise ValidationError({"period_end": _("统计期间止不能早于统计期间起")})
    if period_end > today:
        raise ValidationError({"period_end": _("统计期间尚未结束，不能制作公示")})
    if posted_on < period_end:
        raise ValidationError({"posted_on": _("张贴日期不能早于统计期间止")})
    if posted_on > today + timedelta(days=MAX_PLANNED_DAYS):
        raise ValidationError({"posted_on": ValidationError(
            _("张贴日期最多可在 %(days)s 天后"), params={"days": MAX_PLANNED_DAYS})})


def notice_preview(*, by, township: Region, period_start: date, period_end: date, posted_on: date) -> NoticePreview:
    """What a notice would list, without saving it (the form shows it before publishing)."""
    _check(by=by, township=township, period_start=period_start, period_end=period_end, posted_on=posted_on)
    candidates = notice_candidates(user=by, township=township, period_start=period_start, period_end=period_end)
    minors = {c.person_id for c in candidates if not is_notice_eligible(c.birth_date, posted_on)}
    return NoticePreview(
        rows=notice_entries(candidates, on=posted_on), minors_withheld=len(minors), ends_on=notice_period_end(posted_on)
    )


@transaction.atomic
def notice_create(
    *, by, township: Region, period_start: date, period_end: date, posted_on: date, contact: str
) -> Notice:
    """Make and freeze a notice for a township and period."""
    preview = notice_preview(by=by, township=township, period_start=period_start, period_end=period_end,
                             posted_on=posted_on)
    if not contact.strip():
        raise ValidationError({"contact": _("请填写异议受理的联系人和电话")})
    if Notice.objects.filter(township=township, period_start=period_start, period_end=period_end).exists():
        raise ValidationError({"period_start": _("该乡镇（街道）这一统计期间的公示已经制作")})
    notice = Notice(
        township=township, period_start=period_start, period_end=period_end, posted_on=posted_on,
        ends_on=preview.ends_on, contact=contact.strip(), minors_withheld=preview.minors_withheld, created_by=by,
    )
    notice.full_clean()
    notice.save()
    NoticeEntry.objects.bulk_create([
        NoticeEntry(notice=notice, person_id=row.person_id, position=position, name=row.name,
                    masked_id_number=row.masked_id_number, change=row.change, changed_on=row.changed_on)
        for position, row in enumerate(preview.rows, start=1)
    ])
    return notice


@transaction.atomic
def notice_objection_record(
    *, by, notice: Notice, objector: str, received_on: date, content: str, objector_contact: str = "",
    entry: NoticeEntry | None = None,
) -> NoticeObjection:
    """An objection received during the notice period; refused once the period is over."""
    notice = Notice.objects.select_for_update().select_related("township").get(pk=notice.pk)
    if not can_manage_notices(by, notice.township_id):
        raise PermissionDenied(_("只有该乡镇所在区划的民政督查或救助经办可以登记异议"))
    today = timezone.localdate()
    period = {"start": notice.posted_on.isoformat(), "end": notice.ends_on.isoformat()}
    if today > notice.ends_on:
        raise ValidationError({"received_on": ValidationError(
            _("公示期已于 %(end)s 结束，不能再登记异议（公示期为 %(start)s 至 %(end)s）"), params=period)})
    if received_on > today:
        raise ValidationError({"received_on": _("日期不能晚于今天")})
    if not in_notice_period(received_on, posted_on=notice.posted_on, ends_on=notice.ends_on):
        raise ValidationError({"received_on": ValidationError(
            _("收到日期须在公示期内（%(start)s 至 %(end)s）"), params=period)})
    if entry is not None and entry.notice_id != notice.pk:
        raise ValidationError({"entry": _("该人员不在本次公示名单中")})
    if not objector.strip():
        raise ValidationError({"objector": _("请填写异议人（可填“匿名”）")})
    if not content.strip():
        raise ValidationError({"content": _("请填写异议内容")})
    objection = NoticeObjection(
        notice=notice, entry=entry, objector=objector.strip(), objector_contact=objector_contact.strip(),
        received_on=received_on, content=content.strip(), recorded_by=by,
    )
    save_with_history(objection, by=by, reason=_("登记异议"))
    return objection


@transaction.atomic
def notice_objection_handle(*, by, objection: NoticeObjection, result: str, handled_on: date) -> NoticeObjection:
    """Record (or revise) how an objection was handled; the history keeps every version."""
    objection = NoticeObjection.objects.select_for_update().select_related("notice").get(pk=objection.pk)
    if not can_manage_notices(by, objection.notice.township_id):
        raise PermissionDenied(_("只有该乡镇所在区划的民政督查或救助经办可以处理异议"))
    if not result.strip():
        raise ValidationError({"result": _("请填写处理结果")})
    if handled_on > timezone.localdate():
        raise ValidationError({"handled_on": _("日期不能晚于今天")})
    if handled_on < objection.received_on:
        raise ValidationError({"handled_on": _("处理日期不能早于收到日期")})
    revised = bool(objection.result)
    objection.result, objection.handled_on, objection.handled_by = result.strip(), handled_on, by
    save_with_history(objection, by=by, reason=_("修改处理结果") if revised else _("登记处理结果"),
                      update_fields=["result", "handled_on", "handled_by"])
    return objection
