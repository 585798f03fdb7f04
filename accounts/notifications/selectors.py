"""A user's notifications, their words drawn in the reader's language from the kind and the stored values."""
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ..models import JobStatus, Notification, NotificationKind


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def notification_text(notification: Notification) -> str:
    values = notification.values
    if notification.kind == NotificationKind.BATCH_RETURNED:
        return _("%(month)s %(payer)s 的补贴申报被退回：%(reason)s") % values
    if notification.kind == NotificationKind.RECTIFICATION_RETURNED:
        return _("%(facility)s 的整改（%(category)s）被退回：%(reason)s") % values
    if notification.kind == NotificationKind.COMPLAINT_REGISTERED:
        return _("%(facility)s 有新的投诉举报待受理，须在 %(due)s 前受理") % values
    if notification.kind == NotificationKind.JOB_FINISHED:
        if values.get("status") == JobStatus.DONE:
            return _("后台任务已完成：%(title)s") % values
        return _("后台任务未完成：%(title)s") % values
    return notification.get_kind_display()
