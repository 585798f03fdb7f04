"""Field-level change history of any model with simple-history, ready for a template."""
from dataclasses import dataclass
from datetime import datetime


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


def _display(field, value) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def change_history(instance, *, hidden: tuple[str, ...] = ()) -> list[HistoryEntry]:
    """Who changed what and when, newest first; one query whatever the number of changes.

    Fields in `hidden` are reported as changed without their values (personal data).
    """
    model = type(instance)
    records = list(instance.history.select_related("history_user").order_by("history_date", "history_id"))
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            for change in record.diff_against(previous, foreign_keys_are_objs=False).changes:
                field = model._meta.get_field(change.field)
                if field.name in hidden:
                    changes.append(FieldChange(str(field.verbose_name), "…", "…"))
                else:
                    changes.append(FieldChange(str(field.verbose_name), _display(field, change.old), _display(field, change.new)))
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.full_name or user.username) if user else "系统",
                kind=record.get_history_type_display(),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
        previous = record
    return list(reversed(entries))


def save_with_history(instance, *, by, reason, update_fields=None) -> None:
    """Validate and save, recording who made the change and why in the model's history."""
    instance.full_clean()
    instance._history_user = by
    instance._change_reason = reason
    instance.save(update_fields=update_fields)
