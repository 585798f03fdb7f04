"""Every write about inspections (督导检查) and rectification (整改).

The lifecycle of a finding: an inspector of the region records it with a deadline (open) → the
facility's manager records what was done, with optional evidence (rectified) → an inspector
checks it (verified, 销号). An inspection closes (结案) only when every finding is verified.

Rights: inspections, findings, verification, follow-up visits and closing belong to the
inspectors of the facility's region and administrators; rectification to the facility's own
managers (and administrators). A refused right is PermissionDenied; a refused value is a
ValidationError with a Chinese message. The rectification-overdue scan for the facility runs after
the transaction commits whenever a finding changes.
"""
import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.models import NotificationKind, User
from accounts.notifications.services import notify
from common.enqueue import enqueue_on_commit
from common.history import save_with_history

from ..checklist_rules import (
    Answer,
    CheckResult,
    answer_problems,
    as_items,
    checklist_problems,
    hazards_found,
    recheck_refusal,
)
from ..models import (
    ChecklistAnswer,
    Facility,
    Finding,
    FindingSeverity,
    FindingStatus,
    FollowUp,
    Inspection,
    InspectionChecklist,
)
from ..regions.services import version_store
from ..scoping import can_edit_facility, can_record_rectification
from . import tasks
from .selectors import checklist_in_force

NATIONAL_CHECKLIST = Path(__file__).resolve().parent.parent / "data" / "inspection_checklist_2023.json"

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = (  # magic bytes → file extension
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)


def may_inspect(user, facility: Facility) -> bool:
    """Record inspections, findings, verification, follow-ups and closing: the region's inspectors and administrators."""
    return can_edit_facility(user, facility)


def may_rectify(user, facility: Facility) -> bool:
    """Record rectification: the facility's own managers (and administrators)."""
    return can_record_rectification(user, facility)


def _require_inspector(by, facility: Facility) -> None:
    if not may_inspect(by, facility):
        raise PermissionDenied(_("督导检查由该机构所在区划的民政督查录入"))


def _not_future(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("日期不能晚于今天")})


def _not_before_inspection(day: date, inspection: Inspection, field: str, message) -> None:
    if day < inspection.inspected_on:
        raise ValidationError({field: message})


def _open_inspection(inspection: Inspection) -> Inspection:
    """The inspection, locked, so findings cannot be added while it is being closed (and vice versa)."""
    return Inspection.objects.select_for_update().select_related("facility").get(pk=inspection.pk)


def _scan_after_commit(facility_id: int) -> None:
    enqueue_on_commit(tasks.scan_rectifications_for_facility, facility_id=facility_id)


def evidence_extension(evidence) -> str:
    """The evidence file's type from its first bytes (PDF, JPEG or PNG), whatever its name says."""
    if evidence.size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"evidence": _("整改材料不能超过 10 MB")})
    evidence.seek(0)
    head = evidence.read(8)
    evidence.seek(0)
    for magic, extension in EVIDENCE_TYPES:
        if head.startswith(magic):
            return extension
    raise ValidationError({"evidence": _("整改材料须为 PDF、JPEG 或 PNG 文件")})


# --- inspections ------------------------------------------------------------------------


@transaction.atomic
def inspection_record(
    *, by, facility: Facility, inspected_on: date, kind: str, inspectors: str, summary: str = "",
) -> Inspection:
    _require_inspector(by, facility)
    _not_future(inspected_on, "inspected_on")
    inspection = Inspection(
        facility=facility, inspected_on=inspected_on, kind=kind, inspectors=inspectors.strip(),
        summary=summary.strip(), recorded_by=by,
    )
    save_with_history(inspection, by=by, reason=_("登记督导检查"))
    return inspection


@transaction.atomic
def follow_up_record(*, by, inspection: Inspection, visited_on: date, visitors: str, notes: str) -> FollowUp:
    inspection = _open_inspection(inspection)
    _require_inspector(by, inspection.facility)
    if inspection.closed_on is not None:
        raise ValidationError(_("该检查已结案，不能再登记回访"))
    _not_future(visited_on, "visited_on")
    _not_before_inspection(visited_on, inspection, "visited_on", _("回访日期不能早于检查日期"))
    follow_up = FollowUp(inspection=inspection, visited_on=visited_on, visitors=visitors.strip(), notes=notes.strip())
    save_with_history(follow_up, by=by, reason=_("登记回访"))
    return follow_up


