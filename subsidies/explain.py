"""A claim line's stored basis in words, so a clerk can see why the amount is what it is (UI.md).

Pure: the basis JSON (see pricing.py) and the names of the facilities and regions it refers to in,
display text out. Nothing is recomputed here; the text only reads what generation recorded.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.money import round_fen
from residents.models import HukouType, SelfCareCategory, SupportForm, SupportKind

MONTH = "month"


@dataclass(frozen=True)
class PartText:
    period: str
    standard: str
    missing_standard: bool
    is_sample: bool
    monthly: str
    multiplier: str
    support: str
    assessment: str
    missing_assessment: bool
    stay: str
    hukou: str
    amount: str = ""  # this part's share of the line; the shares add up to the line (empty on older lines)
    share: str = ""  # how the share is computed, for day-based proration


@dataclass(frozen=True)
class BasisText:
    summary: str
    proration: str
    status: str
    formula: str
    parts: list[PartText] = field(default_factory=list)
    adjustment: str = ""


def _yuan(value) -> str:
    """Money to the fen when it is whole fen; an exact product (e.g. 210.0000) is shown as 210.00."""
    amount = Decimal(str(value))
    cents = round_fen(amount)
    return format(cents if cents == amount else amount.normalize(), "f")


def _label(choices, value) -> str:
    return str(dict(choices.choices).get(value, value or "—"))


def _standard_name(standard: dict, regions: dict[str, str]) -> str:
    if not standard["region"]:
        return _("全国示例标准") if standard.get("is_sample") else _("全国标准")
    name = regions.get(standard["region"], standard["region"])
    return _("%(region)s标准") % {"region": name}


def _star(level) -> str:
    return _("未评级") if not level else _("%(level)s星级") % {"level": level}


def _share(part: dict, dim: int, proration: str) -> str:
    if proration == MONTH or part.get("amount") is None:
        return ""
    monthly = _yuan(part["monthly"]) if part.get("monthly") is not None else "0.00"
    return _("%(monthly)s × %(days)s ÷ %(dim)s") % {"monthly": monthly, "days": part["days"], "dim": dim}


def _part(part: dict, *, facilities: dict[int, str], regions: dict[str, str], dim: int, proration: str) -> PartText:
    standard = part.get("standard")
    if standard:
        standard_text = _("%(name)s %(amount)s 元/月（自 %(month)s 起执行）") % {
            "name": _standard_name(standard, regions), "amount": _yuan(standard["amount"]),
            "month": standard["effective_from"][:7],
        }
    else:
        standard_text = _("未找到适用的补贴标准，本段按 0 元计")
    multiplier = ""
    if part.get("multiplier") is not None:
        multiplier = _("星级系数 %(multiplier)s（%(star)s），折合 %(monthly)s 元/月") % {
            "multiplier": part["multiplier"], "star": _star(part.get("star_level")), "monthly": _yuan(part["monthly"]),
        }
    assessment = part.get("assessment")
    if assessment:
        assessment_text = _("%(date)s 评估：%(category)s") % {
            "date": assessment["assessed_on"], "category": _label(SelfCareCategory, assessment["category"]),
        }
    elif part.get("no_valid_assessment"):
        assessment_text = _("无有效评估，按具备生活自理能力计发，请核实")
    else:
        assessment_text = _("无有效评估（本项目不按生活自理能力区分）")
    stay = part.get("stay")
    if stay:
        stay_text = _("%(facility)s，%(date)s 入住") % {
            "facility": facilities.get(stay["facility_id"], _("机构 #%(id)s") % {"id": stay["facility_id"]}),
            "date": stay["admitted_on"],
        }
    else:
        stay_text = _("居家（分散供养）")
    return PartText(
        period=ngettext("%(start)s 至 %(end)s，%(days)s 天", "%(start)s 至 %(end)s，%(days)s 天", part["days"]) % {
            "start": part["from"], "end": part["to"], "days": part["days"]},
        standard=standard_text,
        missing_standard=standard is None,
        is_sample=bool(standard and standard.get("is_sample")),
        monthly=_yuan(part["monthly"]) if part.get("monthly") is not None else "0.00",
        multiplier=multiplier,
        support=_label(SupportForm, part.get("support_form")),
        assessment=assessment_text,
        missing_assessment=bool(part.get("no_valid_assessment")),
        stay=stay_text,
        hukou=_label(HukouType, part["hukou_type"]) if part.get("hukou_type") else "",
        amount=_yuan(part["amount"]) if part.get("amount") is not None else "",
        share=_share(part, dim, proration),
    )


def _formula(basis: dict, parts: list[PartText], amount) -> str:
    dim = basis["days_in_month"]
    if basis["proration"] == MONTH:
        return _("按月计发：以当月1日的情况计整月，%(amount)s 元") % {"amount": _yuan(amount)}
    terms = " + ".join(f"{p.monthly} × {raw['days']}" for p, raw in zip(parts, basis["parts"], strict=True))
    if len(parts) > 1:
        terms = f"({terms})"
    if len(parts) > 1 and all(p.amount for p in parts):
        return _("按日计发：%(terms)s ÷ %(dim)s = %(shares)s = %(amount)s 元") % {
            "terms": terms, "dim": dim, "shares": " + ".join(p.amount for p in parts), "amount": _yuan(amount),
        }
    return _("按日计发：%(terms)s ÷ %(dim)s = %(amount)s 元") % {"terms": terms, "dim": dim, "amount": _yuan(amount)}


def _summary(basis: dict, raw_parts: list[dict], regions: dict[str, str]) -> str:
    pieces = []
    for raw in raw_parts:
        if raw.get("standard") is None:
            pieces.append(_("无适用标准"))
            continue
        piece = _("%(name)s %(amount)s 元/月") % {
            "name": _standard_name(raw["standard"], regions), "amount": _yuan(raw["standard"]["amount"]),
        }
        if raw.get("multiplier") is not None:
            piece += _(" × %(multiplier)s（%(star)s）") % {"multiplier": raw["multiplier"], "star": _star(raw.get("star_level"))}
        if basis["proration"] != MONTH:
            piece += ngettext("，%(days)s 天", "，%(days)s 天", raw["days"]) % {"days": raw["days"]}
        pieces.append(piece)
    if not pieces:
        return "—"
    mode = _("按月计发") if basis["proration"] == MONTH else _("按日计发，本月 %(dim)s 天") % {"dim": basis["days_in_month"]}
    return "；".join(pieces) + " · " + mode


def _status(basis: dict) -> str:
    status = basis.get("status")
    if not status:
        return ""
    return _("%(kind)s，%(date)s 认定，次月起享受") % {"kind": _label(SupportKind, status["kind"]), "date": status["confirmed_on"]}


def _explain_priced(basis: dict, amount, *, facilities, regions) -> BasisText:
    raw_parts = basis.get("parts", [])
    parts = [_part(part, facilities=facilities, regions=regions, dim=basis["days_in_month"], proration=basis["proration"])
             for part in raw_parts]
    return BasisText(
        summary=_summary(basis, raw_parts, regions),
        proration=(_("按月计发（当月1日的情况决定整月）") if basis["proration"] == MONTH
                   else _("按日计发（每段按天数折算，合计后取整到分）")),
        status=_status(basis),
        formula=_formula(basis, parts, amount),
        parts=parts,
    )


def explain_summary(line, *, regions: dict[str, str]) -> str:
    """The one line a batch's table shows for each claim line (its basis in full is `explain`)."""
    basis = line.basis or {}
    if "adjusts_month" in basis:
        return _("补差 %(month)s：应发 %(expected)s 元，已申报 %(claimed)s 元，差额 %(amount)s 元") % {
            "month": basis["adjusts_month"][:7], "expected": _yuan(basis["expected"]),
            "claimed": _yuan(basis["claimed"]), "amount": _yuan(line.amount),
        }
    return _summary(basis, basis.get("parts", []), regions)


def explain(line, *, facilities: dict[int, str], regions: dict[str, str]) -> BasisText:
    """The basis of one line in words; an adjustment line explains the month it corrects."""
    basis = line.basis or {}
    if "adjusts_month" not in basis:
        return _explain_priced(basis, line.amount, facilities=facilities, regions=regions)
    adjustment = explain_summary(line, regions=regions)
    expected = basis.get("expected_basis")
    if not expected:
        return BasisText(summary=adjustment, proration="", status="",
                         formula=_("该月已不应发放，按已申报金额全额扣减"), adjustment=adjustment)
    priced = _explain_priced(expected, basis["expected"], facilities=facilities, regions=regions)
    return BasisText(summary=adjustment, proration=priced.proration, status=priced.status, formula=priced.formula,
                     parts=priced.parts, adjustment=adjustment)
