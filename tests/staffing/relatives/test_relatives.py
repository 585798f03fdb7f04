"""Relatives' registration (近亲属备案) and recusal: declaring (one's own relatives and a staff member's),
recusal enforced in the services that confirm, terminate, assess, submit and approve, with a message
naming the rule; the register listing every declared case; possible undeclared relatives flagged
for review by address and never decided by the system; scoping; the API and the query counts.

The clock stands at 2026-07-20 (Asia/Shanghai); claims are generated for July 2026.
"""
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from residents import services as resident_services
from residents.models import Relation, RelativeDeclaration, SupportForm, SupportKind
from residents.recusal import ensure_not_related
from staffing.models import RelativeReview, ReviewDecision
from staffing.relatives import services
from subsidies.models import ClaimBatch
from subsidies.services import batch_approve, batch_submit
from tests.factories import (
    AssessmentFactory,
    EmploymentFactory,
    PersonFactory,
    StaffFactory,
    StayFactory,
    SupportStatusFactory,
    make_id_number,
)
from tests.helpers import count_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_standards")]

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 7, 20)
JULY = date(2026, 7, 1)
ADDRESS = "甘肃省庆阳市西峰区董志镇塬畔村3组12号"
UNABLE = {f"{key}_unable": False for key in ("eating", "dressing", "transfer", "toileting", "walking", "bathing")}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.combine(TODAY, time(9, 0), tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


def resident(facility, *, name, address=""):
    person = PersonFactory(name=name, residence_region_id="621002100", address=address)
    SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10))
    AssessmentFactory(person=person, assessed_on=date(2026, 4, 1), computed_category="partial")
    StayFactory(person=person, facility=facility, admitted_on=date(2025, 6, 1))
    return person


def at_home(*, name, address="", kind=SupportKind.HARDSHIP):
    person = PersonFactory(name=name, hukou_region_id="621002", residence_region_id="621002101", address=address)
    SupportStatusFactory(person=person, kind=kind, support_form=SupportForm.DISPERSED if kind == SupportKind.HARDSHIP else "",
                         confirmed_on=date(2025, 3, 10))
    return person


def declare(by, person=None, *, relation=Relation.PARENT, id_number=None, name=None, employment=None):
    return services.relative_declare(
        by=by, relation=relation, relative_name=name or person.name, relative_id_number=id_number or person.id_number,
        declared_on=TODAY, employment=employment,
    )


def recused(exc: ValidationError) -> str:
    assert exc.code == "recused"
    text = " ".join(exc.messages)
    assert "近亲属备案" in text and "回避" in text
    return text


# --- declaring ------------------------------------------------------------------------------


def test_a_case_officer_declares_a_relative_who_is_not_registered_yet(cast):
    number = make_id_number(born=date(1948, 2, 2), serial=401)
    declaration = declare(cast["clerk"], id_number=number.lower() if number[-1] == "X" else number, name="张老汉")
    assert declaration.declarant_user == cast["clerk"] and declaration.region_id == "621002"
    assert declaration.relative_id_number == number and declaration.facility is None
    assert declaration.history.get().history_change_reason == "近亲属备案"


def test_a_manager_declares_under_their_facility_and_records_a_staff_members_declaration(cast, facilities):
    person = resident(facilities["a"], name="赵桂兰")
    own = declare(cast["manager_a"], person)
    assert (own.region_id, own.facility) == (facilities["a"].region_id, facilities["a"])
    employment = EmploymentFactory(facility=facilities["a"])
    staff = declare(cast["manager_a"], person, relation=Relation.CHILD, employment=employment)
    assert staff.declarant_user is None and staff.declarant_id_number == employment.staff.id_number
    assert staff.declarant_name == employment.staff.name and staff.recorded_by == cast["manager_a"]


