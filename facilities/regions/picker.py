"""A region as cascading selects (省 / 市 / 县 / 乡): units in force only, within the user's scope.

With htmx a change reloads the picker with the next level's units; without JavaScript the form is
submitted and comes back with the next level listed and a note to go on. A plain code posted under
the field's own name (as the API and older clients do) is read too.
"""
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import Region, RegionLevel
from ..rules import region_ancestors, region_scope_prefix
from ..scoping import user_region_prefix

DEPTH = 4
COLUMN_LABELS = (_("省"), _("市"), _("县（区）"), _("乡镇（街道）"))


def picker_columns(code: str | None, scope: str) -> list[dict]:
    """The selects for a chosen code: each level's units in force under the choice above. Two queries."""
    chain: list[str] = []
    if code:
        found = dict(Region.objects.filter(code__in=region_ancestors(code)).values_list("code", "parent_id"))
        cursor = code if code in found else None
        while cursor:
            chain.insert(0, cursor)
            cursor = found.get(cursor)
    in_scope = Q()
    if scope:
        in_scope = Q(code__startswith=scope) | Q(code__in=[c for c in region_ancestors(_scope_code(scope))])
    options: dict[str | None, list[tuple[str, str]]] = {}
    # Units in force, and the chosen chain itself even where it was abolished (a record still on a split
    # waiting for its decision): shown as such, so that saving the form says so instead of quietly
    # keeping only the level above.
    rows = (Region.objects.filter(Q(valid_to__isnull=True) | Q(code__in=chain))
            .filter(Q(parent__isnull=True) | Q(parent_id__in=chain))
            .filter(in_scope).order_by("code").values_list("parent_id", "code", "name", "valid_to"))
    abolished = _("已撤销")
    for parent, child, name, valid_to in rows:
        options.setdefault(parent, []).append((child, f"{name}（{abolished}）" if valid_to else name))
    columns = []
    for depth, parent in enumerate([None, *chain][:DEPTH]):
        if not options.get(parent):
            break
        columns.append({"label": COLUMN_LABELS[depth], "options": options[parent],
                        "selected": chain[depth] if depth < len(chain) else ""})
    return columns


def _is_code(value: str) -> bool:
    try:
        region_scope_prefix(value)
    except ValueError:
        return False
    return True


def _scope_code(scope: str) -> str:
    return scope.ljust(6, "0")


class RegionPickerWidget(forms.Widget):
    template_name = "facilities/widgets/region_picker.html"

    def __init__(self, attrs=None, *, scoped=True, levels=()):
        super().__init__(attrs)
        self.scope, self.scoped, self.levels = "", scoped, tuple(levels)

    def value_from_datadict(self, data, files, name):
        """The deepest consistent choice: a level counts only when it lies under the one above."""
        chosen = ""
        for depth in range(1, DEPTH + 1):
            value = (data.get(f"{name}_{depth}") or "").strip()
            if not value:
                break
            if not _is_code(value) or (chosen and not value.startswith(region_scope_prefix(chosen))):
                return chosen or value
            chosen = value
        return chosen or (data.get(name) or "").strip()

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_1" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        code = str(value) if value and _is_code(str(value)) else ""
        context["widget"].update({
            "columns": picker_columns(code, self.scope), "scoped": int(self.scoped),
            "levels": ",".join(self.levels),
        })
        return context

    def id_for_label(self, id_):
        return f"{id_}_1" if id_ else id_


class RegionPickerField(forms.ModelChoiceField):
    """A region in force at one of `levels`; `for_user` limits it to what the user may pick."""

    default_error_messages = {
        "invalid_choice": _("所选行政区划不在可选范围内"),
        "abolished": _("%(name)s已于 %(day)s 撤销%(successor)s，请选择现行区划"),
        "deeper": _("请继续选择下一级（%(levels)s）"),
    }

    def __init__(self, *, levels=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP), scoped=True, **kwargs):
        self.levels = tuple(levels)
        kwargs.pop("queryset", None)
        kwargs.pop("blank", None)
        kwargs.setdefault("widget", RegionPickerWidget(scoped=scoped, levels=self.levels))
        super().__init__(queryset=Region.objects.filter(valid_to__isnull=True, level__in=self.levels), **kwargs)

    def for_user(self, user) -> "RegionPickerField":
        if self.widget.scoped:
            scope = user_region_prefix(user)
            self.widget.scope = scope or ""
            if scope:
                self.queryset = self.queryset.filter(code__startswith=scope)
            elif scope is None:
                self.queryset = self.queryset.none()
        return self

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not _is_code(str(value).strip()):  # junk never reaches the database (PostgreSQL refuses a NUL)
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        region = Region.objects.filter(code=str(value).strip()).prefetch_related("successors").first()
        if region is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if region.valid_to is not None:
            successors = "、".join(f"{s.full_name}（{s.code}）" for s in region.successors.all())
            raise forms.ValidationError(self.error_messages["abolished"], code="abolished", params={
                "name": region.full_name, "day": region.valid_to.isoformat(),
                "successor": f"，现为{successors}" if successors else ""})
        if region.level not in self.levels:
            if region.level in (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY):
                raise forms.ValidationError(self.error_messages["deeper"], code="deeper", params={
                    "levels": "、".join(str(RegionLevel(level).label) for level in self.levels)})
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if not self.queryset.filter(pk=region.pk).exists():
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return region


class RegionCodePickerField(RegionPickerField):
    """The picker for a field that keeps the code rather than the region (a user's scope)."""

    def clean(self, value):
        region = super().clean(value)
        return region.code if region else ""
