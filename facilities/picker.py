"""A facility chosen in a filter, whatever the size of the user's scope.

A county sees a few dozen facilities and gets them all in a select; a province sees thousands, and a
select of every one made each list page grow with the province (47 → 197 KiB, bench/). Beyond
OPTIONS_LIMIT the select holds only the current choice, and a search box beside it fetches the
matching names (htmx, `facility_options`). Validation is ModelChoiceField's, against the same scope.
"""
from django import forms
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from common.bilingual import rule_message
from common.choices import NameChoiceField, QuickSelect

from .rules import region_scope_prefix

OPTIONS_LIMIT = 60


class FacilityPickerWidget(QuickSelect):
    def render(self, name, value, attrs=None, renderer=None):
        field = self.choices.field
        blank = [("", field.empty_label)] if field.empty_label is not None else []
        rows = list(field.queryset.values_list("pk", field.label_field)[:OPTIONS_LIMIT + 1])
        if len(rows) <= OPTIONS_LIMIT:
            return self.select_html(name, value, attrs, blank + rows)
        chosen = [str(pk) for pk in self.format_value(value) if str(pk).isdigit()]
        current = list(field.queryset.filter(pk__in=chosen).values_list("pk", field.label_field)) if chosen else []
        select = self.select_html(name, value, attrs, blank + current)
        return render_to_string("facilities/widgets/facility_picker.html", {
            "select": select, "name": name, "select_id": (attrs or {}).get("id") or self.attrs.get("id", ""),
            "required": field.required,
        })


class FacilityFilterField(NameChoiceField):
    """One of the user's facilities, or all ("全部机构"); set `queryset` to the user's scope."""

    widget = FacilityPickerWidget

    def __init__(self, *, label=None, **kwargs):
        kwargs.setdefault("queryset", None)
        kwargs.setdefault("empty_label", _("全部机构"))
        super().__init__(label=label or _("机构"), required=False, **kwargs)


class FacilityChoiceField(NameChoiceField):
    """The facility a record is about (an inspection, a complaint): required, chosen from the user's scope
    with the same search as the filters once the scope is too large for one select; its queryset is
    labelled with the county (facilities.selectors.facilities_labelled)."""

    widget = FacilityPickerWidget

    def __init__(self, *, label, **kwargs):
        kwargs.setdefault("queryset", None)
        super().__init__(label=label, empty_label=_("请选择机构"), label_field="label", **kwargs)


class RegionCodeFilterField(forms.CharField):
    """A region code in a list's filters (the home page's county figures link to their lists with it):
    a county's, a city's or a township's code; an abolished code also finds what moved (region_code_q)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("区划代码"))
        super().__init__(required=False, max_length=9, **kwargs)

    def clean(self, value):
        code = super().clean(value).strip()
        if code:
            try:
                region_scope_prefix(code)
            except ValueError as exc:
                raise forms.ValidationError(rule_message(str(exc))) from exc
        return code
