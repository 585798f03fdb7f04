"""Load the years `chinese-calendar` knows into the working-day calendar, idempotently."""
from django.core.management.base import BaseCommand

from facilities.working_days.calendar import LIBRARY
from facilities.working_days.services import working_days_load_library


class Command(BaseCommand):
    help = "载入 chinese-calendar 的放假安排 / Load the holiday years chinese-calendar knows (idempotent)"

    def handle(self, *args, **options):
        result = working_days_load_library()
        if result.years:
            self.stdout.write(
                f"工作日历：从 {LIBRARY} 载入 {result.years[0]}–{result.years[-1]} 年，{len(result.years)} 年 "
                f"{result.days} 天 / working days: {len(result.years)} years, {result.days} days loaded"
            )
        else:
            self.stdout.write(f"工作日历已包含 {LIBRARY} 的全部年份 / every year of {LIBRARY} already present")
