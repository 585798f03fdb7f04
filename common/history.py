"""Field-level change history of any model with simple-history, ready for a template."""
import itertools
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    kind: str
    reason: str
    changes: list[FieldChange]


def _display(field, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if field.is_relation:
        return related.get((field.related_model, value), str(value))
    return str(value)


def _related_names(model, diffs, hidden) -> dict:
    """The objects foreign keys changed to or from, by (model, pk), as their names: one query per model."""
    wanted: dict = {}
    for diff in diffs:
        for change in diff.changes:
            field = model._meta.get_field(change.field)
            if field.is_relation and field.name not in hidden:
                wanted.setdefault(field.related_model, set()).update(v for v in (change.old, change.new) if v is not None)
    return {
        (related_model, obj.pk): str(obj)
        for related_model, pks in wanted.items()
        for obj in related_model._default_manager.filter(pk__in=pks)
    }


def change_history(instance, *, hidden: tuple[str, ...] = (), until: date | None = None) -> list[HistoryEntry]:
    """Who changed what and when, newest first: one query for the records, and one per model a changed
    foreign key points to (shown by name, not by id); times are shown in local time.

    Fields in `hidden` are reported as changed without their values (personal data). With `until`,
    only the changes made on or before that (local) day: what a reader saw on their last day with
    the record (a manager whose facility the person has left).
    """
    model = type(instance)
    history = instance.history.select_related("history_user")
    if until is not None:
        history = history.filter(history_date__date__lte=until)
    records = list(history.order_by("history_date", "history_id"))
    diffs = [record.diff_against(previous, foreign_keys_are_objs=False) for previous, record in itertools.pairwise(records)]
    related = _related_names(model, diffs, hidden)
    entries = []
    for index, record in enumerate(records):
        changes = []
        if index:
            for change in diffs[index - 1].changes:
                field = model._meta.get_field(change.field)
                if field.name in hidden:
                    changes.append(FieldChange(str(field.verbose_name), "…", "…"))
                else:
                    changes.append(FieldChange(
                        str(field.verbose_name), _display(field, change.old, related), _display(field, change.new, related),
                    ))
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.full_name or user.username) if user else gettext("系统"),
                kind=record.get_history_type_display(),
                # Stored in the site's language (save_with_history); shown in the reader's where the catalog has it.
                reason=gettext(record.history_change_reason) if record.history_change_reason else "",
                changes=changes,
            )
        )
    return list(reversed(entries))


def save_with_history(instance, *, by, reason, update_fields=None) -> None:
    """Validate and save, recording who made the change and why in the model's history."""
    instance.full_clean()
    instance._history_user = by
    with translation.override(settings.LANGUAGE_CODE):  # one language in the records, whoever wrote them
        instance._change_reason = str(reason)
    instance.save(update_fields=update_fields)
