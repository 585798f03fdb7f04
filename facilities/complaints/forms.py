"""Forms of the complaint pages; choices come from the user's scope, rules live in the services."""
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DATE_INPUT, MomentField, StyledFormMixin

from ..models import ComplaintChannel, FacilityStatus, InspectionKind
from ..picker import FacilityChoiceField, FacilityFilterField, RegionCodeFilterField
from ..scoping import facilities_visible_to
from ..selectors import facilities_labelled


class ComplaintFilterForm(StyledFormMixin, forms.Form):
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[
        ("", _("全部")), ("new", _("待受理")), ("open", _("未办结")), ("overdue", _("已逾期")), ("concluded", _("已办结")),
    ])
    facility = FacilityFilterField(label=_("被投诉机构"))
    channel = forms.ChoiceField(label=_("来源渠道"), required=False, choices=[("", _("全部渠道")), *ComplaintChannel.choices])
    mine = forms.BooleanField(label=_("只看我负责的"), required=False)
    region = RegionCodeFilterField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities_visible_to(user).only("id", "name").order_by("name")


class ComplaintForm(StyledFormMixin, forms.Form):
    facility = FacilityChoiceField(label=_("被投诉机构"))
    channel = forms.ChoiceField(label=_("来源渠道"), choices=ComplaintChannel.choices)
    received_at = MomentField(
        label=_("收到时间"), input_formats=[*MomentField.input_formats, "%Y-%m-%d"],
        help_text=_("受理和办结期限从收到之日起按工作日计算"),
    )
    complainant_name = forms.CharField(label=_("投诉人"), max_length=50, required=False, help_text=_("匿名可不填"))
    complainant_contact = forms.CharField(
        label=_("投诉人联系方式"), max_length=100, required=False,
        help_text=_("仅首问负责人可见，其他人看到的是隐去中间部分的号码"),
    )
    content = forms.CharField(label=_("投诉举报内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities_labelled(
            facilities_visible_to(user).exclude(status=FacilityStatus.CLOSED).order_by("region_id", "name")
        )


class StartInspectionForm(StyledFormMixin, forms.Form):
    inspected_on = forms.DateField(label=_("核查日期"), widget=DATE_INPUT)
    inspectors = forms.CharField(label=_("检查人员"), max_length=200, help_text=_("多人用顿号分隔"))
    summary = forms.CharField(label=_("检查情况"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class LinkInspectionForm(StyledFormMixin, forms.Form):
    inspection = forms.ModelChoiceField(label=_("已有的检查"), queryset=None, empty_label=None)

    def __init__(self, *args, inspections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = inspections
        self.fields["inspection"].label_from_instance = lambda inspection: (
            f"{inspection.inspected_on:%Y-%m-%d} · {InspectionKind(inspection.kind).label} · {inspection.inspectors}"
        )


class ConcludeForm(StyledFormMixin, forms.Form):
    concluded_on = forms.DateField(label=_("办结日期"), widget=DATE_INPUT)
    reply = forms.CharField(
        label=_("办理结果及答复"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("向投诉人答复的内容，以及核查、处理的结果"),
    )
