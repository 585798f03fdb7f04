"""Recording star-rating evaluations: the level follows from the scores, and the region's rules
(first rating at most level N, one step at a time after a year, a wait after a failure) decide
whether the evaluation may be recorded."""
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.enqueue import enqueue_on_commit

from . import tasks
from .history import save_with_history
from .models import Facility, StarRating
from .rules import (
    DEFAULT_THRESHOLDS,
    PastRating,
    StarThresholds,
    rating_expires_on,
    rating_refusal,
    star_level,
)
from .scoping import can_edit_facility
from .selectors import region_policy


def thresholds_for(policy) -> StarThresholds:
    """The region's thresholds, or the published default scheme."""
    custom = policy.star_thresholds or {}
    if not custom:
        return DEFAULT_THRESHOLDS
    return StarThresholds(
        totals={int(k): int(v) for k, v in custom["totals"].items()},
        section_percent={int(k): int(v) for k, v in custom["section_percent"].items()},
    )


@transaction.atomic
def rating_record(
    *, by, facility: Facility, rated_on: date, environment: Decimal, equipment: Decimal, management: Decimal,
    service: Decimal, evaluators: str, certificate_number: str = "", report=None,
) -> StarRating:
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    if not (can_edit_facility(by, facility) and by.role in ("inspector", "admin")):
        raise PermissionDenied(_("等级评定由该区划的民政督查录入"))
    if facility.status == "closed":
        raise ValidationError({"__all__": _("机构已关闭，不能评定等级")})
    if rated_on > timezone.localdate():
        raise ValidationError({"rated_on": _("日期不能晚于今天")})
    if facility.ratings.filter(rated_on=rated_on).exists():
        raise ValidationError({"rated_on": _("该机构在这一天已有一次评定，同一机构同一天只能录入一次评定")})
    certificate_number = certificate_number.strip()
    if certificate_number and StarRating.objects.filter(certificate_number=certificate_number).exists():
        raise ValidationError({"certificate_number": _("证书编号已被另一次评定使用，请核对证书")})
    policy = region_policy(region_code=facility.region_id, on=rated_on)
    try:
        level = star_level(
            environment=environment, equipment=equipment, management=management, service=service,
            thresholds=thresholds_for(policy),
        )
    except ValueError as exc:
        raise ValidationError({"__all__": str(exc)}) from exc
    history = [PastRating(r.rated_on, r.level) for r in facility.ratings.all()]
    refusal = rating_refusal(
        level=level, on=rated_on, history=history, first_max_level=policy.rating_first_max_level,
        upgrade_wait_years=policy.rating_upgrade_wait_years, reapply_wait_years=policy.rating_reapply_wait_years,
        valid_years=policy.rating_valid_years, after_expiry=policy.rating_after_expiry,
    )
    if refusal:
        raise ValidationError({"__all__": refusal})
    rating = StarRating(
        facility=facility, rated_on=rated_on, environment=environment, equipment=equipment, management=management,
        service=service, level=level, expires_on=rating_expires_on(rated_on, policy.rating_valid_years),
        certificate_number=certificate_number, evaluators=evaluators.strip(), report=report or "",
        recorded_by=by,
    )
    save_with_history(rating, by=by, reason=_("等级评定"))
    enqueue_on_commit(tasks.scan_ratings_for_facility, facility_id=facility.pk)
    return rating
