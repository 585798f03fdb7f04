"""Forms for the staff registry."""
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import DATE_INPUT, StyledFormMixin

from .models import LeaveKind, StaffRole


class EmploymentForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号码"), min_length=18, max_length=18)
    role = forms.ChoiceField(label=_("岗位"), choices=StaffRole.choices)
    fte = forms.DecimalField(label=_("折算全职"), min_value=Decimal("0.1"), max_value=Decimal("1"), decimal_places=2,
                             initial=Decimal("1.0"), help_text=_("全职为 1.0，半职为 0.5"))
    started_on = forms.DateField(label=_("入职日期"), widget=DATE_INPUT)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
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
