"""Forms for the custody ledger: an entry, a reversal, a later confirmation, a sampling, a check note."""
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DATE_INPUT, StyledFormMixin

from ..models import Confirmer, CustodyHolding, CustodyKind, SampleResult
from .services import MAX_SAMPLE

NO_CONFIRMATION = [("", _("暂未确认（稍后补签）"))]


class CustodyEntryForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("收支"), choices=CustodyKind.choices)
    holding = forms.ChoiceField(label=_("款物类别"), choices=CustodyHolding.choices)
    amount = forms.DecimalField(
        label=_("金额（元）"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"),
        help_text=_("物品填写估值"), widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    occurred_on = forms.DateField(label=_("发生日期"), widget=DATE_INPUT)
    description = forms.CharField(label=_("摘要 / 物品名称"), max_length=200, required=False,
                                  help_text=_("物品和其他款物必填，如“金戒指”“棉衣”"))
    quantity = forms.IntegerField(label=_("数量（物品）"), min_value=1, max_value=100000, required=False)
    purpose = forms.CharField(label=_("支取用途"), max_length=200, required=False, help_text=_("支取必填"))
    receipt_number = forms.CharField(label=_("票据（收据）号"), max_length=50, required=False, help_text=_("支取必填"))
    confirmer = forms.ChoiceField(label=_("确认人身份"), choices=NO_CONFIRMATION + list(Confirmer.choices), required=False)
    confirmer_name = forms.CharField(label=_("确认人姓名"), max_length=50, required=False)
    confirmed_on = forms.DateField(label=_("确认日期"), widget=DATE_INPUT, required=False)


class CustodyReversalForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("更正原因"), max_length=200, help_text=_("例如：金额录入错误，应为 150.00 元"))


class CustodyConfirmForm(StyledFormMixin, forms.Form):
    confirmer = forms.ChoiceField(label=_("确认人身份"), choices=Confirmer.choices)
    confirmer_name = forms.CharField(label=_("确认人姓名"), max_length=50)
    confirmed_on = forms.DateField(label=_("确认日期"), widget=DATE_INPUT)


class CustodySamplingForm(StyledFormMixin, forms.Form):
    size = forms.IntegerField(label=_("抽查份数"), min_value=1, max_value=MAX_SAMPLE, initial=5)


class CustodySampleCheckForm(StyledFormMixin, forms.Form):
    result = forms.ChoiceField(label=_("核查结论"), choices=SampleResult.choices)
    checked_on = forms.DateField(label=_("核查日期"), widget=DATE_INPUT)
    note = forms.CharField(label=_("核查意见"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("账实不符或缺少确认时必填"))