@pytest.mark.parametrize("who", ["manager_b", "clerk", "inspector_other"])
def test_only_the_facilitys_manager_or_the_regions_inspector_record_a_staff_declaration(cast, facilities, who):
    employment = EmploymentFactory(facility=facilities["a"])
    with pytest.raises(PermissionDenied):
        declare(cast[who], id_number=make_id_number(born=date(1950, 1, 1), serial=5), name="某", employment=employment)


def test_administrators_do_not_declare(cast):
    with pytest.raises(PermissionDenied):
        declare(cast["admin"], id_number=make_id_number(born=date(1950, 1, 1), serial=5), name="某")


def test_a_declaration_needs_a_valid_id_number_a_relation_and_no_duplicate(cast, facilities):
    person = resident(facilities["a"], name="钱某")
    with pytest.raises(ValidationError) as exc:
        declare(cast["clerk"], id_number="621002195013010001", name="某")
    assert set(exc.value.message_dict) == {"relative_id_number"}
    with pytest.raises(ValidationError) as exc:
        declare(cast["clerk"], person, relation="cousin")
    assert set(exc.value.message_dict) == {"relation"}
    declare(cast["clerk"], person)
    with pytest.raises(ValidationError, match="已备案"):
        declare(cast["clerk"], person, relation=Relation.SIBLING)


def test_a_declaration_is_ended_by_an_inspector_never_by_the_declarant(cast, facilities):
    person = resident(facilities["a"], name="孙某")
    declaration = declare(cast["inspector"], person)
    with pytest.raises(PermissionDenied):
        services.relative_declaration_end(by=cast["inspector"], declaration=declaration, ended_on=TODAY, reason="离婚")
    with pytest.raises(PermissionDenied):
        services.relative_declaration_end(by=cast["clerk"], declaration=declaration, ended_on=TODAY, reason="离婚")
    ended = services.relative_declaration_end(by=cast["inspector_city"], declaration=declaration, ended_on=TODAY, reason="申报有误")
    assert ended.ended_on == TODAY
    ensure_not_related(user=cast["inspector"], person_ids=[person.pk], action="测试")  # no longer recused


# --- recusal in the services ------------------------------------------------------------------


def test_a_recused_manager_cannot_assess_their_relative(cast, facilities):
    person = resident(facilities["a"], name="周母")
    other = resident(facilities["a"], name="吴某")
    declare(cast["manager_a"], person, relation=Relation.PARENT)
    with pytest.raises(ValidationError) as exc:
        resident_services.assessment_record(
            by=cast["manager_a"], person=person, assessed_on=TODAY, unable=UNABLE, assessors="周某", reason="periodic",
        )
    text = recused(exc.value)
    assert "周母（父母）" in text and "生活自理能力评估" in text
    assert not person.assessments.filter(assessed_on=TODAY).exists()
    # Anyone else in the facility is assessed as usual.
    assert resident_services.assessment_record(
        by=cast["manager_a"], person=other, assessed_on=TODAY, unable=UNABLE, assessors="周某", reason="periodic",
    ).pk


def test_a_recused_inspector_cannot_confirm_or_terminate_their_relatives_support(cast):
    person = PersonFactory(name="郑父", born=date(1950, 3, 3), hukou_region_id="621002", residence_region_id="621002101")
    declare(cast["inspector"], person, relation=Relation.PARENT)
    with pytest.raises(ValidationError) as exc:
        resident_services.support_status_confirm(
            by=cast["inspector"], person=person, kind=SupportKind.HARDSHIP, confirmed_on=TODAY,
            support_form=SupportForm.DISPERSED,
        )
    assert "认定" in recused(exc.value)
    status = resident_services.support_status_confirm(  # a colleague handles it
        by=cast["inspector_city"], person=person, kind=SupportKind.HARDSHIP, confirmed_on=TODAY,
        support_form=SupportForm.DISPERSED,
    )
    with pytest.raises(ValidationError) as exc:
        resident_services.support_status_terminate(by=cast["inspector"], status=status, terminated_on=TODAY, reason="死亡")
    assert "终止" in recused(exc.value)
    status.refresh_from_db()
    assert status.terminated_on is None


