"""Irreversible actions ask first, and nobody is offered a button they would be refused (issue 15 item 10).

Approving a claim batch and recording it paid cannot be undone: each form carries the question that
names what becomes final (app.js asks it before the form is sent). The clerk who submitted a batch,
or who declared a relative on it, is not offered the approval and is told why; their home page does
not list their own submission as waiting for them. Dates are stated: July 2026, generated the real way.
"""
from datetime import date

import pytest
from django.urls import reverse

from residents.models import Relation, SupportForm
from staffing.relatives import services as relatives
from subsidies.models import BatchStatus, ClaimBatch
from subsidies.services import batch_approve, batch_submit
from tests.factories import AssessmentFactory, PersonFactory, StayFactory, SupportStatusFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_standards")]

JULY = date(2026, 7, 1)
APPROVE_BUTTON = "审核通过</button>"


@pytest.fixture
def submitted(cast, facilities, generate):
    """July's batch of facility A with one resident, submitted by its manager."""
    person = PersonFactory(name="张桂兰", residence_region_id="621002100")
    SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10))
    AssessmentFactory(person=person, assessed_on=date(2026, 4, 1), computed_category="partial")
    StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 5, 1))
    generate(JULY)
    batch = ClaimBatch.objects.get(month=JULY, facility=facilities["a"])
    return batch_submit(by=cast["manager_a"], batch=batch)


def html(client, batch):
    response = client.get(reverse("subsidies:batch_detail", args=[batch.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_approval_names_what_becomes_final_and_mark_paid_too(cast, submitted, client):
    client.force_login(cast["clerk"])
    page = html(client, submitted)
    assert APPROVE_BUTTON in page
    assert 'data-confirm="审核通过后，2026-07 本批次的金额即锁定，不能再修改、退回或撤销。确定审核通过？"' in page
    batch_approve(by=cast["clerk"], batch=submitted)
    page = html(client, submitted)
    assert 'data-testid="mark-paid-form"' in page
    assert "登记已发放后不能撤销；之后发现的变化只能作为补差计入以后的月份。确定登记？" in page


def test_the_question_is_asked_in_english_too(cast, submitted, client):
    client.force_login(cast["clerk"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "cannot be changed, returned or undone" in html(client, submitted)


def test_the_submitter_is_not_offered_the_approval_and_is_told_why(cast, regions, generate, clerk2, client):
    person = PersonFactory(name="王秀英", residence_region_id="621002101")
    SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10), support_form=SupportForm.DISPERSED)
    AssessmentFactory(person=person, assessed_on=date(2026, 4, 1), computed_category="full")
    generate(JULY)
    township = ClaimBatch.objects.get(month=JULY, township_id="621002101")
    batch_submit(by=cast["clerk"], batch=township)
    client.force_login(cast["clerk"])
    page = html(client, township)
    assert APPROVE_BUTTON not in page
    assert "提交人不能审核自己提交的批次，请由其他经办人员审核" in page
    assert "退回</button>" in page  # returning one's own submission stays possible (the service allows it)
    home = client.get("/").content.decode()
    assert reverse("subsidies:batch_detail", args=[township.pk]) not in home
    client.force_login(clerk2)
    assert APPROVE_BUTTON in html(client, township)
    assert reverse("subsidies:batch_detail", args=[township.pk]) in client.get("/").content.decode()


def test_a_clerk_with_a_declared_relative_on_the_batch_is_not_offered_the_approval(cast, submitted, clerk2, client):
    person = submitted.lines.first().person
    relatives.relative_declare(by=cast["clerk"], relation=Relation.SIBLING, relative_name=person.name,
                               relative_id_number=person.id_number, declared_on=date(2026, 7, 20))
    client.force_login(cast["clerk"])
    page = html(client, submitted)
    assert APPROVE_BUTTON not in page and "按近亲属备案制度您须回避" in page
    client.force_login(clerk2)
    assert APPROVE_BUTTON in html(client, submitted)
    submitted.refresh_from_db()
    assert submitted.status == BatchStatus.SUBMITTED
