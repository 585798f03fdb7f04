"""A realistic world on top of the fixed cast, shared by the fuzzing and access-matrix modules.

Every facility of the cast (A, B in Xifeng; C in Qingcheng; Y in Yunnan) gets the same set of
records, so a test can name "the person living in Y" or "the batch of C": a resident with a support
status, a stay, an assessment and a visit, a member of staff with leave, a star rating with a
report file, an inspection with a rectified finding (evidence file) and a follow-up, an open alert,
a compliance snapshot and a draft claim batch. Xifeng also has a person at home (dispersed support)
with a township batch; Yunnan a region alert without a facility; and a person who moved from A to C
(`Moved`: the after-the-stay row of the access matrix). Names and ID numbers are unique
per facility, so a page that shows one of them shows that facility's data.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import ApiToken, Role
from accounts.tokens import api_token_create
from facilities.complaints import services as complaint_services
from facilities.inspections import services as inspection_services
from facilities.models import Alert, AlertKind, Complaint, Finding, Inspection, InspectionKind, Severity, StarRating
from facilities.ratings.services import rating_record
from residents.custody import services as custody
from residents.models import (
    AbilityAssessment,
    AbilityScale,
    CareAgreement,
    CustodyEntry,
    CustodyHolding,
    CustodyKind,
    CustodySample,
    HukouType,
    Notice,
    NoticeObjection,
    Person,
    Relation,
    RelativeDeclaration,
    SafetyIncident,
    SafetyRiskAssessment,
    SafetyRiskCatalogue,
    SelfCareAssessment,
    Stay,
    SupportForm,
    SupportStatus,
    Visit,
)
from residents.notices import services as notices
from staffing.compliance import compliance_compute
from staffing.models import Employment, Leave, RelativeReview, StaffMember
from staffing.relatives import services as relatives
from subsidies.models import ClaimBatch, GenerationRun
from tests.factories import (
    AssessmentFactory,
    PersonFactory,
    RegionFactory,
    StayFactory,
    SupportStatusFactory,
    UserFactory,
    make_id_number,
)

KEYS = ("a", "b", "c", "y")

# Where each facility's people come from: the ID number's region and the household registration.
HOME_REGION = {"a": "621002100", "b": "621002101", "c": "621021", "y": "530102"}
# The township whose public notice each place gets (C and Y lie in counties without a township in the cast).
NOTICE_TOWNSHIP = {"a": "621002100", "b": "621002101", "c": "621021100", "y": "530102001"}
SERIAL = {"a": 11, "b": 23, "c": 37, "y": 49}
PDF = b"%PDF-1.4\n% test report\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@dataclass
class Place:
    """Everything the world holds for one facility (key a, b, c or y)."""

    key: str
    facility: object
    person: Person
    status: SupportStatus
    stay: Stay
    assessment: SelfCareAssessment
    staff: StaffMember
    employment: Employment
    rating: StarRating
    inspection: Inspection
    finding: Finding
    alert: Alert
    complaint: Complaint | None = None
    declaration: RelativeDeclaration | None = None
    review: RelativeReview | None = None
    entry: CustodyEntry | None = None
    sample: CustodySample | None = None
    notice: Notice | None = None
    objection: NoticeObjection | None = None
    batch: ClaimBatch | None = None
    run: GenerationRun | None = None
    ability: AbilityAssessment | None = None
    risk: SafetyRiskAssessment | None = None
    incident: SafetyIncident | None = None

    def markers(self) -> list[str]:
        """Strings that identify this facility's data: whoever may not see it must never be shown them."""
        return [self.facility.name, self.person.name, self.person.masked_id_number, self.person.id_number,
                self.staff.name, self.staff.masked_id_number, self.staff.id_number]