def test_a_declaration_made_before_registration_applies_once_the_person_is_registered(cast):
    number = make_id_number(born=date(1949, 9, 9), serial=77, region="621002")
    declare(cast["inspector"], id_number=number, name="王外婆", relation=Relation.GRANDPARENT)
    person = PersonFactory(name="王外婆", id_number=number, hukou_region_id="621002", residence_region_id="621002101")
    with pytest.raises(ValidationError) as exc:
        resident_services.support_status_confirm(
            by=cast["inspector"], person=person, kind=SupportKind.HARDSHIP, confirmed_on=TODAY, support_form=SupportForm.DISPERSED,
        )
    assert "王外婆（祖父母、外祖父母）" in recused(exc.value)


def test_a_recused_manager_cannot_submit_a_batch_with_their_relatives_line(cast, facilities, generate):
    person = resident(facilities["a"], name="冯母")
    resident(facilities["a"], name="陈某")
    generate(JULY)
    batch = ClaimBatch.objects.get(month=JULY, facility=facilities["a"])
    declare(cast["manager_a"], person, relation=Relation.PARENT)
    with pytest.raises(ValidationError) as exc:
        batch_submit(by=cast["manager_a"], batch=batch)
    assert "提交" in recused(exc.value) and "冯母" in exc.value.messages[0]
    batch.refresh_from_db()
    assert batch.status == "draft"


def test_a_recused_clerk_cannot_approve_a_batch_with_their_relatives_line(cast, facilities, generate, clerk2):
    person = resident(facilities["a"], name="褚兄")
    generate(JULY)
    batch = ClaimBatch.objects.get(month=JULY, facility=facilities["a"])
    batch_submit(by=cast["manager_a"], batch=batch)
    declare(clerk2, person, relation=Relation.SIBLING)
    with pytest.raises(ValidationError) as exc:
        batch_approve(by=clerk2, batch=batch)
    assert "审核" in recused(exc.value) and "褚兄（兄弟姐妹）" in exc.value.messages[0]
    assert batch_approve(by=cast["clerk"], batch=batch).status == "approved"


def test_a_recused_clerk_cannot_submit_a_township_batch_with_their_relatives_line(cast, generate):
    person = at_home(name="卫叔")
    AssessmentFactory(person=person, assessed_on=date(2026, 4, 1))
    generate(JULY)
    batch = ClaimBatch.objects.get(month=JULY, township_id="621002101")
    declare(cast["clerk"], person, relation=Relation.IN_LAW)
    with pytest.raises(ValidationError) as exc:
        batch_submit(by=cast["clerk"], batch=batch)
    recused(exc.value)


def test_the_api_returns_the_recusal_message(cast, facilities, login):
    person = resident(facilities["a"], name="蒋母")
    declare(cast["manager_a"], person)
    response = login(cast["manager_a"]).post(f"/api/people/{person.pk}/assessments", {
        "assessed_on": "2026-07-20", "assessors": "蒋某", "reason": "periodic",
        **UNABLE,
    }, content_type="application/json")
    body = response.json()
    assert response.status_code == 422, body
    assert "近亲属回避" in body["errors"][0]["message"] and "蒋母" in body["errors"][0]["message"]


def test_the_assessment_page_shows_the_recusal_message(cast, facilities, login):
    person = resident(facilities["a"], name="沈母")
    declare(cast["manager_a"], person)
    response = login(cast["manager_a"]).post(f"/people/{person.pk}/assess/", {
        "assessed_on": "2026-07-20", "assessors": "沈某", "reason": "periodic",
    })
    assert response.status_code in (200, 422)
    assert "近亲属回避" in response.content.decode()


# --- the register ---------------------------------------------------------------------------


