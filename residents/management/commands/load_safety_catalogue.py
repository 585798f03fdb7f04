"""Load a service-safety risk catalogue from a JSON file as a version for a region (or the nation) from a date."""
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from facilities.models import Region
from residents.safety.services import safety_catalogue_load


class Command(BaseCommand):
    help = ("载入服务安全风险目录（JSON，格式同 residents/data/safety_risks_gb38600_2019.json） / "
            "Load a service-safety risk catalogue from a JSON file")

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
            catalogue = safety_catalogue_load(path=file, region=where, effective_from=effective_from)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"{catalogue}: {len(catalogue.items)} 项 / risks")
