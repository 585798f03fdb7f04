"""Every write about people: registration, support status, stays, assessments, dispersed support.

Refusals raise ValidationError with a message that says what is wrong and what to do, in the
user's language (Chinese first). Scans for alerts are enqueued after the transaction commits.
"""
import re
import threading
from contextlib import contextmanager
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.bilingual import rule_message
from common.enqueue import enqueue
from common.field_crypto import secret_encrypt
from common.history import save_with_history
from common.pinyin import name_initials
from facilities.models import Facility, FacilityKind, Region
from facilities.scoping import (
    can_act_for_facility,
    can_act_in_region,
    can_register_people,
    edit_keeps_in_scope,
    is_facility_manager,
)
from facilities.selectors import region_policy
from facilities.working_days.calendar import WorkingDays

from . import tasks
from .id_lookups import OUTSIDE_SCOPE
from .models import (
    CareAgreement,
    Person,
    SelfCareAssessment,
    Stay,
    StayEndReason,
    SupportForm,
    SupportKind,
    SupportStatus,
    Visit,
)
from .recusal import ensure_not_related
from .rules import (
    ADULT_AGE,
    NO_LABOUR_CAPACITY_RULE,
    age_on,
    assessment_due_on,
    no_labour_capacity_reason,
    parse_id_number,
    self_care_category,
)
from .selectors import people_visible_to

CONFIRM_REFUSED = _("认定须由该人员所在区划的民政督查办理")
TERMINATE_REFUSED = _("终止须由该人员所在区划的民政督查办理")
DISPERSED_REFUSED = _("分散供养事务由该人员所在区划的民政督查办理")

PERSON_FIELDS = (
    "name", "hukou_region", "hukou_type", "residence_region", "address", "phone", "emergency_contact_name",
    "emergency_contact_phone", "disability_category", "disability_grade", "photo",
)


def _not_future(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("日期不能晚于今天")})


_batch = threading.local()


@contextmanager
def scans_deferred():
    """Collect the scans of many changes (an import, the demo) and run them once after commit."""
    if getattr(_batch, "pending", None) is not None:
        yield
        return
    _batch.pending = {"facilities": set(), "people": set()}
    try:
        yield
        pending = _batch.pending
        transaction.on_commit(lambda: _enqueue(pending["facilities"], pending["people"]))
    finally:
        _batch.pending = None


def _enqueue(facility_ids, person_ids) -> None:
    if facility_ids or person_ids:
        enqueue(tasks.scan_after_change, facility_ids=sorted(facility_ids), person_ids=sorted(person_ids))


def scan_after_commit(*, facility_id: int | None = None, person_id: int | None = None) -> None:
    facilities = {facility_id} - {None}
    people = {person_id} - {None}
    pending = getattr(_batch, "pending", None)
    if pending is not None:
        pending["facilities"] |= facilities
        pending["people"] |= people
    else:
        transaction.on_commit(lambda: _enqueue(facilities, people))


# --- people ------------------------------------------------------------------------------


@transaction.atomic
def person_register(
    *, by, name: str, id_number: str, hukou_region: Region, hukou_type: str, residence_region: Region | None = None,
    address: str = "", phone: str = "", emergency_contact_name: str = "", emergency_contact_phone: str = "",
    disability_category: str = "", disability_grade: int | None = None, photo=None,
) -> Person:
    """Register a person; birth date and sex come from the ID number and are never typed."""
    if not can_register_people(by):
        raise PermissionDenied(_("您无权登记人员"))
    if not is_facility_manager(by) and not any(
        region is not None and can_act_in_region(by, region.code) for region in (hukou_region, residence_region)
    ):
        raise ValidationError({"hukou_region": _("该人员的户籍地和现居住地都不在您的辖区")})
    try:
        parsed = parse_id_number(id_number)
    except ValueError as exc:
        raise ValidationError({"id_number": rule_message(str(exc))}) from exc
    if parsed.birth_date > timezone.localdate():
        raise ValidationError({"id_number": _("身份证号码中的出生日期晚于今天")})
    existing = Person.objects.filter(id_number=parsed.value).first()
    if existing is not None:
        if not people_visible_to(by).filter(pk=existing.pk).exists():
            raise ValidationError({"id_number": OUTSIDE_SCOPE})  # one answer outside the scope (id_lookups)
        raise ValidationError({"id_number": _("该身份证号码已登记，请勿重复登记")})
    person = Person(
        name=name.strip(), name_initials=name_initials(name.strip()), id_number=parsed.value, birth_date=parsed.birth_date, sex=parsed.sex,
        hukou_region=hukou_region, hukou_type=hukou_type, residence_region=residence_region, address=address,
        phone=phone, emergency_contact_name=emergency_contact_name, emergency_contact_phone=emergency_contact_phone,
        disability_category=disability_category or "", disability_grade=disability_grade, photo=photo or "",
    )
    if person.disability_grade and not person.disability_category:
        raise ValidationError({"disability_category": _("填写残疾等级时须选择残疾类别")})
    save_with_history(person, by=by, reason=_("登记人员"))
    return person


