"""Pure rules of the inspection checklist and the supervised rectification of major hazards.

Policies encoded here:

* 《养老机构重大事故隐患判定标准》 (民政部办公厅, 2023-11-27): a facility that fails a basic safety
  requirement of law or mandatory standard in a way that may cause heavy casualties or losses has a
  major hazard (重大事故隐患). The checklist holds its situations (each `major`) beside ordinary items
  (GB 38600-2019's management requirements); both are data with their source, a province may add its own.
* Each item of a checklist inspection is answered met / not met / not applicable. "Not met" and "not
  applicable" say why (the evidence or the reason); "met" may.
* A major hazard found is put under supervised rectification (挂牌督办): a deadline the inspector sets;
  once it passes without a verified rectification the case goes up to the city (市级民政部门); it closes
  only when a different inspector from the one who found it re-checks the evidence on or after the day
  the facility reports it rectified.
"""
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .rules import region_ancestors, region_level

#: The longest code an item can keep.
MAX_CODE_LENGTH = 30
#: The longest evidence or reason an answer can keep.
MAX_EVIDENCE_LENGTH = 1000


class CheckResult(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "na"


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    group: str
    text: str
    basis: str = ""
    major: bool = False


@dataclass(frozen=True)
class Answer:
    result: CheckResult
    evidence: str = ""


def checklist_problems(items: Sequence[ChecklistItem]) -> list[str]:
    """What is wrong with a checklist (empty when it can be used): at least one item; every item has a
    code (at most 30 characters), a group and a text; codes are unique."""
    problems = []
    if not items:
        problems.append("检查表中没有检查项 / the checklist has no item")
    seen: set[str] = set()
    for index, item in enumerate(items, start=1):
        if not item.code.strip() or not item.group.strip() or not item.text.strip():
            problems.append(f"第{index}项缺少编号、类别或内容 / item {index} has no code, group or text")
        elif len(item.code) > MAX_CODE_LENGTH:
            problems.append(f"编号过长：{item.code}（最长30个字符） / code {item.code} is longer than {MAX_CODE_LENGTH}")
        elif item.code in seen:
            problems.append(f"编号重复：{item.code} / duplicate code {item.code}")
        seen.add(item.code)
    return problems


def answer_problems(items: Sequence[ChecklistItem], answers: Mapping[str, Answer]) -> dict[str, str]:
    """Item code → what is wrong with its answer: every item answered, no code outside the checklist,
    evidence or a reason for "not met" and "not applicable", none longer than 1,000 characters."""
    codes = {item.code for item in items}
    problems = {}
    for item in items:
        answer = answers.get(item.code)
        if answer is None:
            problems[item.code] = "请逐项填写检查结果 / every item needs a result"
        elif answer.result != CheckResult.MET and not answer.evidence.strip():
            problems[item.code] = (
                "不符合或不适用须写明情况 / a not-met or not-applicable item needs the evidence or the reason"
            )
        elif len(answer.evidence) > MAX_EVIDENCE_LENGTH:
            problems[item.code] = "情况说明不能超过1000字 / the evidence is longer than 1,000 characters"
    for code in sorted(set(answers) - codes):
        problems[code] = "检查表中没有该项 / the checklist has no such item"
    return problems


def hazards_found(items: Sequence[ChecklistItem], answers: Mapping[str, Answer]) -> list[ChecklistItem]:
    """The major-hazard items answered "not met", in the checklist's order."""
    return [item for item in items if item.major and (a := answers.get(item.code)) and a.result == CheckResult.NOT_MET]


class Supervision(StrEnum):
    """Where a supervised rectification stands."""

    OPEN = "open"  # the facility is rectifying, the deadline has not passed
    ESCALATED = "escalated"  # the deadline passed without a verified rectification: the city supervises
    CLOSED = "closed"  # re-checked and closed (销号)


def supervision_state(*, deadline: date, today: date, verified: bool) -> Supervision:
    """A major hazard's state today: closed once verified, escalated once its deadline has passed (the day
    after the deadline), open before. A rectification reported but not yet re-checked is not closed."""
    if verified:
        return Supervision.CLOSED
    return Supervision.ESCALATED if today > deadline else Supervision.OPEN


def recheck_refusal(*, found_by: int | None, rechecked_by: int, rectified_on: date | None, on: date) -> str:
    """Why a re-check of a major hazard is refused ('' when it may go ahead): the rectification must be
    reported, the re-check be on or after that day, and by an inspector other than the one who found it."""
    if rectified_on is None:
        return "机构尚未填报整改情况，不能复核 / the facility has not reported the hazard rectified"
    if found_by is not None and found_by == rechecked_by:
        return "重大事故隐患须由发现人以外的督查复核 / another inspector than the one who found the hazard re-checks it"
    if on < rectified_on:
        return "复核日期不能早于整改完成日期 / the re-check cannot be before the rectification"
    return ""


def supervising_region(region_code: str, *, known: Collection[str]) -> str:
    """The region that supervises a major hazard past its deadline: the city (地级) above the facility's region
    (a municipality's district goes to its 市辖区 code), or the province where no such city is `known` (a
    county-level city directly under the province, such as 仙桃 429004)."""
    chain = region_ancestors(region_code)
    return next((code for code in chain if region_level(code) == "city" and code in known), chain[-1])


def as_items(rows: Sequence[Mapping]) -> list[ChecklistItem]:
    """Checklist items from a document's or a stored version's rows (code, group, text, basis, major)."""
    return [
        ChecklistItem(code=str(row.get("code", "")), group=str(row.get("group", "")), text=str(row.get("text", "")),
                      basis=str(row.get("basis", "")), major=row.get("major") is True)
        for row in rows
    ]
