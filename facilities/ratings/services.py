"""Recording star-rating evaluations: the level follows from the scores, and the region's rules
(first rating at most level N, one step at a time after a year, a wait after a failure) decide
whether the evaluation may be recorded."""
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.bilingual import rule_message
from common.enqueue import enqueue_on_commit
from common.history import save_with_history

from ..inspections import tasks
from ..models import Facility, StarRating
from ..rules import (
    DEFAULT_THRESHOLDS,
    PastRating,
    StarThresholds,
    rating_expires_on,
    rating_refusal,
    star_level,
)
from ..scoping import can_edit_facility
from ..selectors import region_policy


def thresholds_for(policy) -> StarThresholds:
    """The region's thresholds, or the published default scheme."""
    custom = policy.star_thresholds or {}
    if not custom:
        return DEFAULT_THRESHOLDS
    return StarThresholds(
        totals={int(k): int(v) for k, v in custom["totals"].items()},
        section_percent={int(k): int(v) for k, v in custom["section_percent"].items()},
    )


def _require_rater(by, facility: Facility) -> None:
    if not can_edit_facility(by, facility):
        raise PermissionDenied(_("等级评定由该区划的民政督查录入"))


def _level_under_rules(*, facility: Facility, rated_on: date, scores: dict, others: list[StarRating]):
    """The level the scores reach and the policy of the day, or the region's refusal (as a field error)."""
    policy = region_policy(region_code=facility.region_id, on=rated_on)
    try:
        level = star_level(**scores, thresholds=thresholds_for(policy))
    except ValueError as exc:
        raise ValidationError({"__all__": rule_message(str(exc))}) from exc
    refusal = rating_refusal(
        level=level, on=rated_on, history=[PastRating(r.rated_on, r.level) for r in others],
        first_max_level=policy.rating_first_max_level, upgrade_wait_years=policy.rating_upgrade_wait_years,
        reapply_wait_years=policy.rating_reapply_wait_years, valid_years=policy.rating_valid_years,
        after_expiry=policy.rating_after_expiry,
    )
    if refusal:
        raise ValidationError({"__all__": refusal})
    return level, policy


def _later_still_allowed(*, facility: Facility, after: date, history: list[PastRating]) -> None:
    """A correction or withdrawal must not leave a later evaluation that the region's rules would now
    refuse (an upgrade that rested on the changed one): each later one is checked again, in order."""
    for later in sorted((p for p in history if p.rated_on > after), key=lambda p: p.rated_on):
        policy = region_policy(region_code=facility.region_id, on=later.rated_on)
        refusal = rating_refusal(
            level=later.level, on=later.rated_on, history=[p for p in history if p is not later],
            first_max_level=policy.rating_first_max_level, upgrade_wait_years=policy.rating_upgrade_wait_years,
            reapply_wait_years=policy.rating_reapply_wait_years, valid_years=policy.rating_valid_years,
            after_expiry=policy.rating_after_expiry,
        )
        if refusal:
            raise ValidationError({"__all__": ValidationError(
                _("%(day)s 的评定以这次评定为依据，改动后它将不符合规则（%(refusal)s）：请先更正或撤销 %(day)s 的评定"),
                params={"day": later.rated_on.isoformat(), "refusal": refusal})})


def _certificate_free(certificate_number: str, *, but=None) -> str:
    """A certificate number is used once, withdrawn evaluations included (a certificate is not reissued)."""
    certificate_number = certificate_number.strip()
    taken = StarRating.all_objects.filter(certificate_number=certificate_number)
    if but is not None:
        taken = taken.exclude(pk=but.pk)
    if certificate_number and taken.exists():
        raise ValidationError({"certificate_number": _("证书编号已被另一次评定使用，请核对证书")})
    return certificate_number


REASON_MAX = 300


def _reason(reason: str, *, missing) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": missing})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("原因不能超过%(n)d字") % {"n": REASON_MAX}})
    return reason


