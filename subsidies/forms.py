"""Forms of the claim pages. Months are typed as YYYY-MM and become the 1st of the month."""
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import MONTH_ERROR, MonthField, MonthInput, StyledFormMixin
from facilities.models import RegionLevel
from facilities.regions.picker import RegionPickerField
from facilities.scoping import regions_visible_to, user_region_prefix
from residents.models import HukouType, SelfCareCategory, SupportForm

from .models import BatchStatus, SubsidyItem
from .services import STAR_LEVELS


def _blank(label):
    return [("", label)]


def _filter_regions(user) -> list[tuple[str, str]]:
    """Cities and counties to filter by; townships too for users who cover a county or less."""
    levels = [RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY]
    prefix = user_region_prefix(user)
    if prefix is None or len(prefix) >= 6:
        levels.append(RegionLevel.TOWNSHIP)
    return list(regions_visible_to(user).filter(level__in=levels).values_list("code", "full_name"))


class BatchFilterForm(StyledFormMixin, forms.Form):
    month = MonthField(label=_("月份"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=_blank(_("全部状态")) + BatchStatus.choices)
    region = forms.ChoiceField(label=_("行政区划"), required=False)
    kind = forms.ChoiceField(label=_("申报单位类型"), required=False, choices=_blank(_("全部")) + [
        ("facility", _("机构（集中供养）")), ("township", _("乡镇（分散供养）")),
    ])
    q = forms.CharField(label=_("申报单位名称"), required=False, max_length=50)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _blank(_("全部区划")) + _filter_regions(user)


class GenerationForm(StyledFormMixin, forms.Form):
    month = MonthField(label=_("申报月份"))
    region = RegionPickerField(label=_("行政区划"), levels=tuple(RegionLevel),
                               help_text=_("生成该区划内全部机构和乡镇的草稿；已提交或已审核的批次不会改动"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].for_user(user)


class StandardFilterForm(StyledFormMixin, forms.Form):
    item = forms.ChoiceField(label=_("补贴项目"), required=False, choices=_blank(_("全部项目")) + SubsidyItem.choices)
    history = forms.BooleanField(label=_("显示已截止的历史标准"), required=False)


def _star_label(level: int) -> str:
    return str(_("未评级（0星）")) if level == 0 else str(_("%(level)s星级")) % {"level": level}


class StandardForm(StyledFormMixin, forms.Form):
    """A new standard for one key from a month on; the key fields an item does not use stay blank."""

    region = RegionPickerField(label=_("行政区划"), levels=tuple(RegionLevel))
    item = forms.ChoiceField(label=_("补贴项目"), choices=_blank("—") + SubsidyItem.choices)
    hukou_type = forms.ChoiceField(label=_("户籍类型"), required=False, choices=_blank(_("（不区分）")) + HukouType.choices,
                                   help_text=_("仅基本生活费按户籍区分"))
    support_form = forms.ChoiceField(label=_("供养方式"), required=False,
                                     choices=_blank(_("（不区分）")) + SupportForm.choices,
                                     help_text=_("照料护理费和孤儿基本生活费按供养方式区分"))
    category = forms.ChoiceField(label=_("生活自理能力"), required=False,
                                 choices=_blank(_("（不区分）")) + SelfCareCategory.choices,
                                 help_text=_("照料护理费和机构运营补贴按生活自理能力区分"))
    amount = forms.DecimalField(label=_("月标准（元）"), min_value=0, max_value=Decimal("99999.99"),
                                decimal_places=2)
    effective_from = forms.DateField(
        label=_("起始月份"), input_formats=["%Y-%m", "%Y-%m-%d"], widget=MonthInput,
        error_messages={"invalid": MONTH_ERROR}, help_text=_("自该月1日起执行；原标准执行至前一日"),
    )
    basis = forms.CharField(label=_("依据文件"), required=False, max_length=200,
                            help_text=_("如：甘民发〔2026〕12号"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].for_user(user)
        for level in STAR_LEVELS:
            self.fields[f"star_{level}"] = forms.DecimalField(
                label=_star_label(level), required=False, min_value=0, max_value=10, decimal_places=2,
                initial="1.00", widget=forms.NumberInput(attrs={"step": "0.01", "class": "form-control"}),
            )

    @property
    def star_fields(self):
        return [self[f"star_{level}"] for level in STAR_LEVELS]

    @property
    def main_fields(self):
        return [self[name] for name in ("region", "item", "hukou_type", "support_form", "category", "amount",
                                        "effective_from", "basis")]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("item") == SubsidyItem.OPERATING:
            for level in STAR_LEVELS:
                if cleaned.get(f"star_{level}") is None and f"star_{level}" not in self.errors:
                    self.add_error(f"star_{level}", _("请填写系数（0至10）"))
        return cleaned

    def service_kwargs(self) -> dict:
        """The keyword arguments of services.standard_set; multipliers only for the operating subsidy."""
        data = {name: self.cleaned_data[name] for name in ("region", "item", "hukou_type", "support_form", "category",
                                                           "amount", "effective_from", "basis")}
        if data["item"] == SubsidyItem.OPERATING:
            data["star_multipliers"] = {str(level): self.cleaned_data[f"star_{level}"] for level in STAR_LEVELS}
        return data


class ReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("退回原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class OverviewForm(StyledFormMixin, forms.Form):
    month = MonthField(label=_("月份"), required=False)
    region = forms.ChoiceField(label=_("行政区划"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = regions_visible_to(user).filter(
            level__in=[RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY]
        ).values_list("code", "full_name")
        self.fields["region"].choices = _blank(_("全部区划")) + list(regions)
