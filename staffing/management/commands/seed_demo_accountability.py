"""Demo complaints (投诉举报), relatives' declarations (近亲属备案) and the staffing budget
(政府购买服务经费) for the demo city; run after the other demo seeds. Safe to run again: each part is
left alone once it has data.

The story the data tells today:
- COMPLAINTS: one waits to be taken and is past its one-working-day limit (an alert), one was
  taken and is past its 15-working-day limit with a complaint inspection under way (an alert), one
  is in progress within its limits, one came in today, and one was concluded with a reply after
  the complaint inspection that found the food below standard;
- RELATIVES: the Xifeng clerk declared her father (a person at home under dispersed support, so
  she must not approve the township's claims), the manager of 西峰区中心敬老院 declared a resident
  as an in-law, a carer's grandmother is declared by the Xifeng inspector, and one declared relative
  is not registered yet; two carers share an address with a person at home: one flag is still to be
  checked, the other was checked and found unrelated;
- BUDGET: 西峰区 costs 66,000 yuan a post from next year (the city 60,000); most facilities are
  funded for next year as required, two are a post short, one has a stated amount, two are not
  recorded yet.
"""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from accounts.models import Role, User
from common.history import save_with_history
from facilities.complaints import services as complaint_services
from facilities.complaints.scans import COMPLAINT_KINDS, scan_complaints
from facilities.models import Alert, Complaint, ComplaintChannel, Facility, InspectionKind, Region, RegionPolicy
from facilities.selectors import region_policy
from residents.models import Person, Relation, RelativeDeclaration, SupportForm
from staffing.budget.selectors import funded_posts_set, staffing_budget
from staffing.models import Employment, FundedPosts, RelativeReview, ReviewDecision
from staffing.relatives import services as relatives

CITY = "621000"
XIFENG = "621002"


def _user(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"缺少演示账号 {username}，请先运行 seed_demo / run seed_demo first")
    return user


