"""Every write about relatives' registration (近亲属备案): declaring a close relative who receives
assistance, ending a declaration that no longer holds, flagging possible undeclared relatives for
review, and deciding a flag.

Who declares: every case officer (inspector, clerk, manager) declares their own relatives; a
facility's manager, or an inspector of its region, records the declarations of the facility's staff
(they have no account). The declarations live in residents (residents.models.RelativeDeclaration)
because the recusal check that reads them (residents.recusal) is called from the residents and
subsidies services, which may not depend on staffing; the workflows that need staff members live
here. Ending a declaration is for an inspector of the declarant's region, never the declarant
(who would escape recusal by it).

Possible undeclared relatives — a member of staff and a person receiving assistance at the same
household address — are only ever flagged (RelativeReview); an inspector decides each one: "not
related", or "declared now", which records the declaration on the spot.
"""
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from common.bilingual import rule_message
from common.history import save_with_history
from facilities.models import Region
from facilities.scoping import can_act_for_facility, can_act_in_region, can_read_personal_data, is_regional_user
from residents.models import Person, Relation, RelativeDeclaration, SupportKind
from residents.rules import parse_id_number

from ..census import employed_on
from ..models import Employment, RelativeReview, ReviewDecision
from ..rules import normalize_address


def _declarant_place(user):
    """(region, facility) a user's own declaration belongs to: their region, or their facility's."""
    if is_regional_user(user):
        region = Region.objects.filter(code=user.region_code).first()
        if region is None:
            raise ValidationError(_("您的账户未设置有效的行政区划，请联系系统管理员"))
        return region, None
    assignment = user.facility_assignments.select_related("facility__region").order_by("facility_id").first()
    if assignment is None:
        raise ValidationError(_("您的账户尚未分配机构，请联系系统管理员"))
    return assignment.facility.region, assignment.facility


def _relative_id_number(value: str) -> str:
    try:
        return parse_id_number(value).value
    except ValueError as exc:
        raise ValidationError({"relative_id_number": rule_message(str(exc))}) from exc


def may_record_for_staff(user, employment: Employment) -> bool:
    """A staff member's declaration: the facility's managers and the inspectors of its region record it."""
    return can_act_for_facility(user, employment.facility) or can_act_in_region(user, employment.facility.region_id)


@transaction.atomic
def relative_declare(
    *, by, relation: str, relative_name: str, relative_id_number: str, declared_on: date,
    employment: Employment | None = None,
) -> RelativeDeclaration:
    """Declare a close relative: the user's own (no employment), or a staff member's (their employment)."""
    if not can_read_personal_data(by):
        raise PermissionDenied(_("您无权办理近亲属备案"))
    if employment is None:
        region, facility = _declarant_place(by)
        declarant = {"declarant_user": by, "declarant_name": by.full_name or by.username}
        open_same = Q(declarant_user=by)
    else:
        if not may_record_for_staff(by, employment):
            raise PermissionDenied(_("工作人员的近亲属备案由其所在机构负责人或辖区民政督查录入"))
        facility, region = employment.facility, employment.facility.region
        staff = employment.staff
        declarant = {"declarant_id_number": staff.id_number, "declarant_name": staff.name}
        open_same = Q(declarant_id_number=staff.id_number)
    if relation not in Relation.values:
        raise ValidationError({"relation": _("请选择与申报人的关系")})
    if not relative_name.strip():
        raise ValidationError({"relative_name": _("请填写近亲属姓名")})
    number = _relative_id_number(relative_id_number)
    if declared_on > timezone.localdate():
        raise ValidationError({"declared_on": _("日期不能晚于今天")})
    if number == declarant.get("declarant_id_number"):
        raise ValidationError({"relative_id_number": _("近亲属不能是申报人本人")})
    if RelativeDeclaration.objects.filter(open_same, relative_id_number=number, ended_on__isnull=True).exists():
        raise ValidationError({"relative_id_number": _("已备案该近亲属，无需重复申报")})
    declaration = RelativeDeclaration(
        **declarant, region=region, facility=facility, relation=relation, relative_name=relative_name.strip(),
        relative_id_number=number, declared_on=declared_on, recorded_by=by,
    )
    save_with_history(declaration, by=by, reason=_("近亲属备案"))
    return declaration


@transaction.atomic
def relative_declaration_end(*, by, declaration: RelativeDeclaration, ended_on: date, reason: str) -> RelativeDeclaration:
    """End a declaration that no longer holds (e.g. a divorce): an inspector of the region, not the declarant."""
    declaration = RelativeDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if not can_act_in_region(by, declaration.region_id) or declaration.declarant_user_id == by.pk:
        raise PermissionDenied(_("近亲属备案由辖区民政督查撤销，申报人本人不能撤销"))
    if declaration.ended_on is not None:
        raise ValidationError(_("该备案已撤销"))
    if not reason.strip():
        raise ValidationError({"end_reason": _("请填写撤销原因")})
    if ended_on > timezone.localdate() or ended_on < declaration.declared_on:
        raise ValidationError({"ended_on": _("撤销日期须在申报日期与今天之间")})
    declaration.ended_on, declaration.end_reason = ended_on, reason.strip()[:200]
    save_with_history(declaration, by=by, reason=_("撤销近亲属备案"), update_fields=["ended_on", "end_reason"])
    return declaration


