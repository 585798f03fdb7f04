"""Writes of resident safety (GB 38600-2019): risk assessments, incidents and their follow-up, and loading
a risk catalogue as a new version."""
import json
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.history import save_with_history
from facilities.models import Facility
from facilities.regions.services import version_store
from facilities.selectors import region_policy

from ..access import can_record_safety
from ..models import (
    AbilityAssessment,
    IncidentHarm,
    Person,
    RoundKind,
    SafetyIncident,
    SafetyRiskAssessment,
    SafetyRiskCatalogue,
    SafetyRound,
    SelfCareAssessment,
)
from ..recusal import ensure_not_related
from ..rules import assessment_due_on
from ..safety_rules import (
    OTHER_KIND,
    Rating,
    RiskLevel,
    as_risks,
    catalogue_problems,
    highest_level,
    notice_due_at,
    rating_problems,
)
from ..services import scan_after_commit
from .selectors import safety_catalogue_for

NATIONAL_CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "safety_risks_gb38600_2019.json"


def _resident_facility(by, person: Person) -> Facility:
    """The facility the person lives in, if `by` manages it: GB 38600 is a facility's duty."""
    stay = person.stays.filter(ended_on__isnull=True).select_related("facility").first()
    if stay is None or not can_record_safety(by, stay.facility):
        raise PermissionDenied(_("只有所住机构的负责人可以为该人员录入安全风险评估"))
    return stay.facility


