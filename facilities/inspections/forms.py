"""Forms of the inspection pages; choices come from the user's scope, rules live in the services."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import StyledFormMixin

from ..checklist_rules import MAX_EVIDENCE_LENGTH, Answer, CheckResult
from ..forms import DATE_INPUT
from ..models import CheckResultChoice, FacilityStatus, FindingSeverity, InspectionKind
from ..picker import FacilityChoiceField, FacilityFilterField, RegionCodeFilterField
from ..scoping import facilities_visible_to
from ..selectors import facilities_labelled
from .services import EVIDENCE_MAX_BYTES

# Common problem categories in county inspections of care homes; the field accepts any text.
FINDING_CATEGORIES = (
    "消防安全", "食品安全", "服务质量", "安全管理", "设施设备", "卫生防疫", "人员配备", "运营管理", "档案管理", "资金使用",
)
YEARS_BACK = 10


def _blank(label):
    return [("", label)]


class InspectionFilterForm(StyledFormMixin, forms.Form):
    facility = FacilityFilterField()
    kind = forms.ChoiceField(label=_("检查类型"), required=False, choices=_blank(_("全部类型")) + InspectionKind.choices)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[
        ("", _("全部")), ("open", _("未结案")), ("closed", _("已结案")), ("open_findings", _("有未销号问题")),
        ("overdue_findings", _("有逾期未整改问题")),
    ])
    region = RegionCodeFilterField()
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities_visible_to(user).only("id", "name").order_by("name")
        this_year = timezone.localdate().year
        self.fields["year"].choices = _blank(_("全部年度")) + [
            (year, f"{year}") for year in range(this_year, this_year - YEARS_BACK, -1)
        ]


class InspectionForm(StyledFormMixin, forms.Form):
    facility = FacilityChoiceField(label=_("被检查机构"))
    inspected_on = forms.DateField(label=_("检查日期"), widget=DATE_INPUT)
    kind = forms.ChoiceField(label=_("检查类型"), choices=InspectionKind.choices)
    inspectors = forms.CharField(label=_("检查人员"), max_length=200, help_text=_("多人用顿号分隔，例如：王建国、李秀兰"))
    summary = forms.CharField(
        label=_("检查情况"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities_labelled(
            facilities_visible_to(user).exclude(status=FacilityStatus.CLOSED).order_by("region_id", "name")
        )


class FindingForm(StyledFormMixin, forms.Form):
    category = forms.CharField(
        label=_("问题类别"), max_length=50, widget=forms.TextInput(attrs={"list": "finding-categories"}),
        help_text=_("可从列表选择，也可直接填写"),
    )
    severity = forms.ChoiceField(label=_("严重程度"), choices=FindingSeverity.choices)
    description = forms.CharField(label=_("问题描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("整改期限"), widget=DATE_INPUT, help_text=_("不早于检查日期"))


class RectifyForm(StyledFormMixin, forms.Form):
    rectification = forms.CharField(label=_("整改情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    rectified_on = forms.DateField(label=_("整改完成日期"), widget=DATE_INPUT)
    evidence = forms.FileField(
        label=_("整改材料"), required=False,
        help_text=_("可选：照片或扫描件，PDF、JPEG 或 PNG，不超过 10 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if evidence and evidence.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(_("整改材料不能超过 10 MB"))
        return evidence or None


class VerifyForm(StyledFormMixin, forms.Form):
    verified_on = forms.DateField(label=_("复核日期"), widget=DATE_INPUT)


class FollowUpForm(StyledFormMixin, forms.Form):
    visited_on = forms.DateField(label=_("回访日期"), widget=DATE_INPUT)
    visitors = forms.CharField(label=_("回访人员"), max_length=200)
    notes = forms.CharField(label=_("回访情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(StyledFormMixin, forms.Form):
    closed_on = forms.DateField(label=_("结案日期"), widget=DATE_INPUT)


class ChecklistForm(StyledFormMixin, forms.Form):
    """One result (met / not met / not applicable) and one evidence box per item of the checklist, and the
    deadline for what is not met; the rules (evidence for a not-met item, the deadline) are the service's."""

    deadline = forms.DateField(
        label=_("整改期限"), required=False, widget=DATE_INPUT,
        help_text=_("有不符合项时必填；重大事故隐患挂牌督办，逾期未销号将升级市级督办"),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"result_{item.code}"] = forms.ChoiceField(
                label=item.text, choices=CheckResultChoice.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            self.fields[f"evidence_{item.code}"] = forms.CharField(
                label=_("情况说明"), required=False, max_length=MAX_EVIDENCE_LENGTH,
                widget=forms.Textarea(attrs={"rows": 1, "class": "form-control"}),
            )

    def answers(self) -> dict[str, Answer]:
        data = self.cleaned_data
        return {item.code: Answer(result=CheckResult(data[f"result_{item.code}"]), evidence=data[f"evidence_{item.code}"])
                for item in self.items}

    def rows(self):
        """Each item with its two bound fields, grouped as the checklist groups them."""
        groups: dict[str, list] = {}
        for item in self.items:
            groups.setdefault(item.group, []).append(
                (item, self[f"result_{item.code}"], self[f"evidence_{item.code}"]))
        return groups.items()
