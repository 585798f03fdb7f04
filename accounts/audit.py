"""The access log (等保 level 3): every read of a full ID number or of health and disability details,
and every export, writes one AccessRecord through `access_record`; records are pruned only after the
retention period (AUDIT_RETENTION_DAYS, at least 183 days).

The log keeps what it needs and no more: the path, the target and the detail (which carries the
filters) are stored with ID numbers and mobile numbers masked (common.masking), and the address is
the client's behind the trusted proxies (common.client_address).
"""
from datetime import timedelta

from django.conf import settings
from django.db import router
from django.utils import translation

from common.client_address import client_address
from common.masking import mask_personal_numbers

from .models import AccessRecord


def access_record(*, request=None, user=None, action: str, target: str, detail="", params=None) -> AccessRecord:
    """Record one access. Views and API handlers pass the request (user, address and path come
    from it); tasks pass the user, or nobody when the system itself acts.

    `detail` is a (lazy) message and `params` its placeholders; it is written in the site's
    language whatever the user's, so the log reads the same for every auditor.
    """
    with translation.override(settings.LANGUAGE_CODE):
        text = str(detail) % {key: str(value) for key, value in params.items()} if params else str(detail)
    requester = getattr(request, "user", None)
    if user is None and requester is not None and requester.is_authenticated:
        user = requester
    return AccessRecord.objects.create(
        user=user,
        username=user.username if user else "",
        role=user.role if user else "",
        action=action,
        target=mask_personal_numbers(target)[:100],
        detail=mask_personal_numbers(text)[:300],
        ip=client_address(request) if request is not None else None,
        path=mask_personal_numbers(request.get_full_path())[:300] if request is not None else "",
    )


def access_records_prune(*, now) -> int:
    """Delete the records older than the retention period and return how many went.

    The only way records leave: the model and its queryset refuse deletes, and the database
    refuses deleting anything younger than 183 days.
    """
    cutoff = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    return AccessRecord.objects.filter(at__lt=cutoff)._raw_delete(router.db_for_write(AccessRecord))