@transaction.atomic
def safety_assessment_record(
    *, by, person: Person, assessed_on: date, reason: str, ratings: dict[str, dict], assessor: str, notes: str = "",
) -> SafetyRiskAssessment:
    """Rate every risk of the catalogue the facility's region uses on that day; medium and high risks name
    their measures. The self-care standing of the day is kept, so a later change calls for a review."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    facility = _resident_facility(by, person)
    ensure_not_related(user=by, person_ids=[person.pk], action=_("为其录入服务安全风险评估"))
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("日期不能晚于今天")})
    if assessed_on < person.birth_date:
        raise ValidationError({"assessed_on": _("评估日期不能早于出生日期")})
    if not assessor.strip():
        raise ValidationError({"assessor": _("请填写评估人")})
    catalogue = safety_catalogue_for(region_code=facility.region_id, on=assessed_on)
    if catalogue is None:
        raise ValidationError({"assessed_on": _("该日期没有可用的服务安全风险目录，请联系系统管理员载入")})
    risks = as_risks(catalogue.items)
    try:
        given = {code: Rating(RiskLevel(value.get("level")), str(value.get("measures") or "").strip())
                 for code, value in ratings.items()}
    except (ValueError, AttributeError) as exc:
        raise ValidationError({"ratings": _("风险等级须为 none、low、medium 或 high")}) from exc
    problems = rating_problems(risks, given)
    if problems:
        raise ValidationError({f"risk_{code}": message for code, message in problems.items()})
    self_care = (SelfCareAssessment.objects.filter(person=person, assessed_on__lte=assessed_on)
                 .order_by("-assessed_on", "-id").values_list("category", flat=True).first())
    ability = (AbilityAssessment.objects.filter(person=person, assessed_on__lte=assessed_on)
               .order_by("-assessed_on", "-id").values_list("level", flat=True).first())
    assessment = SafetyRiskAssessment(
        person=person, facility=facility, catalogue=catalogue, assessed_on=assessed_on, reason=reason,
        ratings={code: {"level": rating.level.value, "measures": rating.measures} for code, rating in given.items()},
        highest=highest_level([rating.level for rating in given.values()]).value,
        self_care_then=self_care or "", ability_then=ability or "", assessor=assessor.strip(),
        due_on=assessment_due_on(assessed_on=assessed_on, interval_months=region_policy(
            region_code=facility.region_id, on=assessed_on).safety_review_months), notes=notes, recorded_by=by,
    )
    save_with_history(assessment, by=by, reason=_("录入服务安全风险评估"))
    scan_after_commit(facility_id=facility.pk)
    return assessment


def _moment(moment: datetime | None, field: str) -> datetime | None:
    """A time as an aware one, refused when it is in the future or before 1900."""
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now():
        raise ValidationError({field: _("时间不能晚于现在")})
    if moment.year < 1900:
        raise ValidationError({field: _("时间超出范围")})
    return moment


def _notice(occurred_at: datetime, notified_at: datetime | None, whom: str) -> dict:
    errors = {}
    if notified_at is not None and notified_at < occurred_at:
        errors["family_notified_at"] = _("告知时间不能早于事件发生时间")
    if notified_at is not None and not whom.strip():
        errors["family_notified"] = _("请填写告知了谁（姓名与关系）")
    return errors


@transaction.atomic
def safety_incident_record(
    *, by, facility: Facility, occurred_at: datetime, kind: str, place: str, harm: str, description: str,
    actions: str, person: Person | None = None, family_notified_at: datetime | None = None,
    family_notified: str = "",
) -> SafetyIncident:
    """An incident in the manager's facility; the deadline to tell the family is the region's (RegionPolicy).
    A time without a zone is local time (Asia/Shanghai)."""
    if not can_record_safety(by, facility):
        raise PermissionDenied(_("只有本机构负责人可以登记安全事件"))
    occurred_at = _moment(occurred_at, "occurred_at")
    family_notified_at = _moment(family_notified_at, "family_notified_at")
    errors = _notice(occurred_at, family_notified_at, family_notified)
    day = timezone.localtime(occurred_at).date()
    if person is not None:
        if person.birth_date > day:
            errors["person"] = _("事件发生时该人员尚未出生")
        elif not person.stays.filter(facility=facility, admitted_on__lte=day).exclude(ended_on__lt=day).exists():
            errors["person"] = _("事件发生时该人员不在本机构入住")
        else:
            ensure_not_related(user=by, person_ids=[person.pk], action=_("为其登记安全事件"))
    if harm not in IncidentHarm.values:
        errors["harm"] = _("请选择伤害程度")
    catalogue = safety_catalogue_for(region_code=facility.region_id, on=day)
    if catalogue is None:
        errors["occurred_at"] = _("该日期没有可用的服务安全风险目录，请联系系统管理员载入")
    names = {risk.code: risk.name for risk in as_risks(catalogue.items)} if catalogue else {}
    if kind != OTHER_KIND and kind not in names:
        errors["kind"] = _("事件类别须为风险目录中的一项或“其他”")
    if errors:
        raise ValidationError(errors)
    incident = SafetyIncident(
        facility=facility, person=person, kind=kind, kind_name=names.get(kind) or str(_("其他")),
        occurred_at=occurred_at, place=place.strip(), harm=harm, description=description.strip(),
        actions=actions.strip(), notice_due_at=notice_due_at(occurred_at=occurred_at, within_hours=region_policy(
            region_code=facility.region_id, on=day).incident_notice_hours),
        family_notified_at=family_notified_at, family_notified=family_notified.strip(), recorded_by=by,
    )
    save_with_history(incident, by=by, reason=_("登记安全事件"))
    return incident


@transaction.atomic
def safety_incident_follow_up(
    *, by, incident: SafetyIncident, family_notified_at: datetime | None, family_notified: str, review: str,
    reviewed_on: date | None,
) -> SafetyIncident:
    """Record when the family was told and the review afterwards; once recorded, a notice stays recorded."""
    incident = SafetyIncident.objects.select_for_update().get(pk=incident.pk)
    if not can_record_safety(by, incident.facility):
        raise PermissionDenied(_("只有本机构负责人可以补充安全事件"))
    family_notified_at = _moment(family_notified_at, "family_notified_at")
    errors = _notice(incident.occurred_at, family_notified_at, family_notified)
    if incident.family_notified_at is not None and family_notified_at is None:
        errors["family_notified_at"] = _("已登记的告知时间不能删除，可以更正")
    if incident.reviewed_on is not None and reviewed_on is None:
        errors["reviewed_on"] = _("已登记的复盘不能删除，可以更正")
    if reviewed_on is not None:
        if not review.strip():
            errors["review"] = _("请填写原因分析与改进措施")
        elif reviewed_on < timezone.localtime(incident.occurred_at).date() or reviewed_on > timezone.localdate():
            errors["reviewed_on"] = _("复盘日期须在事件发生之后、今天之前")
    if errors:
        raise ValidationError(errors)
    incident.family_notified_at, incident.family_notified = family_notified_at, family_notified.strip()
    incident.review, incident.reviewed_on = review.strip(), reviewed_on
    save_with_history(incident, by=by, reason=_("补充安全事件的告知与复盘"))
    return incident


def safety_catalogue_load(*, path: Path, by=None, region=None, effective_from: date | None = None) -> SafetyRiskCatalogue:
    """A risk catalogue document (JSON, as residents/data keeps the national one) as a version for a region
    (None: national) from a day (default: the document's); refused, naming the problems, unless it is whole."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        items = [{key: str(item[key]) for key in ("code", "name", "clause", "hint") if key in item}
                 for item in document["items"]]
        day = effective_from or date.fromisoformat(document["effective_from"])
        code, name, source = str(document["code"]), str(document["name"]), str(document["source"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValidationError(_("风险目录文件无法读取：%(error)s"), params={"error": exc}) from exc
    problems = catalogue_problems(as_risks(items))
    if problems:
        raise ValidationError(_("风险目录有误：%(problems)s"), params={"problems": "；".join(problems)})
    return version_store(
        SafetyRiskCatalogue, region=region, effective_from=day, by=by, reason=_("载入服务安全风险目录"),
        used=lambda version: _("该版本已用于评估，不能覆盖；请以新的起用日期载入") if version.assessments.exists() else "",
        code=code, name=name, source=source, items=items,
    )


@transaction.atomic
def safety_round_record(
    *, by, facility: Facility, unit: str, kind: str, at: datetime, staff: str, received_by: str = "", findings: str = "",
) -> SafetyRound:
    """A round or a handover in a unit of the manager's facility, entered as it happens or soon after."""
    if not can_record_safety(by, facility):
        raise PermissionDenied(_("只有本机构负责人可以登记巡查与交接班"))
    at = _moment(at, "at")
    unit, staff, received_by = unit.strip(), staff.strip(), received_by.strip()
    errors = {}
    if kind not in RoundKind.values:
        errors["kind"] = _("请选择巡查或交接班")
    if not unit:
        errors["unit"] = _("请填写区域")
    if not staff:
        errors["staff"] = _("请填写巡查人或交班人")
    if kind == RoundKind.HANDOVER and not received_by:
        errors["received_by"] = _("交接班须填写接班人")
    elif kind == RoundKind.HANDOVER and received_by == staff:
        errors["received_by"] = _("交班人和接班人不能是同一人")
    if errors:
        raise ValidationError(errors)
    record = SafetyRound(facility=facility, unit=unit, kind=kind, at=at, staff=staff,
                         received_by=received_by if kind == RoundKind.HANDOVER else "", findings=findings.strip(),
                         recorded_by=by)
    save_with_history(record, by=by, reason=_("登记巡查与交接班"))
    return record