def ensure_may_edit(by, person: Person) -> None:
    """The manager of the facility where the person lives, or an inspector of their region."""
    active = person.stays.filter(ended_on__isnull=True).select_related("facility").first()
    allowed = (active is not None and can_act_for_facility(by, active.facility)) or can_act_in_region(
        by, (person.residence_region_id or person.hukou_region_id)
    )
    if not allowed:
        raise PermissionDenied(_("您无权修改该人员信息"))


def ensure_may_act_in_region(by, person: Person, message) -> None:
    """Support statuses and dispersed support belong to the inspectors of the person's region."""
    if not can_act_in_region(by, person.residence_region_id or person.hukou_region_id):
        raise PermissionDenied(message)


OUT_OF_SCOPE_EDIT = _("修改后该人员将不在您的辖区内，不能这样修改；如该人员迁出，请联系迁入地民政部门")


def _ensure_edit_keeps_in_scope(by, person: Person, changes: dict, changed: list[str]) -> None:
    """An edit never moves a person out of the editor's own region (facilities.scoping.edit_keeps_in_scope)."""
    for name in ("hukou_region", "residence_region"):
        region = changes.get(name)
        if name in changed and region is not None and not edit_keeps_in_scope(by, region.code):
            raise ValidationError({name: OUT_OF_SCOPE_EDIT})
    after = [changes[name] if name in changes else getattr(person, name) for name in ("residence_region", "hukou_region")]
    if not any(region is not None and edit_keeps_in_scope(by, region.code) for region in after):
        raise ValidationError({"residence_region" if "residence_region" in changed else "hukou_region": OUT_OF_SCOPE_EDIT})


@transaction.atomic
def person_update(*, by, person: Person, **changes) -> Person:
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改的字段：%(fields)s"), params={"fields": "、".join(sorted(unknown))})
    person = Person.objects.select_for_update().get(pk=person.pk)
    ensure_may_edit(by, person)
    changed = [name for name, value in changes.items() if getattr(person, name) != value]
    _ensure_edit_keeps_in_scope(by, person, changes, changed)
    for name in changed:
        setattr(person, name, changes[name])
    if "name" in changed:
        person.name_initials = name_initials(person.name)
        changed.append("name_initials")
    if changed:
        save_with_history(person, by=by, reason=_("修改人员信息"), update_fields=[*changed, "updated_at"])
    return person


def records_bank_accounts(person: Person) -> bool:
    """Whether the person's home region records the accounts its allowances are paid into."""
    return region_policy(region_code=person.hukou_region_id, on=timezone.localdate()).records_bank_accounts


_ACCOUNT = re.compile(r"\d{8,30}", re.ASCII)