@transaction.atomic
def inspection_close(*, by, inspection: Inspection, closed_on: date) -> Inspection:
    inspection = _open_inspection(inspection)
    _require_inspector(by, inspection.facility)
    if inspection.closed_on is not None:
        raise ValidationError(_("该检查已结案"))
    pending = inspection.findings.exclude(status=FindingStatus.VERIFIED).count()
    if pending:
        raise ValidationError(
            ngettext_lazy("尚有 %(count)s 项问题未复核销号，不能结案", "尚有 %(count)s 项问题未复核销号，不能结案", pending),
            params={"count": pending},
        )
    _not_future(closed_on, "closed_on")
    _not_before_inspection(closed_on, inspection, "closed_on", _("结案日期不能早于检查日期"))
    last_verified = inspection.findings.order_by("-verified_on").values_list("verified_on", flat=True).first()
    if last_verified is not None and closed_on < last_verified:
        raise ValidationError({"closed_on": _("结案日期不能早于最后一项问题的复核日期")})
    inspection.closed_on = closed_on
    save_with_history(inspection, by=by, reason=_("结案"), update_fields=["closed_on"])
    return inspection


# --- findings ---------------------------------------------------------------------------


@transaction.atomic
def finding_add(
    *, by, inspection: Inspection, category: str, severity: str, description: str, deadline: date,
) -> Finding:
    inspection = _open_inspection(inspection)
    _require_inspector(by, inspection.facility)
    if inspection.closed_on is not None:
        raise ValidationError(_("该检查已结案，不能再添加问题"))
    _not_before_inspection(deadline, inspection, "deadline", _("整改期限不能早于检查日期"))
    finding = Finding(
        inspection=inspection, category=category.strip(), severity=severity, description=description.strip(),
        deadline=deadline, recorded_by=by,
    )
    save_with_history(finding, by=by, reason=_("登记检查发现的问题"))
    _scan_after_commit(inspection.facility_id)
    return finding


@transaction.atomic
def finding_rectify(*, by, finding: Finding, rectification: str, rectified_on: date, evidence=None) -> Finding:
    """The facility's manager reports the problem fixed; it may be corrected until it is verified."""
    finding = Finding.objects.select_for_update().select_related("inspection", "inspection__facility").get(pk=finding.pk)
    if not may_rectify(by, finding.inspection.facility):
        raise PermissionDenied(_("整改情况由该机构的负责人填报"))
    if finding.status == FindingStatus.VERIFIED:
        raise ValidationError(_("该问题已复核销号，不能再修改整改情况"))
    if not rectification.strip():
        raise ValidationError({"rectification": _("请填写整改情况")})
    _not_future(rectified_on, "rectified_on")
    _not_before_inspection(rectified_on, finding.inspection, "rectified_on", _("整改完成日期不能早于检查日期"))
    if finding.hazard_code and not evidence and not finding.evidence:
        raise ValidationError({"evidence": _("重大事故隐患整改须上传整改材料（照片或扫描件）")})
    changed = ["status", "rectification", "rectified_on"]
    if evidence:
        extension = evidence_extension(evidence)
        evidence.name = f"finding{finding.pk}-{rectified_on:%Y%m%d}.{extension}"
        finding.evidence = evidence
        changed.append("evidence")
    finding.status = FindingStatus.RECTIFIED
    finding.rectification = rectification.strip()
    finding.rectified_on = rectified_on
    save_with_history(finding, by=by, reason=_("填报整改情况"), update_fields=changed)
    _scan_after_commit(finding.inspection.facility_id)
    return finding


@transaction.atomic
def finding_verify(*, by, finding: Finding, verified_on: date) -> Finding:
    """An inspector checks the rectification on site or on paper and closes the finding (销号)."""
    finding = Finding.objects.select_for_update().select_related("inspection", "inspection__facility").get(pk=finding.pk)
    _require_inspector(by, finding.inspection.facility)
    if finding.status == FindingStatus.VERIFIED:
        raise ValidationError(_("该问题已复核销号"))
    if finding.status != FindingStatus.RECTIFIED:
        raise ValidationError(_("机构尚未填报整改情况，不能复核"))
    _not_future(verified_on, "verified_on")
    if verified_on < finding.rectified_on:
        raise ValidationError({"verified_on": _("复核日期不能早于整改完成日期")})
    if finding.hazard_code and recheck_refusal(
        found_by=finding.recorded_by_id, rechecked_by=by.pk, rectified_on=finding.rectified_on, on=verified_on,
    ):
        raise ValidationError(_("重大事故隐患须由发现人以外的督查复核销号"))
    finding.status = FindingStatus.VERIFIED
    finding.verified_on = verified_on
    finding.verified_by = by
    save_with_history(finding, by=by, reason=_("复核销号"), update_fields=["status", "verified_on", "verified_by"])
    _scan_after_commit(finding.inspection.facility_id)
    return finding


RETURN_REASON_MAX = 300


