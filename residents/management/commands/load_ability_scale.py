"""Load a GB/T 42195 item table from a JSON file as a version for a region (or the nation) from a date."""
from facilities.management.version_loading import LoadVersionCommand
from residents.ability.services import ability_scale_load


class Command(LoadVersionCommand):
    help = ("载入老年人能力评估量表（JSON，格式同 residents/data/ability_scale_gbt42195_2022.json） / "
            "Load a GB/T 42195 item table from a JSON file")
    what = "项 / items"

    def load(self, **kwargs):
        return ability_scale_load(**kwargs)