@transaction.atomic
def person_bank_account_set(*, by, person: Person, bank_name: str, account: str) -> Person:
    """The account the person's allowances are paid into, kept encrypted; both blank removes it.

    Recorded by those who may edit the person (the facility's manager, the region's inspector), never by
    the clerks who export the payment roster: whoever pays does not also choose where the money goes.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    ensure_may_edit(by, person)
    if not records_bank_accounts(person):
        raise ValidationError(_("该人员户籍地未开启发放账号登记（区划规则参数）"))
    account = "".join(account.split())
    bank_name = bank_name.strip()
    if account and not _ACCOUNT.fullmatch(account):
        raise ValidationError({"account": _("银行账号应为 8 到 30 位数字")})
    if bool(account) != bool(bank_name):
        raise ValidationError({"bank_name" if account else "account": _("开户银行和银行账号须同时填写，或同时清空")})
    person.bank_name = bank_name
    person.bank_account_encrypted = secret_encrypt(account)
    person.bank_account_tail = account[-4:]
    save_with_history(person, by=by, reason=_("修改发放账户"),
                      update_fields=["bank_name", "bank_account_encrypted", "bank_account_tail", "updated_at"])
    return person


# --- support status ----------------------------------------------------------------------


@transaction.atomic
def support_status_confirm(
    *, by, person: Person, kind: str, confirmed_on: date, support_form: str = "", certificate_number: str = "",
) -> SupportStatus:
    """Record a confirmed support status; 特困 is checked against the no-labour-capacity conditions."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    ensure_may_act_in_region(by, person, CONFIRM_REFUSED)
    ensure_not_related(user=by, person_ids=[person.pk], action=_("办理其救助供养认定"))
    _not_future(confirmed_on, "confirmed_on")
    if confirmed_on < person.birth_date:
        raise ValidationError({"confirmed_on": _("认定日期不能早于出生日期")})
    if person.statuses.filter(kind=kind, terminated_on__isnull=True).exists():
        raise ValidationError({"kind": _("该人员已有未终止的同类认定，请先终止原认定")})
    age = age_on(person.birth_date, confirmed_on)
    if kind == SupportKind.HARDSHIP:
        if no_labour_capacity_reason(
            age=age, disability_category=person.disability_category, disability_grade=person.disability_grade
        ) is None:
            grade = f"{person.disability_grade}级" if person.disability_grade else ""
            raise ValidationError({"kind": ValidationError(
                _("不符合特困人员无劳动能力条件（%(rule)s）。该人员 %(age)s 周岁，残疾情况：%(disability)s。"),
                params={"rule": NO_LABOUR_CAPACITY_RULE, "age": age,
                        "disability": f"{person.get_disability_category_display()}{grade}" if person.disability_category else "无"},
            )})
        if support_form not in SupportForm.values:
            raise ValidationError({"support_form": _("特困人员须选择供养方式（集中或分散）")})
    elif kind in (SupportKind.ORPHAN, SupportKind.UNSUPPORTED_CHILD):
        if age >= ADULT_AGE:
            raise ValidationError({"kind": _("孤儿和事实无人抚养儿童须未满18周岁")})
    else:
        support_form = ""
    if support_form == SupportForm.DISPERSED:
        if person.residence_region is None or person.residence_region.level != "township":
            raise ValidationError({"support_form": _("分散供养人员须先填写现居住乡镇（街道）")})
        if person.stays.filter(ended_on__isnull=True).exists():
            raise ValidationError({"support_form": _("该人员正在机构入住，不能同时分散供养")})
    status = SupportStatus(
        person=person, kind=kind, support_form=support_form, confirmed_on=confirmed_on,
        certificate_number=certificate_number.strip(),
    )
    save_with_history(status, by=by, reason=_("认定"))
    scan_after_commit(person_id=person.pk)
    return status


@transaction.atomic
def support_status_terminate(*, by, status: SupportStatus, terminated_on: date, reason: str) -> SupportStatus:
    status = SupportStatus.objects.select_for_update().select_related("person").get(pk=status.pk)
    person = status.person
    ensure_may_act_in_region(by, person, TERMINATE_REFUSED)
    ensure_not_related(user=by, person_ids=[person.pk], action=_("终止其救助供养认定"))
    if status.terminated_on:
        raise ValidationError({"terminated_on": _("该认定已终止")})
    _not_future(terminated_on, "terminated_on")
    if terminated_on < status.confirmed_on:
        raise ValidationError({"terminated_on": _("终止日期不能早于认定日期")})
    if not reason.strip():
        raise ValidationError({"termination_reason": _("请填写终止原因")})
    status.terminated_on = terminated_on
    status.termination_reason = reason.strip()
    save_with_history(status, by=by, reason=_("终止认定"), update_fields=["terminated_on", "termination_reason"])
    scan_after_commit(person_id=person.pk)
    return status


