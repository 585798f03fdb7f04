"""Load an inspection checklist (major hazards and service-safety items) from a JSON file as a version for a
region (or the nation) from a date."""
from facilities.inspections.services import checklist_load
from facilities.management.version_loading import LoadVersionCommand


class Command(LoadVersionCommand):
    help = ("载入安全检查表（JSON，格式同 facilities/data/inspection_checklist_2023.json） / "
            "Load an inspection checklist from a JSON file")
    what = "项 / items"

    def load(self, **kwargs):
        return checklist_load(**kwargs)
