"""Forms of resident safety: a risk assessment (one level and measures per risk of the catalogue), an
incident, and its follow-up (the family told, the review)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DATE_INPUT, MomentField, MonthField, StyledFormMixin
from facilities.picker import FacilityFilterField

from ..models import IncidentHarm, RiskLevelChoice, RoundKind, SafetyAssessmentReason
from ..safety_rules import OTHER_KIND, as_risks


def _moment(label, *, required=True):
    return MomentField(label=label, required=required)


class SafetyAssessmentForm(StyledFormMixin, forms.Form):
    assessed_on = forms.DateField(label=_("评估日期"), widget=DATE_INPUT)
    reason = forms.ChoiceField(label=_("评估原因"), choices=SafetyAssessmentReason.choices)
    assessor = forms.CharField(label=_("评估人"), max_length=50)
    notes = forms.CharField(label=_("备注"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        self.risks = as_risks(catalogue.items)
        for risk in self.risks:
            self.fields[f"risk_{risk.code}"] = forms.ChoiceField(
                label=risk.name, choices=RiskLevelChoice.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": _("请评定风险等级")},
            )
            self.fields[f"measures_{risk.code}"] = forms.CharField(
                label=_("防范措施"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 1}),
            )

    def risk_rows(self):
        """(risk, its hint, level field, measures field) in the catalogue's order."""
        hints = {item["code"]: item.get("hint", "") for item in self.catalogue.items}
        return [(risk, hints.get(risk.code, ""), self[f"risk_{risk.code}"], self[f"measures_{risk.code}"])
                for risk in self.risks]

    def ratings(self) -> dict[str, dict]:
        return {risk.code: {"level": self.cleaned_data[f"risk_{risk.code}"],
                            "measures": self.cleaned_data[f"measures_{risk.code}"]} for risk in self.risks}


class SafetyIncidentForm(StyledFormMixin, forms.Form):
    occurred_at = _moment(_("发生时间"))
    kind = forms.ChoiceField(label=_("事件类别"))
    person = forms.TypedChoiceField(label=_("涉及的老年人"), coerce=int, required=False, empty_value=None)
    place = forms.CharField(label=_("发生地点"), max_length=100)
    harm = forms.ChoiceField(label=_("伤害程度"), choices=IncidentHarm.choices)
    description = forms.CharField(label=_("经过"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    actions = forms.CharField(label=_("处置措施"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    family_notified_at = _moment(_("告知家属时间"), required=False)
    family_notified = forms.CharField(label=_("告知对象"), max_length=100, required=False,
                                      help_text=_("姓名与关系，如：张某（儿子）"))

    def __init__(self, *args, catalogue, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "——"), *((risk.code, risk.name) for risk in as_risks(catalogue.items)),
                                       (OTHER_KIND, _("其他"))]
        self.fields["person"].choices = [("", _("（不涉及具体老年人）")), *((p.pk, p.name) for p in residents)]


class SafetyIncidentFollowUpForm(StyledFormMixin, forms.Form):
    family_notified_at = _moment(_("告知家属时间"), required=False)
    family_notified = forms.CharField(label=_("告知对象"), max_length=100, required=False)
    review = forms.CharField(label=_("原因分析与改进措施"), max_length=4000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    reviewed_on = forms.DateField(label=_("复盘日期"), required=False, widget=DATE_INPUT)


class RegisterFilterForm(StyledFormMixin, forms.Form):
    facility = FacilityFilterField(empty_label=_("请选择机构"))

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities


class IncidentFilterForm(StyledFormMixin, forms.Form):
    month = MonthField(label=_("月份"), required=False)
    facility = FacilityFilterField()
    kind = forms.ChoiceField(label=_("事件类别"), required=False)

    def __init__(self, *args, facilities, kinds: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities
        self.fields["kind"].choices = [("", _("全部类别")), *kinds.items()]


class SafetyRoundForm(StyledFormMixin, forms.Form):
    """Quick to fill on a tablet: the unit (with the facility's recent units offered), the kind, the time
    (now by default), who, and what was found."""

    unit = forms.CharField(label=_("区域"), max_length=50, widget=forms.TextInput(attrs={"list": "round-units"}))
    kind = forms.ChoiceField(label=_("类别"), choices=RoundKind.choices, initial=RoundKind.ROUND,
                             widget=forms.RadioSelect)
    at = _moment(_("时间"))
    staff = forms.CharField(label=_("巡查人或交班人"), max_length=50)
    received_by = forms.CharField(label=_("接班人"), max_length=50, required=False, help_text=_("交接班时填写"))
    findings = forms.CharField(label=_("发现与处理"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))


class RoundsFilterForm(StyledFormMixin, forms.Form):
    facility = FacilityFilterField(empty_label=_("请选择机构"))
    day = forms.DateField(label=_("日期"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities
