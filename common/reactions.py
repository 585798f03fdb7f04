"""Calls that point up the layers, made visible: a lower app names a slot here and calls whatever fills
it; a higher app fills it in its `AppConfig.ready`. Neither imports the other, the import contract sees
both ends, and `ARCHITECTURE.md` lists every slot. (A dotted path in settings would hide the arrow.)
"""
from collections.abc import Callable


class Slot:
    """Receivers a higher app connects; the lower app that owns the slot calls them in order."""

    def __init__(self, name: str, doc: str):
        self.name, self.__doc__ = name, doc
        self._receivers: list[Callable] = []

    def connect(self, receiver: Callable) -> Callable:
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def receivers(self) -> tuple[Callable, ...]:
        return tuple(self._receivers)


care_changed = Slot(
    "care_changed",
    "Residents, stays or assessments of a facility changed. Receivers are Celery tasks taking "
    "`facility_id`; residents enqueues each after the commit (staffing: the compliance check).",
)

person_claims = Slot(
    "person_claims",
    "Claim totals of people, for reads in apps below subsidies. A receiver takes `person_ids` and "
    "returns {person_id: {'lines', 'total', 'first_month', 'last_month'}} (subsidies: its claim lines).",
)