@transaction.atomic
def finding_return(*, by, finding: Finding, reason: str) -> Finding:
    """退回整改: an inspector finds the rectification not done and sends it back with a reason; the
    finding is open again until the manager rectifies anew. Each round stays in the history."""
    finding = Finding.objects.select_for_update().select_related("inspection", "inspection__facility").get(pk=finding.pk)
    _require_inspector(by, finding.inspection.facility)
    if finding.status != FindingStatus.RECTIFIED:
        raise ValidationError(_("只有已填报整改、待复核的问题可以退回整改"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写退回整改的原因")})
    if len(reason) > RETURN_REASON_MAX:
        raise ValidationError({"reason": _("退回原因不能超过300字")})
    finding.status = FindingStatus.OPEN
    save_with_history(finding, by=by, reason=_("退回整改：%(reason)s") % {"reason": reason}, update_fields=["status"])
    notify(
        users=User.objects.filter(facility_assignments__facility_id=finding.inspection.facility_id),
        kind=NotificationKind.RECTIFICATION_RETURNED,
        values={"facility": finding.inspection.facility.name, "category": finding.category, "reason": reason},
        link=reverse("inspection_detail", args=[finding.inspection_id]),
    )
    _scan_after_commit(finding.inspection.facility_id)
    return finding


# --- the checklist and major hazards (挂牌督办) -----------------------------------------------


def checklist_load(*, path: Path, by=None, region=None, effective_from: date | None = None) -> InspectionChecklist:
    """A checklist document (JSON, as facilities/data keeps the national one) as a version for a region (None:
    national) from a day (default: the document's); refused, naming the problems, unless it is whole."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        items = [{"code": str(row["code"]), "group": str(row["group"]), "text": str(row["text"]),
                  "basis": str(row.get("basis", "")), "major": row.get("major") is True} for row in document["items"]]
        day = effective_from or date.fromisoformat(document["effective_from"])
        code, name, source = str(document["code"]), str(document["name"]), str(document["source"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValidationError(_("检查表文件无法读取：%(error)s"), params={"error": exc}) from exc
    problems = checklist_problems(as_items(items))
    if problems:
        raise ValidationError(_("检查表有误：%(problems)s"), params={"problems": "；".join(problems)})
    return version_store(
        InspectionChecklist, region=region, effective_from=day, by=by, reason=_("载入安全检查表"),
        used=lambda version: _("该版本已用于检查，不能覆盖；请以新的起用日期载入") if version.answers.exists() else "",
        code=code, name=name, source=source, items=items,
    )


@transaction.atomic
def checklist_record(
    *, by, inspection: Inspection, answers: Mapping[str, Answer], deadline: date | None = None,
) -> list[ChecklistAnswer]:
    """The checklist of an inspection, answered item by item, once. Every "not met" becomes a finding with the
    deadline given (a major hazard's is 严重 and under supervised rectification); the deadline is required when
    something is not met."""
    inspection = _open_inspection(inspection)
    _require_inspector(by, inspection.facility)
    if inspection.closed_on is not None:
        raise ValidationError(_("该检查已结案，不能再填写检查表"))
    if inspection.checklist_answers.exists():
        raise ValidationError(_("该检查已填写检查表；发现的问题请在问题清单中跟进"))
    checklist = checklist_in_force(facility=inspection.facility, on=inspection.inspected_on)
    if checklist is None:
        raise ValidationError(_("没有适用的安全检查表，请先以 load_inspection_checklist 载入"))
    items = as_items(checklist.items)
    errors = {f"result_{code}": problem for code, problem in answer_problems(items, answers).items()}
    failed = [item for item in items if (answer := answers.get(item.code)) and answer.result == CheckResult.NOT_MET]
    if failed and deadline is None:
        errors["deadline"] = _("有不符合项，请填写整改期限")
    elif failed and deadline < inspection.inspected_on:
        errors["deadline"] = _("整改期限不能早于检查日期")
    if errors:
        raise ValidationError(errors)
    hazards = {item.code for item in hazards_found(items, answers)}
    saved = []
    for item in items:
        answer = answers[item.code]
        finding = None
        if answer.result == CheckResult.NOT_MET:
            finding = Finding(
                inspection=inspection, category=item.group[:50],
                severity=FindingSeverity.SERIOUS if item.code in hazards else FindingSeverity.MAJOR,
                description=f"{item.text}\n{answer.evidence.strip()}"[:2000], deadline=deadline, recorded_by=by,
                hazard_code=item.code if item.code in hazards else "",
            )
            save_with_history(finding, by=by, reason=_("检查表不符合项") if item.code not in hazards
                              else _("重大事故隐患，挂牌督办"))
        row = ChecklistAnswer(inspection=inspection, checklist=checklist, item_code=item.code, result=answer.result,
                              evidence=answer.evidence.strip(), finding=finding)
        save_with_history(row, by=by, reason=_("填写检查表"))
        saved.append(row)
    if failed:
        _scan_after_commit(inspection.facility_id)
    return saved
