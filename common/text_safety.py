"""Names and free text hold no control or direction characters, the same rule everywhere.

A right-to-left override (U+202E) turns "张三.exe" into something else on screen, in an export and
on a printed statement; other control characters corrupt CSV files and e-mail headers. So every
text field of the models that carry names and free text refuses them at the model's validation
(`SafeTextModel.clean_fields`, reached by every form, service, import and API write through
`full_clean`), with a field error in Chinese and English. One-line fields (CharField: names,
codes, titles) also refuse line breaks; multi-line text (TextField) keeps them and tabs.
"""
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Bidirectional controls (embeddings, overrides, isolates, marks), zero-width formatting and the BOM.
BIDI = "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{BIDI}]")
_MULTI_LINE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI}]")
MESSAGE = _("不能包含控制字符、换行或文字方向控制字符（如 U+202E）")
MESSAGE_MULTI_LINE = _("不能包含控制字符或文字方向控制字符（如 U+202E）")


def validate_one_line(value) -> None:
    if isinstance(value, str) and _ONE_LINE.search(value):
        raise ValidationError(MESSAGE, code="control_characters")


def validate_text(value) -> None:
    if isinstance(value, str) and _MULTI_LINE.search(value):
        raise ValidationError(MESSAGE_MULTI_LINE, code="control_characters")


class SafeTextModel(models.Model):
    """Abstract base: the model's text fields are checked by the rules above in `clean_fields`."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if (exclude and field.name in exclude) or field.name in errors or field.choices:
                continue
            check = validate_text if isinstance(field, models.TextField) else \
                validate_one_line if isinstance(field, models.CharField) else None
            if check is None:
                continue
            try:
                check(getattr(self, field.attname))
            except ValidationError as exc:
                errors.setdefault(field.name, []).extend(exc.error_list)
        if errors:
            raise ValidationError(errors)