@dataclass
class Moved:
    """A person who lived in A and moved to C (another county), where C recorded a stay, an assessment
    and a custody entry: the access matrix's after-the-stay row. Their household registration is in
    Qingcheng, so Xifeng's regional users, like A's manager, know them only through the stay at A."""

    person: Person
    status: SupportStatus
    old_stay: Stay
    old_assessment: SelfCareAssessment
    new_stay: Stay
    new_assessment: SelfCareAssessment
    new_entry: CustodyEntry

    OLD_ASSESSORS = "甲院离院前评估组"
    NEW_ASSESSORS = "丙院迁入后评估组"
    NEW_STAY_NOTE = "迁入丙院安置"
    NEW_ENTRY = "丙院代管零用钱"
    NEW_INCIDENT = "丙院夜间跌倒"

    def new_markers(self) -> dict[str, str]:
        """What C recorded after the person left A: A's manager must never be shown it."""
        return {marker: f"moved:{marker}" for marker in (
            self.new_stay.facility.name, self.NEW_ASSESSORS, self.NEW_STAY_NOTE, self.NEW_ENTRY, self.NEW_INCIDENT)}


def _moved_away(facilities, *, manager_a, manager_c, today) -> Moved:
    person = PersonFactory(
        name="迁出戊某", id_number=make_id_number(born=date(1947, 5, 6), serial=73, region="621021"),
        hukou_region_id="621021", hukou_type=HukouType.RURAL, phone="13900000073",
    )
    status = SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10), certificate_number="TK-moved-001")
    left_on = today - timedelta(days=120)
    old_stay = StayFactory(person=person, facility=facilities["a"], admitted_on=today - timedelta(days=400),
                           ended_on=left_on, end_reason="transferred")
    old_assessment = AssessmentFactory(person=person, facility=facilities["a"], assessed_on=today - timedelta(days=200),
                                       assessors=Moved.OLD_ASSESSORS, recorded_by=manager_a)
    new_stay = StayFactory(person=person, facility=facilities["c"], admitted_on=left_on, note=Moved.NEW_STAY_NOTE)
    new_assessment = AssessmentFactory(person=person, facility=facilities["c"], assessed_on=today - timedelta(days=60),
                                       assessors=Moved.NEW_ASSESSORS, computed_category="full", recorded_by=manager_c)
    new_entry = custody.custody_entry_record(
        by=manager_c, person=person, kind=CustodyKind.DEPOSIT, holding=CustodyHolding.POCKET_MONEY,
        amount=Decimal("150.00"), occurred_on=today - timedelta(days=10), description=Moved.NEW_ENTRY,
    )
    _safety_records(person, facilities["c"], manager_c, today, description=Moved.NEW_INCIDENT)
    return Moved(person=person, status=status, old_stay=old_stay, old_assessment=old_assessment, new_stay=new_stay,
                 new_assessment=new_assessment, new_entry=new_entry)


def _safety_records(person, facility, recorded_by, today, *, description) -> tuple:
    """A GB 38600 risk assessment and an incident of the person at the facility (written directly: some places
    have no manager in the cast)."""
    catalogue = SafetyRiskCatalogue.objects.get(region=None)
    risk = SafetyRiskAssessment.objects.create(
        person=person, facility=facility, catalogue=catalogue, assessed_on=today - timedelta(days=50),
        reason="admission", ratings={item["code"]: {"level": "low", "measures": ""} for item in catalogue.items},
        highest="low", assessor="评估人甲", due_on=today + timedelta(days=300), recorded_by=recorded_by,
    )
    moment = timezone.now() - timedelta(days=5)
    incident = SafetyIncident.objects.create(
        facility=facility, person=person, kind="fall", kind_name="跌倒", occurred_at=moment, place="卫生间",
        harm="minor", description=description, actions="扶起检查", notice_due_at=moment + timedelta(hours=24),
        recorded_by=recorded_by,
    )
    return risk, incident


@dataclass
class World:
    cast: dict
    places: dict[str, Place]
    owners: dict[str, list]  # users who may see each place (positive controls of the access matrix)
    dispersed: Person
    dispersed_status: SupportStatus
    township_batch: ClaimBatch
    yunnan_region_alert: Alert
    month: date
    moved: Moved | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, who) -> str:
        """A real API token of a cast member (by name) or any user (created once per world)."""
        user = self.cast[who] if isinstance(who, str) else who
        if user.username not in self.tokens:
            _, plain = api_token_create(user=user, name=f"security tests {user.username}")
            self.tokens[user.username] = plain
        return self.tokens[user.username]


