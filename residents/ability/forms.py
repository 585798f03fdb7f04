"""The GB/T 42195 assessment form: one radio group per item of the scale the region uses."""
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DATE_INPUT, StyledFormMixin

from ..ability_rules import INDICATORS, LTC_LEVELS
from ..models import AssessmentReason

INDICATOR_NAMES = {
    "self_care": _("自理能力"),
    "movement": _("基础运动能力"),
    "mental": _("精神状态"),
    "sensory_social": _("感知觉与社会参与"),
}


def item_field_name(code: str) -> str:
    return "item_" + code.replace(".", "_")


class AbilityAssessmentForm(StyledFormMixin, forms.Form):
    assessed_on = forms.DateField(label=_("评估日期"), widget=DATE_INPUT)
    reason = forms.ChoiceField(label=_("评估原因"), choices=AssessmentReason.choices)
    coma = forms.BooleanField(label=_("处于昏迷状态（直接评定为完全失能）"), required=False)
    mental_disorder = forms.BooleanField(label=_("确诊精神障碍（痴呆等，ICD-10 F00–F99）"), required=False)
    diagnosis = forms.CharField(label=_("诊断"), max_length=200, required=False,
                                help_text=_("疾病名称及ICD-10编码，确诊精神障碍时必填"))
    risk_events_30d = forms.IntegerField(label=_("近30天风险事件次数"), min_value=0, max_value=99, initial=0,
                                         help_text=_("跌倒、噎食、自杀、自伤、走失等；两次及以上提高一级"))
    assessor = forms.CharField(label=_("评估员"), max_length=50)
    second_assessor = forms.CharField(label=_("第二评估员"), max_length=50)
    notes = forms.CharField(label=_("备注"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, scale, **kwargs):
        super().__init__(*args, **kwargs)
        self.scale = scale
        for item in scale.items:
            self.fields[item_field_name(item["code"])] = forms.TypedChoiceField(
                label=f"{item['code']} {item['name']}", coerce=int, widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                choices=[(score, f"{score}分：{label}") for score, label in item["options"]],
                error_messages={"required": _("请为此项评分")},
            )

    def indicator_groups(self):
        """The item fields grouped by first-level indicator, in the standard's order."""
        return [
            (INDICATOR_NAMES[indicator], [self[item_field_name(item["code"])] for item in self.scale.items
                                          if item["indicator"] == indicator])
            for indicator in INDICATORS
        ]

    def detail_fields(self):
        return [self[name] for name in ("assessed_on", "reason", "assessor", "second_assessor")]

    def adjustment_fields(self):
        return [self[name] for name in ("coma", "mental_disorder", "diagnosis", "risk_events_30d")]

    def answers(self) -> dict[str, int]:
        return {item["code"]: self.cleaned_data[item_field_name(item["code"])] for item in self.scale.items}


LTC_LEVEL_NAMES = ("基本正常", "轻度失能", "中度失能", "重度失能Ⅰ级", "重度失能Ⅱ级", "重度失能Ⅲ级")


class LtcAssessmentForm(StyledFormMixin, forms.Form):
    source = forms.CharField(label=_("评估机构与结论文号"), max_length=200,
                             help_text=_("例如：庆阳市医疗保障局长期护理保险失能评估，庆医保长护评〔2026〕15号"))
    ltc_level = forms.TypedChoiceField(label=_("长护险失能等级"), coerce=int,
                                       choices=[(level, f"{level}级：{LTC_LEVEL_NAMES[level]}") for level in LTC_LEVELS])
    assessed_on = forms.DateField(label=_("评估日期"), widget=DATE_INPUT)
    valid_until = forms.DateField(label=_("有效期至"), widget=DATE_INPUT)
    notes = forms.CharField(label=_("备注"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