# --- stays -------------------------------------------------------------------------------


def _check_bed_and_age(*, facility: Facility, person: Person, on: date) -> None:
    """Lock the facility row so two admissions to its last bed cannot both pass."""
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    occupied = Stay.objects.filter(facility=facility, ended_on__isnull=True).count()
    if occupied >= facility.bed_capacity:
        raise ValidationError({"facility": ValidationError(
            _("%(name)s 床位已满（%(beds)s 张床位，已入住 %(occupied)s 人），不能再入住"),
            params={"name": facility.name, "beds": facility.bed_capacity, "occupied": occupied},
        )})
    if age_on(person.birth_date, on) < ADULT_AGE and facility.kind != FacilityKind.CHILD_WELFARE:
        raise ValidationError({"facility": _("未成年人须安置在儿童福利机构")})
    if facility.status != "operating":
        raise ValidationError({"facility": _("该机构不在运营中，不能入住")})


def _check_not_enrolled_elsewhere(person: Person) -> None:
    if Stay.objects.filter(person=person, ended_on__isnull=True).exists():
        raise ValidationError({"person": _("该人员已在机构入住，请先办理离开或转院")})
    if person.statuses.filter(terminated_on__isnull=True, support_form=SupportForm.DISPERSED).exists():
        raise ValidationError({"person": _("该人员为分散供养，不能同时入住机构；请先将供养方式变更为集中供养")})


@transaction.atomic
def stay_admit(*, by, facility: Facility, person: Person, admitted_on: date, note: str = "") -> Stay:
    if not can_act_for_facility(by, facility):
        raise PermissionDenied(_("您无权为该机构办理入住"))
    person = Person.objects.select_for_update().get(pk=person.pk)
    _not_future(admitted_on, "admitted_on")
    if admitted_on < person.birth_date:
        raise ValidationError({"admitted_on": _("入住日期不能早于出生日期")})
    if person.stays.filter(end_reason=StayEndReason.DIED).exists():
        raise ValidationError({"person": _("该人员已登记死亡，不能入住")})
    _check_not_enrolled_elsewhere(person)
    _check_bed_and_age(facility=facility, person=person, on=admitted_on)
    last = person.stays.filter(ended_on__gt=admitted_on).exists()
    if last:
        raise ValidationError({"admitted_on": _("入住日期早于该人员上一次离开的日期")})
    stay = Stay(person=person, facility=facility, admitted_on=admitted_on, note=note)
    save_with_history(stay, by=by, reason=_("入住"))
    scan_after_commit(facility_id=facility.pk, person_id=person.pk)
    return stay


@transaction.atomic
def stay_discharge(*, by, stay: Stay, ended_on: date, reason: str, note: str = "") -> Stay:
    stay = Stay.objects.select_for_update().select_related("facility", "person").get(pk=stay.pk)
    if not can_act_for_facility(by, stay.facility):
        raise PermissionDenied(_("您无权为该机构办理离开"))
    if stay.ended_on:
        raise ValidationError({"ended_on": _("该入住记录已结束")})
    if reason not in StayEndReason.values:
        raise ValidationError({"end_reason": _("请选择离开原因")})
    _not_future(ended_on, "ended_on")
    if ended_on < stay.admitted_on:
        raise ValidationError({"ended_on": _("离开日期不能早于入住日期")})
    stay.ended_on, stay.end_reason = ended_on, reason
    if note:
        stay.note = note[:200]
    save_with_history(stay, by=by, reason=_("离开"), update_fields=["ended_on", "end_reason", "note"])
    if reason == StayEndReason.DIED:
        for status in stay.person.statuses.filter(terminated_on__isnull=True):
            status.terminated_on = max(ended_on, status.confirmed_on)
            status.termination_reason = _("死亡")
            save_with_history(status, by=by, reason=_("死亡终止"), update_fields=["terminated_on", "termination_reason"])
    scan_after_commit(facility_id=stay.facility_id, person_id=stay.person_id)
    return stay


@transaction.atomic
def stay_transfer(*, by, stay: Stay, to_facility: Facility, transferred_on: date) -> Stay:
    """End the stay as a transfer and admit the person to the other facility on the same day."""
    stay = Stay.objects.select_for_update().select_related("facility", "person").get(pk=stay.pk)
    if not can_act_for_facility(by, stay.facility):
        raise PermissionDenied(_("您无权为该机构办理转院"))
    if to_facility.pk == stay.facility_id:
        raise ValidationError({"to_facility": _("转入机构与当前机构相同")})
    if stay.ended_on:
        raise ValidationError({"transferred_on": _("该入住记录已结束")})
    _not_future(transferred_on, "transferred_on")
    if transferred_on < stay.admitted_on:
        raise ValidationError({"transferred_on": _("转院日期不能早于入住日期")})
    _check_bed_and_age(facility=to_facility, person=stay.person, on=transferred_on)
    stay.ended_on, stay.end_reason = transferred_on, StayEndReason.TRANSFERRED
    stay.note = f"转至{to_facility.name}"[:200]
    save_with_history(stay, by=by, reason=_("转出"), update_fields=["ended_on", "end_reason", "note"])
    new_stay = Stay(person=stay.person, facility=to_facility, admitted_on=transferred_on, note=f"由{stay.facility.name}转入"[:200])
    save_with_history(new_stay, by=by, reason=_("转入"))
    scan_after_commit(facility_id=stay.facility_id, person_id=stay.person_id)
    scan_after_commit(facility_id=to_facility.pk)
    return new_stay


# --- assessments -------------------------------------------------------------------------


def _home_region(person: Person, facility: Facility | None) -> str:
    """The region whose rules apply: the facility's, else where the person lives, else their registration."""
    return facility.region_id if facility else (person.residence_region_id or person.hukou_region_id)


def may_assess(by, person: Person) -> Facility | None:
    """The facility where the person lives if its manager assesses; inspectors assess dispersed people."""
    active = person.stays.filter(ended_on__isnull=True).select_related("facility").first()
    if active is not None and can_act_for_facility(by, active.facility):
        return active.facility
    if active is None and can_act_in_region(by, person.residence_region_id or person.hukou_region_id):
        return None
    raise PermissionDenied(_("您无权为该人员录入评估"))