def _place(key, facility, *, month, manager, inspector, today) -> Place:
    region = HOME_REGION[key]
    label = {"a": "甲", "b": "乙", "c": "丙", "y": "滇"}[key]
    person = PersonFactory(
        name=f"住养{label}某", id_number=make_id_number(born=date(1948, 3, 2), serial=SERIAL[key], region=region[:6]),
        hukou_region_id=region, residence_region_id=region if len(region) == 9 else None, hukou_type=HukouType.RURAL,
        phone=f"1390000{SERIAL[key]:04d}",
    )
    person.photo.save(f"person{key}.png", ContentFile(PNG), save=True)
    status = SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10), certificate_number=f"TK-{key}-001")
    stay = StayFactory(person=person, facility=facility, admitted_on=date(2025, 6, 1))
    assessment = AssessmentFactory(person=person, facility=facility, assessed_on=today - timedelta(days=90),
                                   computed_category="partial", recorded_by=manager)
    ability = AbilityAssessment.objects.create(
        person=person, facility=facility, scale=AbilityScale.objects.get(region=None), reason="initial",
        assessed_on=today - timedelta(days=60), answers={}, self_care=20, movement=10, mental=20, sensory_social=10,
        total=60, preliminary_level="moderate", level="moderate", assessor="评估员甲", second_assessor="评估员乙",
        due_on=today + timedelta(days=300), recorded_by=manager or inspector,
    )
    risk, incident = _safety_records(person, facility, manager or inspector, today, description=f"{label}夜间跌倒")
    Visit.objects.create(person=person, visited_on=today - timedelta(days=20), visitor="探访员", mode="home",
                         findings="身体状况良好", recorded_by=manager)
    staff = StaffMember.objects.create(
        name=f"护理员{label}", id_number=make_id_number(born=date(1980, 7, 9), male=False, serial=SERIAL[key] + 100,
                                                      region=region[:6]),
        phone=f"1380000{SERIAL[key]:04d}",
    )
    employment = Employment.objects.create(staff=staff, facility=facility, role="carer", started_on=date(2024, 1, 2),
                                           certificate_number=f"HL-{key}")
    Leave.objects.create(employment=employment, kind="sick", starts_on=today - timedelta(days=3), ends_on=today + timedelta(days=3))
    rating = rating_record(by=inspector, facility=facility, rated_on=today - timedelta(days=30), environment=Decimal(80),
                           equipment=Decimal(90), management=Decimal(100), service=Decimal(400),
                           evaluators="评定组", certificate_number=f"XJ-{key}")
    rating.report.save(f"rating{key}.pdf", ContentFile(PDF), save=True)
    inspection = inspection_services.inspection_record(
        by=inspector, facility=facility, inspected_on=today - timedelta(days=14), kind=InspectionKind.ROUTINE,
        inspectors="督查组", summary="例行检查",
    )
    finding = inspection_services.finding_add(by=inspector, inspection=inspection, category="消防安全", severity="minor",
                                              description="安全出口堆放杂物", deadline=today + timedelta(days=30))
    inspection_services.follow_up_record(by=inspector, inspection=inspection, visited_on=today - timedelta(days=7),
                                         visitors="督查组", notes="回访")
    if manager is not None:
        finding = inspection_services.finding_rectify(
            by=manager, finding=finding, rectification="已清理", rectified_on=today - timedelta(days=5),
            evidence=ContentFile(PDF, name="evidence.pdf"),
        )
    alert = Alert.objects.create(
        key=f"{AlertKind.STAFFING_BELOW}|f{facility.pk}|", kind=AlertKind.STAFFING_BELOW, severity=Severity.CRITICAL,
        region_id=facility.region_id, facility=facility, message="护理人员配比不足",
    )
    complaint = complaint_services.complaint_register(
        by=inspector, facility=facility, channel="letter", received_at=timezone.now() - timedelta(days=1),
        content="来信反映夜间无人值守", complainant_name=f"投诉人{label}", complainant_contact=f"1370000{SERIAL[key]:04d}",
    )
    complaint_services.complaint_take(by=inspector, complaint=complaint)
    declaration = relatives.relative_declare(  # the carer's, so no account of the cast is recused
        by=inspector, relation=Relation.CHILD, relative_name=person.name, relative_id_number=person.id_number,
        declared_on=today, employment=employment,
    )
    review = RelativeReview.objects.create(staff=staff, person=person, facility=facility, address=f"{label}村1组1号")
    entry = sample = None
    if manager is not None:
        entry = custody.custody_entry_record(
            by=manager, person=person, kind=CustodyKind.DEPOSIT, holding=CustodyHolding.POCKET_MONEY,
            amount=Decimal("200.00"), occurred_on=today - timedelta(days=10), description="零用钱",
        )
        sample = custody.custody_sampling_draw(by=inspector, facility=facility, size=1, seed=7).samples.get()
    township = RegionFactory(code=NOTICE_TOWNSHIP[key], name=f"{label}镇", parent_id=NOTICE_TOWNSHIP[key][:6])
    notice = notices.notice_create(
        by=inspector, township=township, period_start=today - timedelta(days=30), period_end=today - timedelta(days=1),
        posted_on=today, contact=f"民政办 0934-{SERIAL[key]:07d}",
    )
    objection = notices.notice_objection_record(by=inspector, notice=notice, objector="匿名", received_on=today,
                                                content=f"对{label}镇公示有异议")
    return Place(key=key, facility=facility, person=person, status=status, stay=stay, assessment=assessment,
                 staff=staff, employment=employment, rating=rating, inspection=inspection, finding=finding, alert=alert,
                 complaint=complaint, declaration=declaration, review=review, entry=entry, sample=sample,
                 notice=notice, objection=objection, ability=ability, risk=risk, incident=incident)


