"""Nobody is stuck by the recusal rule (近亲属回避): when a facility's manager declared a relative on
the month's batch, another manager of the facility submits it, or a clerk of the region when there is
none; the batch page says who, and the recused manager is not invited to submit (home page, button,
API actions). A recused clerk leaves a township's batch to another clerk.

The clock stands at 2026-07-20 (Asia/Shanghai); July 2026 is generated the real way.
"""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from residents.models import Relation, SupportForm
from staffing.relatives import services as relatives
from subsidies.models import BatchStatus, ClaimBatch
from subsidies.services import batch_submit
from tests.factories import AssessmentFactory, PersonFactory, StayFactory, SupportStatusFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_standards")]

TODAY = date(2026, 7, 20)
JULY = date(2026, 7, 1)


@pytest.fixture(autouse=True)
def clock():
    moment = datetime.combine(TODAY, time(9, 0), tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=False) as traveller:
        yield traveller


def resident(facility, name):
    person = PersonFactory(name=name, residence_region_id=facility.region_id)
    SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10))
    AssessmentFactory(person=person, assessed_on=date(2026, 4, 1), computed_category="partial")
    StayFactory(person=person, facility=facility, admitted_on=date(2025, 6, 1))
    return person


def declare(user, person, relation=Relation.PARENT):
    relatives.relative_declare(
        by=user, relation=relation, relative_name=person.name, relative_id_number=person.id_number,
        declared_on=TODAY,
    )


@pytest.fixture
def recused_batch(cast, facilities, generate):
    """July's batch of facility A, with a line for the mother manager_a declared."""
    mother = resident(facilities["a"], "冯母")
    resident(facilities["a"], "陈某")
    generate(JULY)
    declare(cast["manager_a"], mother)
    return ClaimBatch.objects.get(month=JULY, facility=facilities["a"])


@pytest.fixture
def second_manager(facilities):
    return UserFactory(username="manager_a2", full_name="郭副院长", facilities=[facilities["a"]])


def detail(client, batch) -> str:
    response = client.get(reverse("subsidies:batch_detail", args=[batch.pk]))
    assert response.status_code == 200
    return response.content.decode()


def submit_button(html) -> bool:
    return "/submit/" in html and "提交审核</button>" in html


def test_another_manager_of_the_facility_submits_and_the_page_says_who(cast, recused_batch, second_manager, client):
    client.force_login(cast["manager_a"])
    html = detail(client, recused_batch)
    assert not submit_button(html)
    assert "您须回避" in html or "须回避" in html
    assert "郭副院长" in html and f"{cast['manager_a']} 因近亲属回避不提交本批次" in html
    refused = client.post(reverse("subsidies:batch_submit", args=[recused_batch.pk]), follow=True)
    assert "近亲属回避" in refused.content.decode()
    recused_batch.refresh_from_db()
    assert recused_batch.status == BatchStatus.DRAFT

    client.force_login(second_manager)
    assert submit_button(detail(client, recused_batch))
    client.post(reverse("subsidies:batch_submit", args=[recused_batch.pk]))
    recused_batch.refresh_from_db()
    assert (recused_batch.status, recused_batch.submitted_by) == (BatchStatus.SUBMITTED, second_manager)


def test_the_clerk_submits_when_the_only_manager_is_recused(cast, recused_batch, client):
    client.force_login(cast["clerk"])
    html = detail(client, recused_batch)
    assert submit_button(html)
    assert f"机构负责人（{cast['manager_a']}）因近亲属回避不能提交本批次，由救助经办人员核对明细后代为提交" in html
    client.post(reverse("subsidies:batch_submit", args=[recused_batch.pk]))
    recused_batch.refresh_from_db()
    assert (recused_batch.status, recused_batch.submitted_by) == (BatchStatus.SUBMITTED, cast["clerk"])


def test_the_clerk_still_does_not_submit_for_a_manager_who_is_free_to(cast, recused_batch, second_manager):
    with pytest.raises(PermissionDenied):
        batch_submit(by=cast["clerk"], batch=recused_batch)
    with pytest.raises(ValidationError) as exc:
        batch_submit(by=cast["manager_a"], batch=recused_batch)
    assert exc.value.code == "recused"


def test_the_page_says_who_in_english(cast, recused_batch, client):
    client.force_login(cast["clerk"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = detail(client, recused_batch)
    assert "must step aside" in html and "a subsidy clerk checks the lines and submits" in html


def test_the_recused_manager_is_not_invited_to_submit_on_the_home_page(cast, facilities, generate, client):
    month = TODAY.replace(day=1)
    mother = resident(facilities["a"], "冯母")
    generate(month)
    client.force_login(cast["manager_a"])
    assert "核对并提交" in client.get(reverse("home")).content.decode()
    declare(cast["manager_a"], mother)
    html = client.get(reverse("home")).content.decode()
    assert "核对并提交" not in html and 'data-testid="claim-recused"' in html
    assert "由本机构其他负责人或救助经办人员提交" in html


def test_the_api_offers_submit_to_whoever_may_and_the_clerk_submits(cast, recused_batch, client):
    url = f"/api/subsidies/batches/{recused_batch.pk}"
    client.force_login(cast["manager_a"])
    assert client.get(url).json()["actions"] == []
    client.force_login(cast["clerk"])
    assert client.get(url).json()["actions"] == ["submit"]
    response = client.post(f"{url}/submit")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"


def test_a_recused_clerk_leaves_a_township_batch_to_another_clerk(cast, generate, clerk2, client):
    person = PersonFactory(name="卫叔", residence_region_id="621002101")
    SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10), support_form=SupportForm.DISPERSED)
    AssessmentFactory(person=person, assessed_on=date(2026, 4, 1), computed_category="full")
    generate(JULY)
    batch = ClaimBatch.objects.get(month=JULY, township_id="621002101")
    declare(cast["clerk"], person, relation=Relation.IN_LAW)
    client.force_login(cast["clerk"])
    html = detail(client, batch)
    assert not submit_button(html) and "请交由本区划其他救助经办人员提交" in html
    client.force_login(clerk2)
    assert submit_button(detail(client, batch))
    assert batch_submit(by=clerk2, batch=batch).status == BatchStatus.SUBMITTED
