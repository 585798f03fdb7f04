"""Demo custody ledgers and a public notice for the demo city (run after the other demo seeds).

The story (every date counted back from today, so it holds on any day):
- at 西峰区中心敬老院 the manager keeps the money and goods of eight residents since the start of
  the third month before this one: the monthly pocket money paid in on the 1st, pensions and money
  from families, withdrawals for daily needs with receipts, a gold ring in custody, one mistaken
  deposit corrected by a reversal, and the latest withdrawal of a few residents still waiting for
  their signature — so the ledger, this month's statement (it always has the 1st's pocket money,
  even on the 1st) and the facility summary all show something;
- the city's inspector has sampled three of those ledgers and written a check note on one;
- a township of 西峰区 has a notice for last month (two people newly confirmed as special hardship,
  one terminated, a child confirmed too but never published), posted two days ago so its 7-day
  period is still running, with one objection already received and answered.

Safe to run again: a part that already exists is left as it is.
"""
import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from facilities.models import Facility, FacilityAssignment, Region
from residents import services
from residents.custody import services as custody
from residents.models import CustodyEntry, Notice, Person, SupportForm, SupportKind
from residents.notices import services as notices
from residents.rules import add_months, id_check_character

FACILITY = "西峰区中心敬老院"
SEED = 20261116
MONTHS_BEFORE = 3  # whole months of ledger before the current one
PURPOSES = ["购买日用品", "理发", "购买水果和零食", "药品自付部分", "购买换季衣物", "电话费充值"]
NOTICE_PEOPLE = [  # name, birth date (or age in years on 1 June, for the child), what happened last month
    ("马玉兰", date(1951, 3, 12), "confirmed"),
    ("杨守仁", date(1946, 9, 30), "confirmed"),
    ("刘小雨", 11, "confirmed"),  # a child, under 16 whatever the year: confirmed, never published
    ("何长林", date(1944, 1, 20), "terminated"),
]


