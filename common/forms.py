"""Shared form behaviour: Bootstrap classes on every widget, errors marked for assistive tech, and
one template for a field (label, widget, help, errors) that every page renders with
`{{ field.as_field_group }}` or the `common/form_fields.html` partial."""
from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates

from .choices import QuickSelect

DATE_INPUT = forms.DateInput(
    attrs={"placeholder": "YYYY-MM-DD", "inputmode": "numeric", "autocomplete": "off"}, format="%Y-%m-%d"
)


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
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"


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