class Command(BaseCommand):
    help = "载入演示投诉举报、近亲属备案与购买服务经费 / Seed demo complaints, relatives' declarations and the staffing budget (idempotent)"

    def handle(self, *args, **options):
        today = timezone.localdate()
        facilities = {f.name: f for f in Facility.objects.filter(region__code__startswith=CITY[:4])}
        if not facilities or not Person.objects.exists() or not Employment.objects.exists():
            raise CommandError("请先运行 seed_demo、seed_demo_residents、seed_demo_staff / run the other demo seeds first")
        with transaction.atomic():
            complaints = self._complaints(facilities, today)
            declared, flagged = self._relatives(facilities, today)
            funded = self._budget(today)
        scan_complaints(today=today)
        overdue = Alert.objects.filter(kind__in=COMPLAINT_KINDS, resolved_at__isnull=True, region__code__startswith=CITY[:4]).count()
        self.stdout.write(
            f"投诉举报：新录入 {complaints} 件，逾期预警 {overdue} 条；近亲属备案：新录入 {declared} 条，住址相同线索 {flagged} 条；"
            f"{today.year + 1} 年度已安排岗位：新录入 {funded} 个机构"
        )

    # --- complaints -----------------------------------------------------------------------

    def _complaints(self, facilities, today) -> int:
        if Complaint.objects.filter(facility__region__code__startswith=CITY[:4]).exists():
            return 0
        city, xifeng = _user("inspector"), _user("inspector_xf")

        def received(days_ago: int, hour: int = 10):
            return timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(hour, 0)))

        def register(by, name, channel, days_ago, content, complainant="", contact="", hour=10):
            return complaint_services.complaint_register(
                by=by, facility=facilities[name], channel=channel,
                received_at=min(received(days_ago, hour), timezone.now()), content=content,
                complainant_name=complainant, complainant_contact=contact,
            )

        register(xifeng, "西峰区中心敬老院", ComplaintChannel.HOTLINE_12345, 4,
                 "来电反映：母亲在院内洗澡时无人看护，两周内两次滑倒，机构未告知家属。", "刘某（住养老人之子）", "13909341256")
        late = register(xifeng, "西峰区董志特困供养服务中心", ComplaintChannel.LETTER, 30,
                        "来信反映：夜班只有一名护理员，失能老人夜间呼叫常常无人应答。", "匿名", "")
        complaint_services.complaint_take(by=xifeng, complaint=late)
        complaint_services.complaint_start_inspection(
            by=xifeng, complaint=late, inspected_on=today - timedelta(days=26), inspectors="李秀兰、王建国",
            summary="夜间到院核查值班排班和呼叫记录。",
        )
        going = register(city, "环县洪德敬老院", ComplaintChannel.ONLINE, 3,
                         "网上投诉：冬季取暖不足，居室温度偏低。", "马某", "0934-6623318")
        complaint_services.complaint_take(by=city, complaint=going)
        register(city, "庆城县驿马颐养中心", ComplaintChannel.HOTLINE_12349, 0,
                 "来电咨询并投诉：入住收费项目与合同约定不一致。", "张某", "15193446620", hour=8)
        done = register(city, "宁县早胜敬老院", ComplaintChannel.VISIT, 70,
                        "来访反映：伙食标准偏低，每周食谱未按公示执行。", "杨某（住养老人家属）", "13893427715")
        complaint_services.complaint_take(by=city, complaint=done)
        inspection = done.facility.inspections.filter(kind=InspectionKind.COMPLAINT).order_by("inspected_on").first()
        if inspection is not None and inspection.inspected_on >= timezone.localdate(done.received_at):
            complaint_services.complaint_link_inspection(by=city, complaint=done, inspection=inspection)
        complaint_services.complaint_conclude(
            by=city, complaint=done, concluded_on=today - timedelta(days=50),
            reply="经现场核查属实，已责令机构按公示食谱执行并每周公示，已电话答复投诉人，投诉人表示满意。",
        )
        return 5

    # --- relatives ------------------------------------------------------------------------

    def _relatives(self, facilities, today) -> tuple[int, int]:
        if RelativeDeclaration.objects.filter(region__code__startswith=CITY[:4]).exists():
            return 0, 0
        clerk_xf, inspector_xf = _user("clerk_xf"), _user("inspector_xf")
        manager = User.objects.filter(role=Role.MANAGER, is_active=True, facility_assignments__facility__name="西峰区中心敬老院").first()
        at_home = list(
            Person.objects.filter(
                statuses__support_form=SupportForm.DISPERSED, statuses__terminated_on__isnull=True,
                residence_region__code__startswith=XIFENG,
            ).exclude(address="").order_by("id")[:3]
        )
        home_care = facilities["西峰区中心敬老院"]
        in_care = list(Person.objects.filter(stays__facility=home_care, stays__ended_on__isnull=True).order_by("id")[:2])
        if len(at_home) < 3 or len(in_care) < 2 or manager is None:
            raise CommandError("演示人员不足，请先运行 seed_demo_residents / run seed_demo_residents first")

        def declare(by, person=None, *, relation, name="", id_number="", employment=None):
            return relatives.relative_declare(
                by=by, relation=relation, relative_name=name or person.name,
                relative_id_number=id_number or person.id_number, declared_on=today - timedelta(days=120),
                employment=employment,
            )

        declare(clerk_xf, at_home[0], relation=Relation.PARENT)
        declare(manager, in_care[0], relation=Relation.IN_LAW)
        carer = Employment.objects.filter(facility=home_care, role="carer", ended_on__isnull=True).select_related("staff").order_by("id")
        declare(inspector_xf, in_care[1], relation=Relation.GRANDPARENT, employment=carer[0])
        declare(inspector_xf, relation=Relation.SIBLING, name="李秀英", id_number="621002197003120026")
        # Two carers live at the same address as a person at home: a reason to check, not a finding.
        for employment, person in zip(carer[1:3], at_home[1:3]):
            employment.staff.address = person.address
            save_with_history(employment.staff, by=inspector_xf, reason="演示：登记家庭住址", update_fields=["address"])
        flagged = relatives.relative_review_scan(today=today)
        first = RelativeReview.objects.filter(decision=ReviewDecision.PENDING).order_by("id").first()
        if first is not None:
            relatives.relative_review_decide(
                by=inspector_xf, review=first, decision=ReviewDecision.NOT_RELATED,
                note="入户核实：同村同组不同户，户籍和亲属关系均无关联",
            )
        return 4, flagged

    # --- budget ---------------------------------------------------------------------------

    def _budget(self, today) -> int:
        year = today.year + 1
        if FundedPosts.objects.filter(year=year, facility__region__code__startswith=CITY[:4]).exists():
            return 0
        clerk = _user("clerk")
        start = date(year, 1, 1)
        if not RegionPolicy.objects.filter(region_id=XIFENG, effective_from=start).exists():
            current = region_policy(region_code=XIFENG, on=start)
            values = model_to_dict(current, exclude=["id", "region", "effective_from", "note", "annual_cost_per_post"])
            policy = RegionPolicy(
                region=Region.objects.get(code=XIFENG), effective_from=start, annual_cost_per_post=Decimal("66000.00"),
                note="演示：西峰区购买服务岗位经费标准调整", **values,
            )
            save_with_history(policy, by=clerk, reason="演示：新年度每岗经费")
        budget = staffing_budget(user=clerk, year=year, today=today)
        recorded = 0
        for index, row in enumerate(budget.facilities):
            if index % 7 == 5:
                continue  # not recorded yet
            posts = max(0, row.line.required_posts - (1 if index % 7 in (1, 3) else 0))
            amount = Decimal(posts) * row.cost_per_post - Decimal("5000.00") if index % 7 == 4 and posts else None
            funded_posts_set(by=clerk, facility=row.facility, year=year, posts=posts, amount=amount,
                             note=f"庆财社〔{today.year}〕{40 + index}号")
            recorded += 1
        return recorded
