"""The daily e-mail digest: what is new in each user's alert scope since their last digest, by kind,
with their unread notifications; kinds the user muted are left out (the notifications page's settings).

The message carries counts and kinds only, never a person's or a facility's name: mail leaves the
bureau's network, the details stay behind the login. A user with nothing new gets no message; a message
that cannot be sent is logged and tried again the next morning (its window is not moved on).
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from common.mail_text import header_text

from ..models import AlertKind
from .selectors import alerts_shown_to

logger = logging.getLogger(__name__)

#: A user's first digest (or after a long pause) looks back this far.
FIRST_WINDOW = timedelta(days=1)
DIGEST_ROLES = (Role.MANAGER, Role.INSPECTOR, Role.CLERK)


@dataclass(frozen=True)
class Digest:
    since: datetime
    new_by_kind: list[tuple[str, int]]  # (kind, count), in the kinds' order
    open_total: int
    unread: int

    @property
    def empty(self) -> bool:
        return not self.new_by_kind and not self.unread


def digest_compose(user: User, *, now: datetime) -> Digest:
    """What the user's digest would say now. Two queries."""
    since = max(user.digest_sent_at or now - FIRST_WINDOW, now - FIRST_WINDOW * 7)
    muted = set(user.digest_muted_kinds or [])
    open_alerts = alerts_shown_to(user).filter(resolved_at__isnull=True).exclude(kind__in=muted)
    counts = dict(open_alerts.filter(opened_at__gt=since, opened_at__lte=now).values_list("kind")
                  .annotate(n=Count("id")).order_by())
    return Digest(
        since=since,
        new_by_kind=[(kind.value, counts[kind.value]) for kind in AlertKind if counts.get(kind.value)],
        open_total=open_alerts.count(),
        unread=user.unread_notifications,
    )


def digest_message(user: User, digest: Digest) -> tuple[str, str]:
    """Subject and body, in the site's language."""
    new = sum(count for _kind, count in digest.new_by_kind)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("【每日摘要】新增预警 %(new)s 条，未读通知 %(unread)s 条") % {"new": new, "unread": digest.unread}
        lines = [_("%(name)s，您好：") % {"name": user.full_name or user.username}, ""]
        if digest.new_by_kind:
            lines.append(_("自 %(since)s 以来，您的范围内新增预警：") % {
                "since": f"{timezone.localtime(digest.since):%Y-%m-%d %H:%M}"})
            lines += [f"  · {AlertKind(kind).label}：" + ngettext("%(n)s 条", "%(n)s 条", count) % {"n": count}
                      for kind, count in digest.new_by_kind]
            lines.append("")
        lines.append(_("目前未解除的预警共 %(n)s 条：%(link)s") % {
            "n": digest.open_total, "link": f"{settings.SITE_URL}/alerts/"})
        if digest.unread:
            lines.append(_("您有 %(n)s 条未读通知：%(link)s") % {
                "n": digest.unread, "link": f"{settings.SITE_URL}/notifications/"})
        lines += ["", _("不想收到某类预警，或不再接收摘要：%(link)s") % {
            "link": f"{settings.SITE_URL}/notifications/settings/"}]
    return header_text(subject), "\n".join(lines)


def digests_send(*, now: datetime) -> int:
    """Send every due digest; returns how many went."""
    users = User.objects.filter(is_active=True, digest_daily=True, role__in=DIGEST_ROLES).exclude(email="")
    sent = 0
    for user in users.order_by("pk"):
        digest = digest_compose(user, now=now)
        if digest.empty:
            User.objects.filter(pk=user.pk).update(digest_sent_at=now)
            continue
        subject, body = digest_message(user, digest)
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
        except Exception:  # one refused address must not stop the others; it is tried again tomorrow
            logger.exception("daily digest for user %s not sent", user.pk)
            continue
        User.objects.filter(pk=user.pk).update(digest_sent_at=now)
        sent += 1
    return sent
