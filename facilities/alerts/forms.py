"""A user's choice of what the daily e-mail digest tells them."""
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import AlertKind


class DigestSettingsForm(forms.Form):
    daily = forms.BooleanField(label=_("接收每日邮件摘要"), required=False,
                               widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    kinds = forms.MultipleChoiceField(
        label=_("摘要包含的预警类型"), required=False, choices=AlertKind.choices, widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("取消勾选的类型不再出现在邮件摘要中；页面上的预警不受影响。"),
    )

    @classmethod
    def for_user(cls, user, data=None):
        initial = {"daily": user.digest_daily,
                   "kinds": [kind for kind in AlertKind.values if kind not in set(user.digest_muted_kinds or [])]}
        return cls(data, initial=initial)

    @property
    def muted(self) -> list[str]:
        return [kind for kind in AlertKind.values if kind not in set(self.cleaned_data["kinds"])]