@transaction.atomic
def assessment_record(
    *, by, person: Person, assessed_on: date, unable: dict[str, bool], assessors: str, reason: str,
    override_category: str = "", override_reason: str = "",
) -> SelfCareAssessment:
    """Record the six indicators; the category follows from them unless the assessor overrides it with a reason."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    facility = may_assess(by, person)
    ensure_not_related(user=by, person_ids=[person.pk], action=_("为其录入生活自理能力评估"))
    _not_future(assessed_on, "assessed_on")
    if assessed_on < person.birth_date:
        raise ValidationError({"assessed_on": _("评估日期不能早于出生日期")})
    missing = set(SelfCareAssessment.INDICATOR_FIELDS) - set(unable)
    if missing:
        raise ValidationError(_("六项指标须全部填写（缺少：%(missing)s）"), params={"missing": "、".join(sorted(missing))})
    computed = self_care_category(sum(bool(unable[name]) for name in SelfCareAssessment.INDICATOR_FIELDS))
    if override_category == computed.value:
        override_category, override_reason = "", ""
    if override_category and not override_reason.strip():
        raise ValidationError({"override_reason": _("调整评估类别须填写理由")})
    assessment = SelfCareAssessment(
        person=person, facility=facility, assessed_on=assessed_on, computed_category=computed.value,
        override_category=override_category, override_reason=override_reason.strip(),
        category=override_category or computed.value, assessors=assessors.strip(), reason=reason, recorded_by=by,
        due_on=_periodic_due(person, facility, assessed_on),
        **{name: bool(unable[name]) for name in SelfCareAssessment.INDICATOR_FIELDS},
    )
    save_with_history(assessment, by=by, reason=_("生活自理能力评估"))
    if person.change_reported_on is not None and assessed_on >= person.change_reported_on:
        person.change_reported_on = person.change_working_days = None  # the reported change is assessed
    person.assessment_due_on, person.assessment_due_provisional = _reassessment_due(person, WorkingDays())
    save_with_history(person, by=by, reason=_("评估后更新复评日期"), update_fields=DUE_FIELDS)
    scan_after_commit(facility_id=facility.pk if facility else None, person_id=person.pk)
    return assessment


DUE_FIELDS = ["assessment_due_on", "assessment_due_provisional", "change_reported_on", "change_working_days", "updated_at"]
ASSESSMENT_DUE_FIELDS = ["due_on", "due_provisional", "change_reported_on", "change_working_days"]


def _periodic_due(person: Person, facility: Facility | None, assessed_on: date) -> date:
    """The last day an assessment is valid without a reported change: the interval of the region
    whose rules applied on the day it was made."""
    policy = region_policy(region_code=_home_region(person, facility), on=assessed_on)
    return assessment_due_on(assessed_on=assessed_on, interval_months=policy.reassessment_months)


def _assessment_due(assessment: SelfCareAssessment, calendar: WorkingDays) -> tuple[date, bool]:
    """The last day an assessment is valid, and whether that day is provisional: the periodic due
    date, or sooner the deadline of the change reported while it was in force."""
    periodic = _periodic_due(assessment.person, assessment.facility, assessment.assessed_on)
    if assessment.change_reported_on is None:
        return periodic, False
    change = calendar.deadline(assessment.change_reported_on, assessment.change_working_days)
    return (change.due, change.provisional) if change.due < periodic else (periodic, False)


def _assessment_due_refresh(assessment: SelfCareAssessment, calendar: WorkingDays, *, by, reason) -> bool:
    due, provisional = _assessment_due(assessment, calendar)
    if (due, provisional) == (assessment.due_on, assessment.due_provisional):
        return False
    assessment.due_on, assessment.due_provisional = due, provisional
    save_with_history(assessment, by=by, reason=reason, update_fields=ASSESSMENT_DUE_FIELDS)
    return True


def _reassessment_due(person: Person, calendar: WorkingDays) -> tuple[date | None, bool]:
    """When the person's next assessment falls due, and whether that date is provisional: the day
    their latest assessment stops being valid, or sooner the deadline of a reported change that no
    assessment has followed yet (the only deadline for someone never assessed)."""
    latest = person.assessments.order_by("-assessed_on", "-id").first()
    current = (latest.due_on, latest.due_provisional) if latest is not None else (None, False)
    if person.change_reported_on is None:
        return current
    change = calendar.deadline(person.change_reported_on, person.change_working_days)
    if current[0] is not None and current[0] <= change.due:
        return current
    return change.due, change.provisional


@transaction.atomic
def assessment_change_report(*, by, person: Person, reported_on: date) -> date:
    """A reported change of condition: re-assessment falls due within N working days (default 10).

    The assessment in force on the day of the report (the latest made before it) stays valid only
    until that deadline; an assessment made on or after the report day has already assessed the
    change. Of two reports not yet assessed, the one due first stands.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    facility = may_assess(by, person)
    _not_future(reported_on, "reported_on")
    policy = region_policy(region_code=_home_region(person, facility), on=reported_on)
    calendar = WorkingDays()
    days = policy.change_reassessment_working_days
    reason = _("状况变化，提前复评")
    assessments = list(person.assessments.select_related("person", "facility").order_by("-assessed_on", "-id"))
    in_force = next((a for a in assessments if a.assessed_on < reported_on), None)
    if in_force is not None and (
        in_force.change_reported_on is None
        or calendar.deadline(reported_on, days).due
        < calendar.deadline(in_force.change_reported_on, in_force.change_working_days).due
    ):
        in_force.change_reported_on, in_force.change_working_days = reported_on, days
        _assessment_due_refresh(in_force, calendar, by=by, reason=reason)
    if assessments and assessments[0].assessed_on >= reported_on:
        return person.assessment_due_on  # a later assessment already took the change into account
    standing = person.change_reported_on
    if standing is None or calendar.deadline(reported_on, days).due < calendar.deadline(standing, person.change_working_days).due:
        person.change_reported_on, person.change_working_days = reported_on, days
    due, provisional = _reassessment_due(person, calendar)
    if (person.change_reported_on, due, provisional) != (standing, person.assessment_due_on, person.assessment_due_provisional):
        person.assessment_due_on, person.assessment_due_provisional = due, provisional
        save_with_history(person, by=by, reason=reason, update_fields=DUE_FIELDS)
    return person.assessment_due_on