@transaction.atomic
def rating_record(
    *, by, facility: Facility, rated_on: date, environment: Decimal, equipment: Decimal, management: Decimal,
    service: Decimal, evaluators: str, certificate_number: str = "", report=None,
) -> StarRating:
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    _require_rater(by, facility)
    if facility.status == "closed":
        raise ValidationError({"__all__": _("机构已关闭，不能评定等级")})
    if rated_on > timezone.localdate():
        raise ValidationError({"rated_on": _("日期不能晚于今天")})
    if facility.ratings.filter(rated_on=rated_on).exists():
        raise ValidationError({"rated_on": _("该机构在这一天已有一次评定，同一机构同一天只能录入一次评定")})
    certificate_number = _certificate_free(certificate_number)
    scores = {"environment": environment, "equipment": equipment, "management": management, "service": service}
    level, policy = _level_under_rules(facility=facility, rated_on=rated_on, scores=scores,
                                       others=list(facility.ratings.all()))
    rating = StarRating(
        facility=facility, rated_on=rated_on, **scores, level=level,
        expires_on=rating_expires_on(rated_on, policy.rating_valid_years),
        certificate_number=certificate_number, evaluators=evaluators.strip(), report=report or "",
        recorded_by=by,
    )
    save_with_history(rating, by=by, reason=_("等级评定"))
    enqueue_on_commit(tasks.scan_ratings_for_facility, facility_id=facility.pk)
    return rating


@transaction.atomic
def rating_correct(
    *, by, rating: StarRating, reason: str, environment: Decimal, equipment: Decimal, management: Decimal,
    service: Decimal, evaluators: str, certificate_number: str = "",
) -> StarRating:
    """Correct a recorded evaluation (a typing error in a score, the certificate, the evaluators): the level
    follows the corrected scores under the rules of its day, and the reason is kept in its history."""
    facility = Facility.objects.select_for_update().get(pk=rating.facility_id)
    _require_rater(by, facility)
    rating = StarRating.objects.filter(pk=rating.pk).first()
    if rating is None:
        raise ValidationError({"__all__": _("该评定已撤销，不能更正")})
    reason = _reason(reason, missing=_("请填写更正原因"))
    scores = {"environment": environment, "equipment": equipment, "management": management, "service": service}
    others = list(facility.ratings.exclude(pk=rating.pk))
    level, policy = _level_under_rules(facility=facility, rated_on=rating.rated_on, scores=scores, others=others)
    _later_still_allowed(facility=facility, after=rating.rated_on,
                         history=[PastRating(r.rated_on, r.level) for r in others] + [PastRating(rating.rated_on, level)])
    rating.certificate_number = _certificate_free(certificate_number, but=rating)
    for name, value in scores.items():
        setattr(rating, name, value)
    rating.level = level
    rating.expires_on = rating_expires_on(rating.rated_on, policy.rating_valid_years)
    rating.evaluators = evaluators.strip()
    save_with_history(rating, by=by, reason=f"更正评定：{reason}")  # the record is kept in Chinese
    enqueue_on_commit(tasks.scan_ratings_for_facility, facility_id=facility.pk)
    return rating


@transaction.atomic
def rating_withdraw(*, by, rating: StarRating, reason: str) -> StarRating:
    """Withdraw (撤销) an evaluation: it stays on record with the reason, and the facility's level is what
    the remaining evaluations give."""
    facility = Facility.objects.select_for_update().get(pk=rating.facility_id)
    _require_rater(by, facility)
    rating = StarRating.objects.filter(pk=rating.pk).first()
    if rating is None:
        raise ValidationError({"__all__": _("该评定已撤销")})
    rating.withdrawal_reason = _reason(reason, missing=_("请填写撤销原因"))
    _later_still_allowed(facility=facility, after=rating.rated_on,
                         history=[PastRating(r.rated_on, r.level) for r in facility.ratings.exclude(pk=rating.pk)])
    rating.withdrawn_at = timezone.now()
    rating.withdrawn_by = by
    save_with_history(rating, by=by, reason=f"撤销评定：{rating.withdrawal_reason}")
    enqueue_on_commit(tasks.scan_ratings_for_facility, facility_id=facility.pk)
    return rating