@pytest.fixture
def declared(cast, facilities, generate):
    """Four declarations: a resident of A with claims, a person at home, someone not registered, and a
    staff member's declaration naming the same resident."""
    in_care = resident(facilities["a"], name="韩母")
    home = at_home(name="杨父")
    AssessmentFactory(person=home, assessed_on=date(2026, 4, 1))
    generate(JULY)
    employment = EmploymentFactory(facility=facilities["a"])
    return {
        "in_care": declare(cast["manager_a"], in_care),
        "home": declare(cast["inspector"], home),
        "unregistered": declare(cast["clerk"], id_number=make_id_number(born=date(1940, 1, 1), serial=9), name="朱奶奶",
                                relation=Relation.GRANDPARENT),
        "staff": declare(cast["manager_a"], in_care, relation=Relation.CHILD, employment=employment),
        "people": {"in_care": in_care, "home": home},
    }


def test_the_register_lists_every_declared_case_with_statuses_stays_and_claims(cast, declared, login):
    body = login(cast["inspector"]).get("/api/relatives").json()
    assert body["count"] == 4
    entries = {item["declaration"]["id"]: item for item in body["items"]}
    in_care = entries[declared["in_care"].pk]
    assert in_care["person_id"] == declared["people"]["in_care"].pk
    assert [s["kind"] for s in in_care["statuses"]] == ["hardship"]
    assert in_care["stays"][0]["facility_name"] == "西峰区中心敬老院"
    assert in_care["claims"]["lines"] > 0 and Decimal(in_care["claims"]["total"]) > 0
    assert in_care["claims"]["first_month"] == in_care["claims"]["last_month"] == "2026-07-01"
    assert entries[declared["staff"].pk]["declaration"]["declarant_is_staff"] is True
    home = entries[declared["home"].pk]
    assert home["statuses"][0]["support_form"] == "dispersed" and home["stays"] == [] and home["claims"]["lines"] > 0
    unregistered = entries[declared["unregistered"].pk]
    assert unregistered["person_id"] is None and unregistered["statuses"] == []
    assert "*" in unregistered["declaration"]["relative_id_number"]  # masked


def test_the_register_page_shows_every_case(cast, declared, login):
    page = login(cast["inspector"]).get("/staffing/relatives/").content.decode()
    for name in ("韩母", "杨父", "朱奶奶"):
        assert name in page
    assert "西峰区中心敬老院" in page and "辖区内未登记" in page
    assert declared["people"]["in_care"].id_number not in page  # ID numbers masked


@pytest.mark.parametrize("who, expected", [
    ("manager_a", {"in_care", "staff"}),       # their own and their facility's staff
    ("manager_b", set()),
    ("clerk", {"in_care", "home", "unregistered", "staff"}),
    ("inspector_other", set()),
    ("admin", set()),
])
def test_the_register_is_scoped(cast, declared, login, who, expected):
    ids = {item["declaration"]["id"] for item in login(cast[who]).get("/api/relatives").json()["items"]}
    assert ids == {declared[key].pk for key in expected}


