"""Load a service-safety risk catalogue from a JSON file as a version for a region (or the nation) from a date."""
from facilities.management.version_loading import LoadVersionCommand
from residents.safety.services import safety_catalogue_load


class Command(LoadVersionCommand):
    help = ("载入服务安全风险目录（JSON，格式同 residents/data/safety_risks_gb38600_2019.json） / "
            "Load a service-safety risk catalogue from a JSON file")
    what = "项 / risks"

    def load(self, **kwargs):
        return safety_catalogue_load(**kwargs)