def assessment_due_recount(*, calendar: WorkingDays, years: frozenset[int], by=None) -> int:
    """Count the re-assessment deadlines of reported changes again after the calendar of `years`
    changed — those reported before the end of the last such year and due after the start of the
    first, and every provisional one — on the assessments they shortened and on the people they
    fall due for (registered with facilities.working_days.calendar in ResidentsConfig.ready)."""
    reason = _("工作日历变更，重新计算复评期限")

    def reaching(prefix: str, due_field: str, provisional_field: str) -> Q:
        q = Q(**{provisional_field: True})
        if years:
            q |= Q(**{f"{prefix}change_reported_on__lte": date(max(years), 12, 31),
                      f"{due_field}__gte": date(min(years), 1, 1)})
        return q & Q(**{f"{prefix}change_reported_on__isnull": False})

    moved = 0
    people = set()
    shortened = SelfCareAssessment.objects.filter(reaching("", "due_on", "due_provisional"))
    for assessment_id in shortened.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            assessment = SelfCareAssessment.objects.select_for_update(of=("self",)).select_related("person", "facility").get(
                pk=assessment_id
            )
            if _assessment_due_refresh(assessment, calendar, by=by, reason=reason):
                people.add(assessment.person_id)
                moved += 1
    standing = Person.objects.filter(reaching("", "assessment_due_on", "assessment_due_provisional"))
    people.update(standing.values_list("pk", flat=True))
    for person_id in sorted(people):
        with transaction.atomic():
            person = Person.objects.select_for_update().get(pk=person_id)
            due, provisional = _reassessment_due(person, calendar)
            if (due, provisional) == (person.assessment_due_on, person.assessment_due_provisional):
                continue
            person.assessment_due_on, person.assessment_due_provisional = due, provisional
            save_with_history(person, by=by, reason=reason, update_fields=DUE_FIELDS)
            stay = person.stays.filter(ended_on__isnull=True).first()
            scan_after_commit(facility_id=stay.facility_id if stay else None, person_id=person.pk)
            moved += 1
    return moved


# --- dispersed support -------------------------------------------------------------------


def _dispersed_person(by, person: Person) -> Person:
    ensure_may_act_in_region(by, person, DISPERSED_REFUSED)
    if not person.statuses.filter(terminated_on__isnull=True, support_form=SupportForm.DISPERSED).exists():
        raise ValidationError(_("该人员不是分散供养人员"))
    return person


@transaction.atomic
def care_agreement_record(
    *, by, person: Person, caregiver_name: str, township_party: str, signed_on: date, valid_until: date,
    caregiver_relation: str = "", caregiver_phone: str = "",
) -> CareAgreement:
    _dispersed_person(by, person)
    _not_future(signed_on, "signed_on")
    if valid_until < signed_on:
        raise ValidationError({"valid_until": _("有效期不能早于签订日期")})
    agreement = CareAgreement(
        person=person, caregiver_name=caregiver_name.strip(), caregiver_relation=caregiver_relation,
        caregiver_phone=caregiver_phone, township_party=township_party.strip(), signed_on=signed_on,
        valid_until=valid_until,
    )
    save_with_history(agreement, by=by, reason=_("签订照料服务协议"))
    return agreement


@transaction.atomic
def visit_record(*, by, person: Person, visited_on: date, visitor: str, mode: str, findings: str) -> Visit:
    _dispersed_person(by, person)
    _not_future(visited_on, "visited_on")
    visit = Visit(person=person, visited_on=visited_on, visitor=visitor.strip(), mode=mode, findings=findings.strip(), recorded_by=by)
    save_with_history(visit, by=by, reason=_("探访"))
    scan_after_commit(person_id=person.pk)
    return visit