class Command(BaseCommand):
    help = "载入款物代管与公示演示数据 / Seed demo custody ledgers and a public notice (idempotent)"

    @transaction.atomic
    def handle(self, *args, **options):
        today = timezone.localdate()
        facility = Facility.objects.filter(name=FACILITY).first()
        manager = User.objects.filter(username="manager", role=Role.MANAGER, is_active=True).first()
        inspector = User.objects.filter(username="inspector", role=Role.INSPECTOR, is_active=True).first()
        if facility is None or manager is None or inspector is None:
            raise CommandError("请先运行 seed_demo 和 seed_demo_residents / run seed_demo and seed_demo_residents first")
        if not FacilityAssignment.objects.filter(user=manager, facility=facility).exists():
            raise CommandError(f"演示账户 manager 未分配到{FACILITY} / the demo manager is not assigned to {FACILITY}")
        self._custody(facility, manager, inspector, today)
        self._notice(inspector, today)

    # --- custody -------------------------------------------------------------------------------

    def _custody(self, facility, manager, inspector, today):
        if CustodyEntry.objects.filter(account__facility=facility).exists():
            self.stdout.write("演示代管账目已存在 / demo custody ledgers already present")
            return
        first_month = add_months(today.replace(day=1), -MONTHS_BEFORE)
        residents = list(
            Person.objects.filter(stays__facility=facility, stays__ended_on__isnull=True,
                                  stays__admitted_on__lte=first_month).order_by("id")[:8]
        )
        if not residents:
            self.stdout.write("没有足够早入住的演示人员，跳过代管账目 / no early residents, custody skipped")
            return
        rng = random.Random(SEED)
        entries = 0
        for index, person in enumerate(residents):
            entries += self._ledger(rng, manager, person, index, first_month, today)
        sampling = custody.custody_sampling_draw(by=inspector, facility=facility, size=3, seed=SEED)
        sample = sampling.samples.order_by("position").first()
        custody.custody_sample_check(by=inspector, sample=sample, result="consistent", checked_on=today,
                                     note="抽查本人签字和收据，账实相符。")
        self.stdout.write(f"演示代管账目：{len(residents)} 人，{entries} 笔；抽查 1 次 / demo custody: "
                          f"{len(residents)} residents, {entries} entries, 1 sampling")

    def _ledger(self, rng, manager, person, index, first_month, today) -> int:
        """The entries of one resident up to today, recorded in date order (the ledger is append-only)."""
        plan = []  # (day, kind, holding, amount, fields, confirmed)
        pension = rng.choice(["1180.00", "1260.00", "1350.00"])
        for month_index in range(MONTHS_BEFORE + 1):
            month = add_months(first_month, month_index)
            plan += [
                (month, "deposit", "pocket_money", "100.00", {"description": "发放本月零用钱"}, True),
                (month.replace(day=5), "deposit", "pension", pension, {"description": "养老金到账"}, True),
                (month.replace(day=6), "deposit", "pocket_money", "200.00", {"description": "家属送来零用钱"}, True),
                (month.replace(day=12), "withdrawal", "pocket_money", f"{rng.randrange(30, 90)}.{rng.randrange(10)}0",
                 {"purpose": rng.choice(PURPOSES), "receipt_number": f"SJ{month:%Y%m}{index:02d}1"}, True),
                (month.replace(day=15), "withdrawal", "pension", f"{rng.randrange(200, 400)}.00",
                 {"purpose": "缴纳个人自付护理费", "receipt_number": f"SJ{month:%Y%m}{index:02d}2"}, True),
                (month.replace(day=20), "withdrawal", "pocket_money", f"{rng.randrange(10, 40)}.00",
                 {"purpose": rng.choice(PURPOSES), "receipt_number": f"SJ{month:%Y%m}{index:02d}3"}, True),
            ]
        plan = sorted((row for row in plan if row[0] <= today), key=lambda row: row[0])
        if index % 3 == 0:  # the latest withdrawal still waits for the resident's signature
            latest = max(i for i, row in enumerate(plan) if row[1] == "withdrawal")
            plan[latest] = (*plan[latest][:5], False)
        if index == 0:
            plan.append((first_month.replace(day=7), "deposit", "goods", "800.00",
                         {"description": "金戒指", "quantity": 1}, True))
        if index == 1:  # a mistaken deposit, its reversal, and the right one
            plan.append((add_months(first_month, 1).replace(day=8), "deposit", "pocket_money", "2000.00",
                         {"description": "家属送来零用钱", "mistake": True}, False))
        count = 0
        for day, kind, holding, amount, fields, confirmed in sorted(plan, key=lambda row: row[0]):
            mistake = fields.pop("mistake", False)
            signature = {"confirmer": "self", "confirmer_name": person.name, "confirmed_on": day} if confirmed else {}
            entry = custody.custody_entry_record(by=manager, person=person, kind=kind, holding=holding,
                                                 amount=Decimal(amount), occurred_on=day, **fields, **signature)
            count += 1
            if mistake:
                custody.custody_entry_reverse(by=manager, entry=entry, occurred_on=day,
                                              reason="金额录错：应为 200.00 元，已另行登记")
                custody.custody_entry_record(by=manager, person=person, kind="deposit", holding="pocket_money",
                                             amount=Decimal("200.00"), occurred_on=day,
                                             description="家属送来零用钱（更正后）", confirmer="self",
                                             confirmer_name=person.name, confirmed_on=day)
                count += 2
        return count

    # --- notice --------------------------------------------------------------------------------

    def _notice(self, inspector, today):
        township = Region.objects.filter(code__startswith="621002", level="township").order_by("code").first()
        if township is None:
            self.stdout.write("没有西峰区的乡镇区划，跳过公示 / no Xifeng township, notice skipped")
            return
        first_of_month = today.replace(day=1)
        start, end = add_months(first_of_month, -1), first_of_month - timedelta(days=1)
        if Notice.objects.filter(township=township, period_start=start, period_end=end).exists():
            self.stdout.write("演示公示已存在 / demo notice already present")
            return
        rng = random.Random(SEED)
        for offset, (name, born, change) in enumerate(NOTICE_PEOPLE):
            if isinstance(born, int):
                born = date(today.year - born, 6, 1)
            person = Person.objects.filter(name=name, residence_region=township).first() or self._register(
                rng, inspector, name, born, township)
            if person.statuses.filter(kind=SupportKind.HARDSHIP).exists():
                continue
            if change == "confirmed":
                services.support_status_confirm(by=inspector, person=person, kind=SupportKind.HARDSHIP,
                                                confirmed_on=start + timedelta(days=3 + 5 * offset),
                                                support_form=SupportForm.DISPERSED)
            else:
                status = services.support_status_confirm(by=inspector, person=person, kind=SupportKind.HARDSHIP,
                                                         confirmed_on=add_months(start, -6),
                                                         support_form=SupportForm.DISPERSED)
                services.support_status_terminate(by=inspector, status=status, terminated_on=start + timedelta(days=20),
                                                  reason="迁往外省随子女生活")
        posted_on = max(first_of_month, today - timedelta(days=2))
        notice = notices.notice_create(by=inspector, township=township, period_start=start, period_end=end,
                                       posted_on=posted_on, contact=f"{township.name}民政办 0934-8216000")
        entry = notice.entries.order_by("position").first()
        objection = notices.notice_objection_record(
            by=inspector, notice=notice, entry=entry, objector="同村村民（匿名）", received_on=today,
            content="反映其儿子在外地务工，有赡养能力，请核实。",
        )
        notices.notice_objection_handle(
            by=inspector, objection=objection, handled_on=today,
            result="经入户核实，其子患重病无劳动能力，无赡养能力，维持认定并向反映人说明。",
        )
        self.stdout.write(f"演示公示：{township.full_name}，{notice.entries.count()} 人，1 条异议 / demo notice with 1 objection")

    def _register(self, rng, inspector, name, born, township) -> Person:
        while True:
            sequence = rng.randrange(0, 500) * 2 + 1
            body = f"621002{born:%Y%m%d}{sequence:03d}"
            id_number = body + id_check_character(body)
            if not Person.objects.filter(id_number=id_number).exists():
                break
        return services.person_register(
            by=inspector, name=name, id_number=id_number, hukou_region=township, hukou_type="rural",
            residence_region=township, address=f"{township.name}{rng.randrange(1, 20)}组",
        )
