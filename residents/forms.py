"""Forms for people, stays, assessments and dispersed support; choices come from the user's scope."""
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.forms import DATE_INPUT, StyledFormMixin
from facilities.models import Facility, RegionLevel
from facilities.picker import FacilityFilterField
from facilities.regions.picker import RegionPickerField
from facilities.scoping import facilities_visible_to

from .models import (
    AssessmentReason,
    DisabilityCategory,
    HukouType,
    SelfCareAssessment,
    SelfCareCategory,
    StayEndReason,
    SupportForm,
    SupportKind,
    VisitMode,
)

PHOTO_MAX_BYTES = 2 * 1024 * 1024


class PersonFieldsForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号码"), max_length=18, min_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("出生日期和性别由身份证号码自动得出"),
    )
    hukou_region = RegionPickerField(label=_("户籍地"), scoped=False)
    hukou_type = forms.ChoiceField(label=_("户籍类型"), choices=HukouType.choices)
    residence_region = RegionPickerField(
        label=_("现居住乡镇（街道）"), required=False, levels=[RegionLevel.TOWNSHIP], scoped=False,
        help_text=_("分散供养人员须填写"),
    )
    address = forms.CharField(label=_("居住地址"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    emergency_contact_name = forms.CharField(label=_("紧急联系人"), max_length=50, required=False)
    emergency_contact_phone = forms.CharField(label=_("紧急联系人电话"), max_length=30, required=False)
    disability_category = forms.ChoiceField(
        label=_("残疾类别"), required=False, choices=[("", _("无"))] + DisabilityCategory.choices
    )
    disability_grade = forms.TypedChoiceField(
        label=_("残疾等级"), required=False, coerce=int, empty_value=None,
        choices=[
            ("", "—"), (1, pgettext_lazy("disability grade", "一级")), (2, pgettext_lazy("disability grade", "二级")),
            (3, pgettext_lazy("disability grade", "三级")), (4, pgettext_lazy("disability grade", "四级")),
        ],
    )
    photo = forms.FileField(
        label=_("照片"), required=False, help_text=_("可选，JPEG 或 PNG，不超过 2 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        if photo.size > PHOTO_MAX_BYTES:
            raise forms.ValidationError(_("照片不能超过 2 MB"))
        head = photo.read(8)
        photo.seek(0)
        if not (head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"))):
            raise forms.ValidationError(_("照片须为 JPEG 或 PNG 图片"))
        return photo

    def clean_id_number(self):
        return self.cleaned_data["id_number"].strip().upper()


class PersonEditForm(PersonFieldsForm):
    """The same fields without the ID number, which identifies the person and is never edited."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["id_number"]


class AdmissionForm(PersonFieldsForm):
    """Register (or find by ID number) and admit in one step, as a manager does at the door."""

    facility = forms.ModelChoiceField(label=_("入住机构"), queryset=Facility.objects.none())
    admitted_on = forms.DateField(label=_("入住日期"), widget=DATE_INPUT)
    field_order = ["facility", "admitted_on", "id_number", "name"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities_admitting_for(user)


def facilities_admitting_for(user):
    """The operating facilities whose admissions this user records."""
    return facilities_visible_to(user).filter(status="operating", assignments__user=user)


class AdmitExistingForm(StyledFormMixin, forms.Form):
    facility = forms.ModelChoiceField(label=_("入住机构"), queryset=Facility.objects.none())
    admitted_on = forms.DateField(label=_("入住日期"), widget=DATE_INPUT)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities_admitting_for(user)


class TransferForm(StyledFormMixin, forms.Form):
    to_facility = forms.ModelChoiceField(label=_("转入机构"), queryset=Facility.objects.none())
    transferred_on = forms.DateField(label=_("转院日期"), widget=DATE_INPUT)

    def __init__(self, *args, user, current: Facility, **kwargs):
        """Targets: facilities the user sees, and the operating facilities of the same county (a public register)."""
        super().__init__(*args, **kwargs)
        same_county = Q(region__code__startswith=current.region_id[:6])
        visible = Q(pk__in=facilities_visible_to(user).values("pk"))
        self.fields["to_facility"].queryset = (
            Facility.objects.filter(same_county | visible, status="operating").exclude(pk=current.pk).order_by("name")
        )


class DischargeForm(StyledFormMixin, forms.Form):
    ended_on = forms.DateField(label=_("离开日期"), widget=DATE_INPUT)
    reason = forms.ChoiceField(label=_("离开原因"), choices=StayEndReason.choices)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class AssessmentForm(StyledFormMixin, forms.Form):
    assessed_on = forms.DateField(label=_("评估日期"), widget=DATE_INPUT)
    reason = forms.ChoiceField(label=_("评估原因"), choices=AssessmentReason.choices)
    assessors = forms.CharField(label=_("评估人"), max_length=100, help_text=_("多名评估人用顿号分隔"))
    override_category = forms.ChoiceField(
        label=_("调整类别（如评估人判断与指标结果不同）"), required=False,
        choices=[("", _("不调整"))] + SelfCareCategory.choices,
    )
    override_reason = forms.CharField(label=_("调整理由"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SelfCareAssessment.INDICATOR_FIELDS:
            label = SelfCareAssessment._meta.get_field(name).verbose_name
            self.fields[name] = forms.BooleanField(label=label, required=False)

    @property
    def indicator_fields(self):
        return [self[name] for name in SelfCareAssessment.INDICATOR_FIELDS]

    @property
    def detail_fields(self):
        return [self[name] for name in ("assessed_on", "reason", "assessors", "override_category", "override_reason")]

    def unable(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name in SelfCareAssessment.INDICATOR_FIELDS}


class SupportStatusForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=SupportKind.choices)
    support_form = forms.ChoiceField(label=_("供养方式"), required=False, choices=[("", "—")] + SupportForm.choices)
    confirmed_on = forms.DateField(label=_("认定日期"), widget=DATE_INPUT)
    certificate_number = forms.CharField(label=_("证件编号"), max_length=50, required=False)


class TerminateStatusForm(StyledFormMixin, forms.Form):
    terminated_on = forms.DateField(label=_("终止日期"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("终止原因"), max_length=200)


class VisitForm(StyledFormMixin, forms.Form):
    visited_on = forms.DateField(label=_("探访日期"), widget=DATE_INPUT)
    visitor = forms.CharField(label=_("探访人"), max_length=100)
    mode = forms.ChoiceField(label=_("探访方式"), choices=VisitMode.choices)
    findings = forms.CharField(label=_("探访情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class CareAgreementForm(StyledFormMixin, forms.Form):
    caregiver_name = forms.CharField(label=_("照料人"), max_length=50)
    caregiver_relation = forms.CharField(label=_("与供养人员关系"), max_length=30, required=False)
    caregiver_phone = forms.CharField(label=_("照料人电话"), max_length=30, required=False)
    township_party = forms.CharField(label=_("乡镇（街道）签约方"), max_length=100)
    signed_on = forms.DateField(label=_("签订日期"), widget=DATE_INPUT)
    valid_until = forms.DateField(label=_("有效期至"), widget=DATE_INPUT)


class ChangeReportForm(StyledFormMixin, forms.Form):
    reported_on = forms.DateField(label=_("状况变化报告日期"), widget=DATE_INPUT)


class PersonFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("姓名或完整身份证号码"), required=False, max_length=50)
    facility = FacilityFilterField()
    category = forms.ChoiceField(label=_("生活自理能力"), required=False, choices=[("", _("全部"))] + SelfCareCategory.choices)
    support_form = forms.ChoiceField(label=_("供养方式"), required=False, choices=[("", _("全部"))] + SupportForm.choices)
    assessment_overdue = forms.BooleanField(label=_("仅显示评估逾期"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities_visible_to(user).only("id", "name").order_by("name")


class BankAccountForm(StyledFormMixin, forms.Form):
    """The allowance account, typed twice so a slip of one digit is caught before money goes astray."""

    bank_name = forms.CharField(label=_("开户银行"), max_length=50, required=False,
                                help_text=_("例如 中国农业银行庆阳西峰支行"))
    account = forms.CharField(
        label=_("银行账号"), max_length=40, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
        help_text=_("当前账号不显示；修改时请完整输入新账号。开户银行和账号都清空即删除。"),
    )
    account_again = forms.CharField(
        label=_("再次输入银行账号"), max_length=40, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )

    def clean(self):
        cleaned = super().clean()
        if "".join(cleaned.get("account", "").split()) != "".join(cleaned.get("account_again", "").split()):
            self.add_error("account_again", _("两次输入的银行账号不一致"))
        return cleaned
