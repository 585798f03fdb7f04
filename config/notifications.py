"""The notifications page: what happened to the reader's own work, and the alerts new since they last
looked at the alert list (the roof composes both: notifications live in accounts, alerts in facilities)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.notifications.selectors import notification_text, notifications_for
from accounts.notifications.services import digest_settings_save, notification_open, notifications_mark_read
from facilities.alerts.forms import DigestSettingsForm
from facilities.alerts.selectors import new_alerts_count


@login_required
def notification_list(request):
    page = Paginator(notifications_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "notifications.html", {
        "page": page,
        "rows": [(notification, notification_text(notification)) for notification in page.object_list],
        "new_alerts": new_alerts_count(request.user),
    })


@login_required
def notification_go(request, notification_id):
    """Follow a notification to what it is about; it is read from then on."""
    notification = get_object_or_404(notifications_for(request.user), pk=notification_id)
    return redirect(notification_open(user=request.user, notification=notification))


@login_required
@require_POST
def notifications_read(request):
    count = notifications_mark_read(user=request.user)
    messages.success(request, ngettext("已将 %(n)s 条通知标为已读", "已将 %(n)s 条通知标为已读", count) % {"n": count})
    return redirect("notification_list")


@login_required
def notification_settings(request):
    """What the daily e-mail digest tells the user: on or off, and which alert kinds."""
    form = DigestSettingsForm.for_user(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        digest_settings_save(user=request.user, daily=form.cleaned_data["daily"], muted=form.muted)
        messages.success(request, _("已保存邮件摘要设置"))
        return redirect("notification_settings")
    return render(request, "notification_settings.html", {"form": form})
