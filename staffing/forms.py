"""Forms for the staff registry, relatives' registration and the staffing budget."""
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DATE_INPUT, StyledFormMixin
from residents.models import Relation

from .models import LeaveKind, ReviewDecision, StaffRole


class EmploymentForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号码"), min_length=18, max_length=18)
    role = forms.ChoiceField(label=_("岗位"), choices=StaffRole.choices)
    fte = forms.DecimalField(label=_("折算全职"), min_value=Decimal("0.1"), max_value=Decimal(1), decimal_places=2,
                             initial=Decimal("1.0"), help_text=_("全职为 1.0，半职为 0.5"))
    started_on = forms.DateField(label=_("入职日期"), widget=DATE_INPUT)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    address = forms.CharField(
        label=_("家庭住址"), max_length=200, required=False, help_text=_("与救助对象住址相同的，将列入近亲属关系核查"),
    )
    certificate_number = forms.CharField(label=_("职业资格证书编号"), max_length=50, required=False)
    certificate_expires_on = forms.DateField(label=_("证书有效期至"), required=False, widget=DATE_INPUT)

    def clean_id_number(self):
        return self.cleaned_data["id_number"].strip().upper()


class EndEmploymentForm(StyledFormMixin, forms.Form):
    ended_on = forms.DateField(label=_("离职日期"), widget=DATE_INPUT)


class LeaveForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("假别"), choices=LeaveKind.choices)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE_INPUT)


class DeclarationForm(StyledFormMixin, forms.Form):
    relation = forms.ChoiceField(label=_("与申报人的关系"), choices=Relation.choices)
    relative_name = forms.CharField(label=_("近亲属姓名"), max_length=50)
    relative_id_number = forms.CharField(
        label=_("近亲属身份证号码"), min_length=18, max_length=18,
        help_text=_("尚未登记为救助对象的也可申报，登记后自动关联"),
    )
    declared_on = forms.DateField(label=_("申报日期"), widget=DATE_INPUT)

    def clean_relative_id_number(self):
        return self.cleaned_data["relative_id_number"].strip().upper()


class DeclarationEndForm(StyledFormMixin, forms.Form):
    ended_on = forms.DateField(label=_("撤销日期"), widget=DATE_INPUT)
    end_reason = forms.CharField(label=_("撤销原因"), max_length=200, help_text=_("例如：已离婚、申报有误"))


class ReviewDecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("核查结论"), choices=[(ReviewDecision.NOT_RELATED, _("经核查非近亲属")), (ReviewDecision.DECLARED, _("是近亲属，现补报备案"))],
        widget=forms.RadioSelect,
    )
    relation = forms.ChoiceField(label=_("关系（补报时填写）"), required=False, choices=[("", "—"), *Relation.choices])
    note = forms.CharField(label=_("核查说明"), max_length=300, required=False, help_text=_("非近亲属时必填：如何核实的"))


class FundedPostsForm(StyledFormMixin, forms.Form):
    posts = forms.IntegerField(label=_("已安排岗位数"), min_value=0, max_value=100000)
    amount = forms.DecimalField(
        label=_("已安排经费（元）"), required=False, min_value=Decimal(0), max_digits=14, decimal_places=2,
        help_text=_("留空按岗位数 × 每岗年度经费计算"),
    )
    note = forms.CharField(label=_("依据"), max_length=200, required=False, help_text=_("例如预算批复文号"))
