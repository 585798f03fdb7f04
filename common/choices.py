"""A choice of one record among thousands (a province's facilities) that renders in milliseconds.

Django renders a <select> through one template per option and builds a model instance per
choice; with 3,000 facilities in a filter form that is most of a list page's time (bench/). Here
the choices are (pk, name) rows and the HTML is written directly: the same markup, the same
validation (ModelChoiceField still looks the chosen pk up in its queryset).
"""
import html

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def options_html(choices, selected: set[str]) -> str:
    """<option> elements for flat (value, label) choices; `selected` holds the chosen values as text."""
    parts = []
    for option_value, label in choices:
        text = "" if option_value is None else str(option_value)
        chosen = " selected" if text in selected else ""
        # Names from the database are plain text: the standard library's escape is the same
        # escaping as Django's at a fraction of the cost over thousands of options.
        shown = label if isinstance(label, SafeString) else html.escape(str(label))
        parts.append(f'<option value="{html.escape(text)}"{chosen}>{shown}</option>')
    return "".join(parts)


class QuickSelect(forms.Select):
    """forms.Select with the options written in Python (flat choices; option groups use the template)."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(iter(self.choices))  # iter(): list() alone asks the iterator's len(), a COUNT query
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        return self.select_html(name, value, attrs, choices)

    def select_html(self, name, value, attrs, choices) -> SafeString:
        opening = f'<select name="{escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>'
        return mark_safe(f"{opening}{options_html(choices, set(self.format_value(value)))}</select>")


class NameChoiceIterator(ModelChoiceIterator):
    """(pk, name) straight from the database instead of one model instance per choice."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", self.field.label_field)  # ModelChoiceField validates the chosen pk against the queryset itself


class NameChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose options are labelled by one field (`name` by default)."""

    iterator = NameChoiceIterator
    widget = QuickSelect

    def __init__(self, *args, label_field: str = "name", **kwargs):
        self.label_field = label_field
        super().__init__(*args, **kwargs)
