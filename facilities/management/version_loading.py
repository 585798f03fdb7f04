"""The shape of the commands that load a region-versioned reference document (an ability scale, a risk
catalogue, an inspection checklist) from JSON: a file, an optional region and first day, a refusal as a CommandError."""
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from facilities.models import Region


class LoadVersionCommand(BaseCommand):
    """Subclasses set `help`, `what` (e.g. "项 / items") and `load(path=, region=, effective_from=)`."""

    what = ""

    def load(self, **kwargs):
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--region", default=None, metavar="CODE", help="适用区划代码，缺省为全国 / region code")
        parser.add_argument("--from", dest="effective_from", type=date.fromisoformat, default=None,
                            metavar="YYYY-MM-DD", help="起用日期，缺省取文件中的日期 / first day in force")

    def handle(self, *args, file, region, effective_from, **options):
        where = None
        if region:
            where = Region.objects.filter(code=region).first()
            if where is None:
                raise CommandError(f"行政区划代码不存在 / unknown region code {region}")
        try:
            version = self.load(path=file, region=where, effective_from=effective_from)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"{version}: {len(version.items)} {self.what}")
