"""Shared form behaviour: Bootstrap classes on every widget, errors marked for assistive tech, and
one template for a field (label, widget, help, errors) that every page renders with
`{{ field.as_field_group }}` or the `common/form_fields.html` partial."""
from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

from .choices import QuickSelect
from .params import in_range


class DayInput(forms.DateInput):
    """The browser's own date picker (it works offline and with the keyboard; its value is always
    YYYY-MM-DD), bounded by the calendar the site works in."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"min": "1900-01-01", "max": "2100-12-31", **(attrs or {})}, format="%Y-%m-%d")


class MomentInput(forms.DateTimeInput):
    """The browser's date-and-time picker; its value is YYYY-MM-DDTHH:MM."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs={"min": "1900-01-01T00:00", "max": "2100-12-31T23:59", **(attrs or {})}, format="%Y-%m-%dT%H:%M")


DATE_INPUT = DayInput()


class MomentField(forms.DateTimeField):
    """A date and time from the browser's picker, or typed with a space (an API client's, a test's)."""

    widget = MomentInput
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

MONTH_ERROR = _("请按 YYYY-MM 填写月份，如 2026-07")


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "YYYY-MM", "autocomplete": "off", **(attrs or {})}, format="%Y-%m")


class MonthField(forms.DateField):
    """A month as the date of its 1st day, within the calendar the site works in (1900–2100)."""

    widget = MonthInput
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": MONTH_ERROR}

    def to_python(self, value):
        month = super().to_python(value)
        if month is not None and not in_range(month):
            raise ValidationError(_("月份须在 1900-01 至 2100-12 之间"), code="invalid")
        return month


class FormRenderer(DjangoTemplates):
    """FORM_RENDERER: Django's own, with the one field template (common/templates/common/field.html)."""

    field_template_name = "common/field.html"


class StyledFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
                if type(widget) is forms.Select:
                    # The same markup written in Python: a template per option was most of a filter
                    # bar's rendering (a province's counties, every status and kind).
                    widget.__class__ = QuickSelect
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                field = self.fields[name]
                attrs = field.widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                # The field's help and its error are read with it (common/field.html gives both these ids).
                auto_id = self[name].auto_id
                if auto_id:
                    attrs["aria-describedby"] = " ".join(
                        ([f"{auto_id}_helptext"] if field.help_text else []) + [f"{auto_id}_error"])


def run_service(form, call):
    """Call a service for a valid form and return its result, or None when it refused.

    A refusal's ValidationError messages are put beside the right fields of the form.
    """
    try:
        return call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None
