"""Forms for public notices: making one (with a preview), an objection, its handling, the list filter."""
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DATE_INPUT, StyledFormMixin
from facilities.regions.picker import RegionPickerField

from .services import NOTICE_LEVELS


class NoticeForm(StyledFormMixin, forms.Form):
    township = RegionPickerField(
        label=_("公示区划"), levels=NOTICE_LEVELS,
        help_text=_("按乡镇（街道）公示；住址只登记到县（区）的人员，选择县（区）制作县级公示"),
    )
    period_start = forms.DateField(label=_("统计期间起"), widget=DATE_INPUT)
    period_end = forms.DateField(label=_("统计期间止"), widget=DATE_INPUT)
    posted_on = forms.DateField(label=_("张贴日期"), widget=DATE_INPUT, help_text=_("公示期自张贴之日起 7 天（含当日）"))
    contact = forms.CharField(label=_("异议受理联系人及电话"), max_length=200,
                              help_text=_("例如：乡镇民政办 王明 0934-1234567"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].for_user(user)


class ObjectionForm(StyledFormMixin, forms.Form):
    entry = forms.ModelChoiceField(label=_("涉及人员"), queryset=None, required=False, empty_label=_("（对整个名单）"))
    objector = forms.CharField(label=_("异议人"), max_length=50, help_text=_("可填“匿名”"))
    objector_contact = forms.CharField(label=_("异议人联系方式"), max_length=50, required=False)
    received_on = forms.DateField(label=_("收到日期"), widget=DATE_INPUT)
    content = forms.CharField(label=_("异议内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, notice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = notice.entries.order_by("position")
        self.fields["entry"].label_from_instance = lambda e: f"{e.position}. {e.name}（{e.masked_id_number}）"


class ObjectionResultForm(StyledFormMixin, forms.Form):
    handled_on = forms.DateField(label=_("处理日期"), widget=DATE_INPUT)
    result = forms.CharField(label=_("处理结果"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class NoticeFilterForm(StyledFormMixin, forms.Form):
    township = forms.RegexField(label=_("区划代码"), regex=r"^\d{2,9}$", required=False,
                                widget=forms.TextInput(attrs={"placeholder": "621002", "inputmode": "numeric"}))
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100, required=False)