def test_a_relative_registered_outside_the_readers_scope_reads_like_one_nobody_registered(cast, facilities, login):
    elsewhere = PersonFactory(name="庆城某", hukou_region_id="621021")
    StayFactory(person=elsewhere, facility=facilities["c"], admitted_on=date(2025, 6, 1))
    declaration = declare(cast["clerk"], elsewhere, relation=Relation.SIBLING)
    nobody = RelativeDeclaration.objects.create(
        declarant_user=cast["clerk"], declarant_name="clerk", region_id="621002", relation=Relation.SIBLING,
        relative_name="庆城某", relative_id_number=make_id_number(born=elsewhere.birth_date, serial=499, region="621021"),
        declared_on=declaration.declared_on, recorded_by=cast["clerk"],
    )
    client = login(cast["inspector"])
    entries = {item["declaration"]["id"]: item for item in client.get("/api/relatives").json()["items"]}
    assert set(entries) == {declaration.pk, nobody.pk}
    for item in entries.values():
        assert "registered_elsewhere" not in item
        assert (item["person_id"], item["statuses"], item["stays"], item["claims"]["lines"]) == (None, [], [], 0)
    rows = [line for line in client.get("/staffing/relatives/").content.decode().splitlines() if "庆城某" in line]
    masks = (declaration.masked_relative_id_number, nobody.masked_relative_id_number)
    assert len(rows) == 2 and len({row.replace(masks[0], "#").replace(masks[1], "#") for row in rows}) == 1
    assert "已在辖区外登记" not in client.get("/staffing/relatives/").content.decode()
    items = login(cast["inspector_city"]).get("/api/relatives").json()["items"]
    [entry] = [item for item in items if item["declaration"]["id"] == declaration.pk]
    assert entry["person_id"] == elsewhere.pk and entry["stays"][0]["facility_name"] == facilities["c"].name


@pytest.mark.parametrize("url, pinned", [("/staffing/relatives/", 9), ("/api/relatives", 8)])
def test_register_query_counts_do_not_grow_with_declarations(cast, facilities, declared, login, url, pinned):
    client = login(cast["inspector"])
    few = count_queries(client, url)
    for n in range(8):
        person = resident(facilities["b"], name=f"亲属{n}")
        declare(cast["clerk"], person, relation=Relation.SIBLING)
    # session, user; count; the page of declarations with region, facility and declarant; which
    # numbers are registered; the relatives in scope with their statuses and stays (3); their claim
    # totals; the page also counts pending reviews.
    assert count_queries(client, url) == few == pinned


# --- possible undeclared relatives --------------------------------------------------------------


@pytest.fixture
def neighbours(facilities):
    staff = StaffFactory(name="许护理员", address=ADDRESS)
    EmploymentFactory(staff=staff, facility=facilities["a"])
    return {
        "staff": staff,
        "match": at_home(name="许父", address="甘肃省庆阳市西峰区董志镇塬畔村３组 12号"),  # full-width digit, a space
        "self_paying": at_home(name="许姑", address=ADDRESS, kind=SupportKind.SELF_PAYING),
        "elsewhere": at_home(name="路人", address="甘肃省庆阳市西峰区董志镇塬畔村3组13号"),
    }


def test_the_address_scan_only_flags_and_never_decides(cast, neighbours):
    assert services.relative_review_scan(today=TODAY) == 1
    review = RelativeReview.objects.get()
    assert (review.staff, review.person, review.decision) == (neighbours["staff"], neighbours["match"], ReviewDecision.PENDING)
    assert review.decided_by is None and not RelativeDeclaration.objects.exists()
    assert services.relative_review_scan(today=TODAY) == 0  # already flagged
    # Nobody is recused on a flag alone.
    ensure_not_related(user=cast["inspector"], person_ids=[neighbours["match"].pk], action="测试")


def test_declared_pairs_and_staff_no_longer_employed_are_not_flagged(cast, facilities, neighbours):
    declare(cast["manager_a"], neighbours["match"], employment=neighbours["staff"].employments.get())
    gone = StaffFactory(name="离职者", address=ADDRESS)
    EmploymentFactory(staff=gone, facility=facilities["a"], started_on=date(2020, 1, 1), ended_on=date(2025, 1, 1))
    assert services.relative_review_scan(today=TODAY) == 0


