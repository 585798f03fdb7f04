"""A demo city (庆阳市) with facilities of every type and one user per role. Safe to run again."""
import csv
from datetime import date
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Role, User
from facilities.models import Facility, FacilityAssignment, Operator, Region
from facilities.rules import credit_code_check_character
from facilities.services import facility_create

DATA = Path(__file__).resolve().parent.parent.parent / "data"
DEMO_PASSWORD = "Minzheng@2026"

DEMO_USERS = [
    # username, full name, role, region, facilities managed (by name)
    ("admin", "系统管理员", Role.ADMIN, "", []),
    ("inspector", "王建国", Role.INSPECTOR, "621000", []),
    ("inspector_xf", "李秀兰", Role.INSPECTOR, "621002", []),
    ("clerk", "张丽", Role.CLERK, "621000", []),
    ("clerk_xf", "赵明", Role.CLERK, "621002", []),
    ("manager", "刘志强", Role.MANAGER, "", ["西峰区中心敬老院", "西峰区董志特困供养服务中心"]),
    ("manager_cw", "吴丽萍", Role.MANAGER, "", ["庆阳市儿童福利院"]),
]


def demo_credit_code(row_number: int, region_code: str, operator: str) -> str:
    """A valid-looking 统一社会信用代码: 12 = public institution, 52 = private non-enterprise unit."""
    prefix = "12" if operator != Operator.PRIVATE else "52"
    body = f"{prefix}{region_code[:6]}MB{row_number:07d}"[:17]
    return body + credit_code_check_character(body)


class Command(BaseCommand):
    help = "载入演示数据 / Seed the demo city, facilities and users (idempotent)"

    @transaction.atomic
    def handle(self, *args, **options):
        if not Region.objects.filter(code="621002001").exists():
            call_command("load_regions", stdout=self.stdout)
        call_command("load_working_days", stdout=self.stdout)
        users = self._users()
        admin = users["admin"]
        facilities = self._facilities(admin)
        for username, _name, _role, _region, managed in DEMO_USERS:
            for facility_name in managed:
                FacilityAssignment.objects.get_or_create(user=users[username], facility=facilities[facility_name])
        self.stdout.write(f"\n演示账号 / demo accounts (password 密码: {DEMO_PASSWORD})")
        for username, full_name, role, region, managed in DEMO_USERS:
            scope = region or "、".join(managed) or "用户、分配与规则参数，不含个人信息 / users, assignments, rules; no personal data"
            self.stdout.write(f"  {username:<14} {full_name}  {Role(role).label}  {scope}")

    def _users(self) -> dict[str, User]:
        users = {}
        for username, full_name, role, region, _managed in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                # example.org addresses: the daily digest and alert mail show in `make run`'s console
                user = User(username=username, full_name=full_name, role=role, region_code=region,
                            email=f"{username}@example.org")
                user.set_password(DEMO_PASSWORD)
                user.save()
            users[username] = user
        return users

    def _facilities(self, admin) -> dict[str, Facility]:
        facilities = {}
        with (DATA / "demo_facilities.csv").open(encoding="utf-8") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=1):
                existing = Facility.objects.filter(region_id=row["region"], name=row["name"]).first()
                if existing is None:
                    existing = facility_create(
                        by=admin,
                        name=row["name"],
                        kind=row["kind"],
                        operator=row["operator"],
                        region=Region.objects.get(code=row["region"]),
                        address=row["address"],
                        bed_capacity=int(row["beds"]),
                        status=row["status"],
                        opened_on=date.fromisoformat(row["opened_on"]),
                        contact_person=row["contact_person"],
                        contact_phone=row["contact_phone"],
                        licence_number=row["licence"],
                        credit_code=demo_credit_code(number, row["region"], row["operator"]),
                    )
                facilities[row["name"]] = existing
        return facilities