@pytest.fixture
def world(cast, facilities, sample_standards, generate, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # last month: a whole month to claim
    owners = {
        "a": [cast["manager_a"], cast["inspector"], cast["clerk"]],
        "b": [cast["manager_b"], cast["inspector"], cast["clerk"]],
        "c": [UserFactory(username="manager_c", facilities=[facilities["c"]]), cast["inspector_city"],
              UserFactory(username="clerk_c", role=Role.CLERK, region_code="621021")],
        "y": [UserFactory(username="manager_y", facilities=[facilities["y"]]), cast["inspector_other"],
              UserFactory(username="clerk_y", role=Role.CLERK, region_code="530000")],
    }
    places = {
        key: _place(key, facilities[key], month=month, manager=owners[key][0], inspector=owners[key][1], today=today)
        for key in KEYS
    }
    dispersed = PersonFactory(name="分散供养丁某", id_number=make_id_number(born=date(1950, 1, 8), serial=61),
                              hukou_region_id="621002101", residence_region_id="621002101")
    dispersed.photo.save("person-home.png", ContentFile(PNG), save=True)
    dispersed_status = SupportStatusFactory(person=dispersed, support_form=SupportForm.DISPERSED, confirmed_on=date(2025, 3, 10))
    AssessmentFactory(person=dispersed, assessed_on=today - timedelta(days=60), recorded_by=cast["inspector"])
    CareAgreement.objects.create(person=dispersed, caregiver_name="丁某之子", township_party="董志镇人民政府",
                                 signed_on=date(2025, 4, 1), valid_until=date(2027, 3, 31))
    yunnan_region_alert = Alert.objects.create(
        key=f"{AlertKind.VISIT_OVERDUE}|r530102|person:{places['y'].person.pk}", kind=AlertKind.VISIT_OVERDUE,
        region_id="530102", subject=f"person:{places['y'].person.pk}", subject_label=places["y"].person.name,
        message="探访逾期",
    )
    moved = _moved_away(facilities, manager_a=owners["a"][0], manager_c=owners["c"][0], today=today)
    compliance_compute(day=today)
    # One generation per county, by that county's clerk, so each run is in exactly its county's scope.
    runs = {"a": generate(month, "621002", by=owners["a"][2]), "c": generate(month, "621021", by=owners["c"][2]),
            "y": generate(month, "530102", by=owners["y"][2])}
    runs["b"] = runs["a"]
    for key, place in places.items():
        place.batch = ClaimBatch.objects.get(month=month, facility=place.facility)
        place.run = runs[key]
    township_batch = ClaimBatch.objects.get(month=month, township_id="621002101")
    assert not ApiToken.objects.exists()
    return World(cast=cast, places=places, owners=owners, dispersed=dispersed, dispersed_status=dispersed_status, township_batch=township_batch,
                 yunnan_region_alert=yunnan_region_alert, month=month, moved=moved)