def test_an_inspector_decides_not_related_with_a_note(cast, neighbours):
    services.relative_review_scan(today=TODAY)
    review = RelativeReview.objects.get()
    with pytest.raises(ValidationError) as exc:
        services.relative_review_decide(by=cast["inspector"], review=review, decision=ReviewDecision.NOT_RELATED)
    assert set(exc.value.message_dict) == {"note"}
    decided = services.relative_review_decide(
        by=cast["inspector"], review=review, decision=ReviewDecision.NOT_RELATED, note="同村不同户，户籍已核",
    )
    assert decided.decided_by == cast["inspector"] and not RelativeDeclaration.objects.exists()
    with pytest.raises(ValidationError) as exc:
        services.relative_review_decide(by=cast["inspector"], review=review, decision=ReviewDecision.DECLARED, relation="parent")
    assert exc.value.code == "stale"
    assert services.relative_review_scan(today=TODAY) == 0  # a decided pair is not flagged again


def test_declared_now_records_the_staff_members_declaration(cast, neighbours):
    services.relative_review_scan(today=TODAY)
    review = services.relative_review_decide(
        by=cast["inspector"], review=RelativeReview.objects.get(), decision=ReviewDecision.DECLARED, relation=Relation.PARENT,
    )
    declaration = review.declaration
    assert declaration.declarant_id_number == neighbours["staff"].id_number
    assert declaration.relative_id_number == neighbours["match"].id_number and declaration.relation == Relation.PARENT


@pytest.mark.parametrize("who", ["manager_a", "clerk", "inspector_other"])
def test_only_the_regions_inspectors_decide(cast, neighbours, who):
    services.relative_review_scan(today=TODAY)
    with pytest.raises(PermissionDenied):
        services.relative_review_decide(
            by=cast[who], review=RelativeReview.objects.get(), decision=ReviewDecision.NOT_RELATED, note="x",
        )


def test_the_review_pages_and_api(cast, neighbours, login, django_capture_on_commit_callbacks):
    client = login(cast["inspector"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/staffing/relatives/reviews/scan/").status_code == 302
    review = RelativeReview.objects.get()
    page = client.get("/staffing/relatives/reviews/").content.decode()
    assert "许护理员" in page and "许父" in page
    assert "救助对象是该工作人员的…（补报时选）" in page  # whose relation it is, so "parent" is not read backwards
    assert login(cast["clerk"]).get("/staffing/relatives/reviews/").status_code == 403
    assert login(cast["manager_a"]).get("/api/relatives/reviews").json()["count"] == 0
    body = login(cast["inspector"]).get("/api/relatives/reviews?decision=pending").json()
    assert [item["id"] for item in body["items"]] == [review.pk]
    response = client.post(f"/api/relatives/reviews/{review.pk}/decide", {"decision": "declared", "relation": "parent"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["decision"] == "declared"


def test_the_nightly_address_scan_is_in_the_beat_schedule():
    assert "staffing.tasks.relative_review_scan" in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


# --- pages ------------------------------------------------------------------------------------


def test_a_case_officer_declares_on_the_page(cast, facilities, login):
    person = resident(facilities["a"], name="秦母")
    client = login(cast["clerk"])
    response = client.post("/staffing/relatives/new/", {
        "relation": "parent", "relative_name": "秦母", "relative_id_number": person.id_number, "declared_on": "2026-07-20",
    })
    assert response.status_code == 302
    assert RelativeDeclaration.objects.get().declarant_user == cast["clerk"]


def test_a_manager_declares_for_a_staff_member_from_the_staff_list(cast, facilities, login):
    employment = EmploymentFactory(facility=facilities["a"])
    client = login(cast["manager_a"])
    assert f"/staffing/employments/{employment.pk}/relatives/new/" in client.get(
        f"/staffing/facilities/{facilities['a'].pk}/staff/").content.decode()
    response = client.post(f"/staffing/employments/{employment.pk}/relatives/new/", {
        "relation": "spouse", "relative_name": "某", "relative_id_number": make_id_number(born=date(1960, 1, 1), serial=3),
        "declared_on": "2026-07-20",
    })
    assert response.status_code == 302
    assert RelativeDeclaration.objects.get().declarant_id_number == employment.staff.id_number
    assert login(cast["manager_b"]).get(f"/staffing/employments/{employment.pk}/relatives/new/").status_code == 404