# --- possible undeclared relatives -------------------------------------------------------


RECIPIENT_KINDS = [kind for kind in SupportKind.values if kind != SupportKind.SELF_PAYING]


def relative_review_scan(*, today: date) -> int:
    """Flag every employed member of staff who shares a household address with a person receiving
    assistance (an open support status other than self-paying), unless the pair is declared or was
    flagged before (whatever was decided). Returns how many pairs were flagged; decides nothing.

    Four queries whatever the numbers: staff addresses, recipients' addresses (streamed), declared
    pairs and flagged pairs among the matches; then one insert.
    """
    staff_by_address: dict[str, list[dict]] = {}
    employments = (
        Employment.objects.filter(employed_on(today)).exclude(staff__address="")
        .values("staff_id", "staff__id_number", "staff__address", "facility_id").order_by("staff_id", "facility_id")
    )
    seen = set()
    for row in employments:
        if row["staff_id"] in seen:
            continue  # one flag per staff member and person, filed under their first facility
        seen.add(row["staff_id"])
        key = normalize_address(row["staff__address"])
        if key:
            staff_by_address.setdefault(key, []).append(row)
    if not staff_by_address:
        return 0
    recipients = (
        Person.objects.filter(statuses__terminated_on__isnull=True, statuses__kind__in=RECIPIENT_KINDS)
        .exclude(address="").values_list("id", "id_number", "address").distinct().order_by()
    )
    matches = []
    for person_id, id_number, address in recipients.iterator(chunk_size=5000):
        for staff in staff_by_address.get(normalize_address(address), ()):
            if staff["staff__id_number"] != id_number:
                matches.append((staff, person_id, id_number, address))
    if not matches:
        return 0
    declared = set(
        RelativeDeclaration.objects.filter(
            ended_on__isnull=True, declarant_id_number__in={m[0]["staff__id_number"] for m in matches},
            relative_id_number__in={m[2] for m in matches},
        ).values_list("declarant_id_number", "relative_id_number")
    )
    flagged = set(
        RelativeReview.objects.filter(staff_id__in={m[0]["staff_id"] for m in matches}, person_id__in={m[1] for m in matches})
        .values_list("staff_id", "person_id")
    )
    new = [
        RelativeReview(staff_id=staff["staff_id"], person_id=person_id, facility_id=staff["facility_id"], address=address[:200])
        for staff, person_id, id_number, address in matches
        if (staff["staff__id_number"], id_number) not in declared and (staff["staff_id"], person_id) not in flagged
    ]
    bulk_create_with_history(new, RelativeReview, default_change_reason="住址相同，列入近亲属关系核查")
    return len(new)


@transaction.atomic
def relative_review_decide(
    *, by, review: RelativeReview, decision: str, note: str = "", relation: str = "",
) -> RelativeReview:
    """An inspector's conclusion on a flag: not related (with a note), or declared now (with the relation)."""
    review = RelativeReview.objects.select_for_update().select_related("staff", "person", "facility__region").get(pk=review.pk)
    if not can_act_in_region(by, review.facility.region_id):
        raise PermissionDenied(_("近亲属关系核查由工作人员所在区划的民政督查办理"))
    if review.decision != ReviewDecision.PENDING:
        raise ValidationError(
            _("该核查已有结论（%(decision)s），请刷新页面"), params={"decision": review.get_decision_display()}, code="stale",
        )
    if decision == ReviewDecision.NOT_RELATED:
        if not note.strip():
            raise ValidationError({"note": _("请填写核查说明（如何确认不是近亲属）")})
    elif decision == ReviewDecision.DECLARED:
        if relation not in Relation.values:
            raise ValidationError({"relation": _("请选择与工作人员的关系")})
        review.declaration = RelativeDeclaration.objects.filter(
            declarant_id_number=review.staff.id_number, relative_id_number=review.person.id_number, ended_on__isnull=True,
        ).first() or _declare_for_staff(by=by, review=review, relation=relation)
    else:
        raise ValidationError({"decision": _("请选择核查结论")})
    review.decision, review.note = decision, note.strip()[:300]
    review.decided_by, review.decided_at = by, timezone.now()
    save_with_history(
        review, by=by, reason=_("近亲属关系核查"), update_fields=["decision", "note", "declaration", "decided_by", "decided_at"],
    )
    return review


def _declare_for_staff(*, by, review: RelativeReview, relation: str) -> RelativeDeclaration:
    declaration = RelativeDeclaration(
        declarant_id_number=review.staff.id_number, declarant_name=review.staff.name, region=review.facility.region,
        facility=review.facility, relation=relation, relative_name=review.person.name,
        relative_id_number=review.person.id_number, declared_on=timezone.localdate(), recorded_by=by,
    )
    save_with_history(declaration, by=by, reason=_("核查后补报近亲属备案"))
    return declaration
