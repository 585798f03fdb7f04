"""Build a province at scale for the benchmarks (bench/): bulk writes, COPY on PostgreSQL.

    manage.py seed_scale --facilities 3000 --people 300000 --staff 40000 --months 24

Needs a database whose province (Gansu, 620000, by default) has no facilities yet. History rows
(simple-history) are not written for seeded data; every database constraint holds.
"""
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bench.seed import Province, Sizes


class Command(BaseCommand):
    help = "生成全省规模数据 / Seed a province at scale for the benchmarks (bulk writes)"

    def add_arguments(self, parser):
        defaults = Sizes()
        parser.add_argument("--facilities", type=int, default=defaults.facilities)
        parser.add_argument("--people", type=int, default=defaults.people)
        parser.add_argument("--staff", type=int, default=defaults.staff)
        parser.add_argument("--months", type=int, default=defaults.months, help="months of history")
        parser.add_argument("--province", default="620000", help="a province code of the national table")
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
        parser.add_argument("--seed", type=int, default=20260701)

    def handle(self, *args, facilities, people, staff, months, province, today, seed, **options):
        if min(facilities, people, staff, months) < 1:
            raise CommandError("sizes must be positive")
        if not province.endswith("0000") or len(province) != 6:
            raise CommandError("--province must be a province code such as 620000")
        started = time.perf_counter()
        builder = Province(
            province=province, sizes=Sizes(facilities=facilities, people=people, staff=staff, months=months),
            today=today or timezone.localdate(), seed=seed, log=self.stdout.write,
        )
        try:
            counts = builder.build()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        step = time.perf_counter()
        builder.analyze()
        self.stdout.write(f"  {'ANALYZE':<28} {time.perf_counter() - step:6.1f} s")
        elapsed = time.perf_counter() - started
        self.stdout.write("rows written:")
        for table, count in sorted(counts.items()):
            self.stdout.write(f"  {table:<40} {count:>10,}")
        self.stdout.write(f"  {'total':<40} {sum(counts.values()):>10,}")
        self.stdout.write(self.style.SUCCESS(f"seed_scale: {elapsed:.1f} s"))
