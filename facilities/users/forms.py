"""The forms of the administrators' user pages. The scope is chosen in the cascading 省/市/县/乡
picker from the units in force (`scope_field`), never typed and never an abolished unit."""
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from common.forms import StyledFormMixin

from ..models import Facility, RegionLevel
from ..regions.picker import RegionCodePickerField


def scope_field(*, required=False) -> forms.Field:
    """The region an inspector or clerk covers, chosen level by level from the units in force."""
    return RegionCodePickerField(
        label=_("管辖区划"), required=required, scoped=False, levels=tuple(RegionLevel),
        help_text=_("民政督查和救助经办可查看该区划内的全部数据；机构负责人和管理员不需要"),
    )


def _role_choices():
    return [("", "——")] + list(Role.choices)


class RoleScopeForm(StyledFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=_role_choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"] = scope_field()
        self.order_fields(self.field_order)


class PasswordPairMixin:
    """Two password fields checked against the site's password rules."""

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致"))
        elif first:
            try:
                password_validation.validate_password(first, self.password_user())
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned

    def password_user(self):
        return None


def _password_fields():
    return (
        forms.CharField(label=_("初始密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                        help_text=_("用户首次登录后须改为自己的密码")),
        forms.CharField(label=_("再次输入密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})),
    )


class UserCreateForm(PasswordPairMixin, RoleScopeForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("电话"), max_length=20, required=False)
    password1, password2 = _password_fields()
    field_order = ["username", "full_name", "phone", "role", "region_code", "password1", "password2"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("该用户名已被使用"))
        return username

    def password_user(self):
        return User(username=self.cleaned_data.get("username", ""), full_name=self.cleaned_data.get("full_name", ""))


class PasswordResetForm(PasswordPairMixin, StyledFormMixin, forms.Form):
    password1, password2 = _password_fields()

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def password_user(self):
        return self.user


class AssignmentForm(StyledFormMixin, forms.Form):
    facility = forms.ModelChoiceField(label=_("机构"), queryset=Facility.objects.order_by("region_id", "name"))


class UserFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("用户名或姓名"), max_length=50, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=[("", _("全部角色"))] + list(Role.choices), required=False)
    active = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部")), ("1", _("在用")), ("0", _("已停用"))])
