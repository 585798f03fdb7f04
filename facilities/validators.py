"""Field validators that wrap the pure rules for forms and models."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .rules import is_valid_credit_code


def validate_credit_code(value: str) -> None:
    if value and not is_valid_credit_code(value):
        raise ValidationError(
            _("统一社会信用代码无效：应为18位，且校验位正确（GB 32100-2015）"), code="invalid_credit_code"
        )
