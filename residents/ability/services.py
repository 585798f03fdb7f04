"""Writes of the GB/T 42195 assessment: recording one, and loading a scale document as a new version."""
import json
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.history import save_with_history
from facilities.regions.services import version_store
from facilities.selectors import region_policies

from ..ability_rules import (
    LTC_LEVELS,
    ability_level,
    ability_scores,
    as_scale_items,
    ltc_ability_level,
    preliminary_level,
    scale_items,
    scale_problems,
)
from ..models import AbilityAssessment, AbilityScale, LtcAssessment, Person
from ..recusal import ensure_not_related
from ..rules import assessment_due_on
from ..services import may_assess
from .selectors import ability_scale_for

NATIONAL_SCALE = Path(__file__).resolve().parent.parent / "data" / "ability_scale_gbt42195_2022.json"


@transaction.atomic
def ability_assessment_record(
    *, by, person: Person, assessed_on: date, reason: str, answers: dict[str, int], assessor: str,
    second_assessor: str, coma: bool = False, mental_disorder: bool = False, diagnosis: str = "",
    risk_events_30d: int = 0, notes: str = "",
) -> AbilityAssessment:
    """Score the items of the scale the person's region uses on that day, then the level with the
    standard's adjustments; two different assessors sign it."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    facility = may_assess(by, person)
    ensure_not_related(user=by, person_ids=[person.pk], action=_("为其录入老年人能力评估"))
    errors = {}
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = _("日期不能晚于今天")
    elif assessed_on < person.birth_date:
        errors["assessed_on"] = _("评估日期不能早于出生日期")
    assessor, second_assessor = assessor.strip(), second_assessor.strip()
    if not assessor or not second_assessor:
        errors["second_assessor"] = _("须由两名评估员评估并签名")
    elif assessor == second_assessor:
        errors["second_assessor"] = _("两名评估员不能是同一人")
    if mental_disorder and not diagnosis.strip():
        errors["diagnosis"] = _("确诊精神障碍须填写诊断（疾病名称及ICD-10编码）")
    if errors:
        raise ValidationError(errors)
    region = facility.region_id if facility else (person.residence_region_id or person.hukou_region_id)
    scale = ability_scale_for(region_code=region, on=assessed_on)
    if scale is None:
        raise ValidationError({"assessed_on": _("该日期没有可用的能力评估量表，请联系系统管理员录入")})
    items = as_scale_items(scale.items)
    if scale_problems(items):
        raise ValidationError(_("评估量表数据有误，请联系系统管理员：%(problems)s"),
                              params={"problems": "；".join(scale_problems(items))})
    try:
        scores = ability_scores(items, answers)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"answers": str(exc)}) from exc
    assessment = AbilityAssessment(
        person=person, facility=facility, scale=scale, assessed_on=assessed_on, reason=reason, answers=answers,
        **scores.by_indicator, total=scores.total, preliminary_level=preliminary_level(scores.total).value,
        coma=coma, mental_disorder=mental_disorder, diagnosis=diagnosis.strip(), risk_events_30d=risk_events_30d,
        level=ability_level(total=scores.total, coma=coma, mental_disorder=mental_disorder,
                            risk_events_30d=risk_events_30d, stack_raises=scale.stack_raises).value,
        assessor=assessor, second_assessor=second_assessor, notes=notes.strip(), recorded_by=by,
        due_on=assessment_due_on(assessed_on=assessed_on, interval_months=scale.reassessment_months),
    )
    save_with_history(assessment, by=by, reason=_("老年人能力评估"))
    return assessment


@transaction.atomic
def ltc_assessment_record(
    *, by, person: Person, source: str, ltc_level: int, assessed_on: date, valid_until: date, notes: str = "",
) -> LtcAssessment:
    """A long-term-care insurance result as the medical-insurance side concluded it, with its source; it is
    accepted (采信) in place of an own GB/T 42195 assessment when the region of the person's facility (or home)
    accepts such results on the day it was assessed. Recorded by whoever may assess the person."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    facility = may_assess(by, person)
    ensure_not_related(user=by, person_ids=[person.pk], action=_("为其录入长护险评估结果"))
    errors = {}
    source = source.strip()
    if not source:
        errors["source"] = _("请填写评估机构与结论文号")
    if isinstance(ltc_level, bool) or ltc_level not in LTC_LEVELS:
        errors["ltc_level"] = _("长护险失能等级须为0至5级")
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = _("日期不能晚于今天")
    elif assessed_on < person.birth_date:
        errors["assessed_on"] = _("评估日期不能早于出生日期")
    if valid_until <= assessed_on:
        errors["valid_until"] = _("有效期须晚于评估日期")
    if errors:
        raise ValidationError(errors)
    region = facility.region_id if facility else (person.residence_region_id or person.hukou_region_id)
    accepted = region_policies(region_codes=[region], on=assessed_on)[region].accept_ltc_assessment
    result = LtcAssessment(
        person=person, facility=facility, source=source, ltc_level=ltc_level,
        level=ltc_ability_level(ltc_level).value, assessed_on=assessed_on, valid_until=valid_until,
        accepted=accepted, notes=notes.strip(), recorded_by=by,
    )
    save_with_history(result, by=by, reason=_("录入长护险失能评估结果（采信）") if accepted else _("录入长护险失能评估结果"))
    return result


def ability_scale_load(*, path: Path, by=None, region=None, effective_from: date | None = None) -> AbilityScale:
    """A scale document (JSON, as residents/data keeps the national one) as a version for a region (None:
    national) from a day (default: the document's); refused, naming the problems, unless it adds up."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        items = scale_items(document)
        problems = scale_problems(as_scale_items(items))
        day = effective_from or date.fromisoformat(document["effective_from"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValidationError(_("量表文件无法读取：%(error)s"), params={"error": exc}) from exc
    if problems:
        raise ValidationError(_("量表数据有误：%(problems)s"), params={"problems": "；".join(problems)})
    return version_store(AbilityScale, region=region, effective_from=day, by=by, reason=_("载入能力评估量表"),
                         code=document["code"], name=document["name"], source=document["source"], items=items)
