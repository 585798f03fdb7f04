"""The code field of the second-factor pages."""
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import StyledFormMixin


class CodeForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("验证码"), max_length=8, strip=True,
        help_text=_("验证器应用中显示的 6 位数字"),
        widget=forms.TextInput(attrs={
            "inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*",
        }),
    )

    def __init__(self, *args, autofocus=False, **kwargs):
        super().__init__(*args, **kwargs)
        if autofocus:  # the code step, where the code is the only thing to type
            self.fields["code"].widget.attrs["autofocus"] = True

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("请输入 6 位数字验证码"))
        return code
