"""Forms for the facility registry; choices come from the user's scope."""
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DATE_INPUT, StyledFormMixin

from .models import Facility, FacilityKind, FacilityStatus, Operator, RegionLevel
from .regions.picker import RegionPickerField
from .scoping import regions_visible_to


class FacilityForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Facility
        fields = [
            "name", "kind", "operator", "region", "address", "bed_capacity", "licence_number",
            "credit_code", "opened_on", "status", "contact_person", "contact_phone",
        ]
        widgets = {"opened_on": DATE_INPUT}
        field_classes = {"region": RegionPickerField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].for_user(user)
        credit_code = self.fields["credit_code"].widget.attrs
        credit_code.update({"maxlength": 18, "class": f"{credit_code.get('class', '')} text-uppercase"})

    def clean_credit_code(self):
        return self.cleaned_data["credit_code"].strip().upper()


class FacilityContactForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Facility
        fields = ["contact_person", "contact_phone"]


def _blank(label):
    return [("", label)]


class FacilityFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("名称"), required=False, max_length=50)
    region = forms.ChoiceField(label=_("行政区划"), required=False)
    kind = forms.ChoiceField(label=_("机构类型"), required=False, choices=_blank(_("全部类型")) + FacilityKind.choices)
    operator = forms.ChoiceField(label=_("运营方式"), required=False, choices=_blank(_("全部")) + Operator.choices)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=_blank(_("全部状态")) + FacilityStatus.choices)
    level = forms.TypedChoiceField(
        label=_("等级"), required=False, coerce=int, empty_value=None,
        choices=_blank(_("全部等级")) + [(0, _("未评级")), (1, _("一级")), (2, _("二级")), (3, _("三级")), (4, _("四级")), (5, _("五级"))],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = regions_visible_to(user).filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY]).values_list(
            "code", "full_name", "valid_to"
        )
        abolished = _("区划已撤销")
        self.fields["region"].choices = _blank(_("全部区划")) + [
            (code, f"{name}（{abolished}）" if valid_to else name) for code, name, valid_to in regions
        ]
