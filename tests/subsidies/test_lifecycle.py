"""A batch's life: submit, approve or return, pay; checks; immutability; corrections of settled months."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from residents.models import StayEndReason, SupportForm
from subsidies.checks import batch_checks
from subsidies.models import BatchStatus, ClaimBatch, ClaimLine
from subsidies.services import batch_approve, batch_mark_paid, batch_return, batch_submit
from tests.factories import AssessmentFactory, PersonFactory, StayFactory, SupportStatusFactory
from tests.helpers import amounts

JULY, AUGUST = date(2026, 7, 1), date(2026, 8, 1)

pytestmark = pytest.mark.usefixtures("sample_standards")


def resident(facility, name="甲", category="partial", admitted=date(2025, 6, 1)):
    person = PersonFactory(name=name, residence_region_id="621002100")
    SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10))
    AssessmentFactory(person=person, assessed_on=date(2026, 4, 1), computed_category=category)
    stay = StayFactory(person=person, facility=facility, admitted_on=admitted)
    return person, stay


@pytest.fixture
def july_batch(cast, facilities, generate):
    resident(facilities["a"])
    generate(JULY)
    return ClaimBatch.objects.get(month=JULY, facility=facilities["a"])


def approved(batch, cast):
    batch_submit(by=cast["manager_a"], batch=batch)
    return batch_approve(by=cast["clerk"], batch=batch)


def test_manager_submits_and_a_clerk_approves(july_batch, cast):
    batch = batch_submit(by=cast["manager_a"], batch=july_batch)
    assert batch.status == BatchStatus.SUBMITTED and batch.submitted_by == cast["manager_a"]
    batch = batch_approve(by=cast["clerk"], batch=batch)
    assert batch.status == BatchStatus.APPROVED and batch.reviewed_by == cast["clerk"]
    batch = batch_mark_paid(by=cast["clerk"], batch=batch)
    assert batch.status == BatchStatus.PAID and batch.paid_at
    assert [h.history_change_reason for h in batch.history.order_by("history_date")][-3:] == ["提交审核", "审核通过", "已发放"]


def test_other_manager_cannot_submit(july_batch, cast):
    with pytest.raises(PermissionDenied):
        batch_submit(by=cast["manager_b"], batch=july_batch)


def test_inspector_cannot_approve(july_batch, cast):
    batch_submit(by=cast["manager_a"], batch=july_batch)
    with pytest.raises(PermissionDenied):
        batch_approve(by=cast["inspector"], batch=july_batch)


def test_clerk_of_another_region_cannot_approve(july_batch, cast):
    from accounts.models import Role
    from tests.factories import UserFactory

    batch_submit(by=cast["manager_a"], batch=july_batch)
    with pytest.raises(PermissionDenied):
        batch_approve(by=UserFactory(role=Role.CLERK, region_code="621021"), batch=july_batch)


def test_submitter_cannot_approve_own_township_batch(cast, facilities, generate, clerk2):
    PersonFactory(name="乙", residence_region_id="621002101")
    SupportStatusFactory(person=PersonFactory(name="丙", residence_region_id="621002101"), confirmed_on=date(2025, 1, 1),
                         support_form=SupportForm.DISPERSED)
    generate(JULY)
    batch = ClaimBatch.objects.get(township_id="621002101")
    batch_submit(by=cast["clerk"], batch=batch)
    with pytest.raises(ValidationError, match="提交人不能审核"):
        batch_approve(by=cast["clerk"], batch=batch)
    assert batch_approve(by=clerk2, batch=batch).status == BatchStatus.APPROVED


def test_return_needs_a_reason_and_allows_regeneration(july_batch, cast, generate):
    batch_submit(by=cast["manager_a"], batch=july_batch)
    with pytest.raises(ValidationError):
        batch_return(by=cast["clerk"], batch=july_batch, reason="  ")
    batch = batch_return(by=cast["clerk"], batch=july_batch, reason="请核实护理等级")
    assert batch.status == BatchStatus.RETURNED and batch.return_reason == "请核实护理等级"
    generate(JULY)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT and batch.line_count == 3


def test_acting_on_a_batch_already_handled_says_so(july_batch, cast):
    approved(july_batch, cast)
    with pytest.raises(ValidationError, match="已由他人处理") as error:
        batch_approve(by=cast["clerk"], batch=july_batch)
    assert error.value.code == "stale"
    with pytest.raises(ValidationError):
        batch_return(by=cast["clerk"], batch=july_batch, reason="晚了")


def test_approved_batches_are_never_regenerated(july_batch, cast, generate, facilities):
    approved(july_batch, cast)
    lines = list(july_batch.lines.values_list("id", "amount"))
    resident(facilities["a"], name="新来的")
    run = generate(JULY)
    assert run.units_skipped == 1
    assert list(july_batch.lines.values_list("id", "amount")) == lines


def test_database_refuses_changes_to_settled_lines(july_batch, cast):
    approved(july_batch, cast)
    line = july_batch.lines.first()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ClaimLine.objects.filter(pk=line.pk).update(amount=Decimal("1.00"))
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ClaimLine.objects.filter(pk=line.pk).delete()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ClaimLine.objects.create(batch=july_batch, person=line.person, item="care", amount=Decimal("1.00"),
                                 support_form="centralised", days=31)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ClaimBatch.objects.filter(pk=july_batch.pk).update(total=Decimal("0.00"))
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ClaimBatch.objects.filter(pk=july_batch.pk).update(status=BatchStatus.DRAFT)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM subsidies_claimbatch WHERE id = %s", [july_batch.pk])
    line.refresh_from_db()
    assert line.amount != Decimal("1.00")


def test_database_allows_paying_an_approved_batch_and_nothing_after(july_batch, cast):
    approved(july_batch, cast)
    batch_mark_paid(by=cast["clerk"], batch=july_batch)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ClaimBatch.objects.filter(pk=july_batch.pk).update(status=BatchStatus.APPROVED)


def test_draft_lines_can_still_change_in_the_database(july_batch):
    assert ClaimLine.objects.filter(batch=july_batch).update(flags=["x"]) == 3


def test_checks_flag_a_person_who_left_before_the_month(cast, facilities, generate):
    _person, stay = resident(facilities["a"])
    generate(JULY)
    batch = ClaimBatch.objects.get(facility=facilities["a"])
    stay.ended_on, stay.end_reason = date(2026, 6, 20), StayEndReason.MOVED_HOME
    stay.save()
    checks = batch_checks(batch)
    assert len(checks.gone_before_month) == 3 and checks.blocking
    with pytest.raises(ValidationError, match="须处理的问题"):
        batch_submit(by=cast["manager_a"], batch=batch)


def test_checks_flag_a_person_in_two_batches_of_a_month(cast, facilities, generate):
    person, stay = resident(facilities["a"])
    generate(JULY)
    stay.ended_on, stay.end_reason = date(2026, 6, 1), StayEndReason.TRANSFERRED
    stay.save()
    StayFactory(person=person, facility=facilities["b"], admitted_on=date(2026, 6, 1))
    generate(JULY)  # B's batch now holds the person; A's draft was regenerated too, so no duplicate
    assert not any(batch_checks(b).in_two_batches for b in ClaimBatch.objects.all())
    a = ClaimBatch.objects.get(facility=facilities["a"])
    assert a.line_count == 0
    ClaimLine.objects.create(batch=a, person=person, item="care", amount=Decimal("600.00"),
                             support_form="centralised", category="partial", days=31)
    b = ClaimBatch.objects.get(facility=facilities["b"])
    assert [line.item for line in batch_checks(b).in_two_batches] == ["care"]


def test_checks_show_changes_from_last_month(cast, facilities, generate):
    person, _stay = resident(facilities["a"])
    _leaver, leaver_stay = resident(facilities["a"], name="乙")
    generate(JULY)
    AssessmentFactory(person=person, assessed_on=date(2026, 7, 20), computed_category="full")
    leaver_stay.ended_on, leaver_stay.end_reason = date(2026, 7, 25), StayEndReason.MOVED_HOME
    leaver_stay.save()
    resident(facilities["a"], name="丙")
    generate(AUGUST)
    checks = batch_checks(ClaimBatch.objects.get(month=AUGUST, facility=facilities["a"]))
    assert {(line.person.name, line.item) for line in checks.new} == {("丙", "basic_living"), ("丙", "care"),
                                                                     ("丙", "operating")}
    assert {(line.person.name, line.item) for line in checks.category_changed} == {("甲", "care"), ("甲", "operating")}
    assert {(line.person.name, line.item) for line in checks.amount_changed} == {("甲", "care"), ("甲", "operating")}
    assert {(line.person.name, line.item) for line in checks.left} == {("乙", "basic_living"), ("乙", "care"),
                                                                      ("乙", "operating")}


def test_back_dated_discharge_becomes_adjustments_in_the_next_open_month(cast, facilities, generate, clerk2):
    person, stay = resident(facilities["a"])
    generate(JULY)
    approved(ClaimBatch.objects.get(month=JULY, facility=facilities["a"]), cast)
    stay.ended_on, stay.end_reason = date(2026, 6, 28), StayEndReason.MOVED_HOME  # recorded late
    stay.save()
    centralised = person.statuses.get()  # and the support decided the same day: dispersed from then on
    centralised.terminated_on, centralised.termination_reason = date(2026, 6, 28), "回家居住，改为分散供养"
    centralised.save()
    SupportStatusFactory(person=person, confirmed_on=date(2026, 6, 28), support_form=SupportForm.DISPERSED)
    generate(AUGUST)
    a, town = facilities["a"].name, "肖金镇"
    assert amounts(AUGUST, adjustments=True) == {
        (a, "甲", "basic_living"): Decimal("-800.00"),
        (a, "甲", "care"): Decimal("-600.00"),
        (a, "甲", "operating"): Decimal("-200.00"),
        (town, "甲", "basic_living"): Decimal("800.00"),
        (town, "甲", "care"): Decimal("400.00"),
    }
    correction = ClaimLine.objects.get(batch__month=AUGUST, batch__facility=facilities["a"], item="care")
    assert correction.adjusts_month == JULY
    assert correction.corrects == ClaimLine.objects.get(batch__month=JULY, item="care")
    assert amounts(AUGUST) == {(town, "甲", "basic_living"): Decimal("800.00"), (town, "甲", "care"): Decimal("400.00")}
    generate(AUGUST)  # regenerating gives the same corrections, not twice
    assert ClaimLine.objects.filter(batch__month=AUGUST, adjusts_month=JULY).count() == 5


def test_a_correction_already_claimed_is_not_claimed_again(cast, facilities, generate, clerk2):
    person, _stay = resident(facilities["a"])
    generate(JULY)
    approved(ClaimBatch.objects.get(month=JULY, facility=facilities["a"]), cast)
    AssessmentFactory(person=person, assessed_on=date(2026, 6, 15), computed_category="full")  # back-dated
    generate(AUGUST)
    august = ClaimBatch.objects.get(month=AUGUST, facility=facilities["a"])
    assert amounts(AUGUST, adjustments=True) == {
        (facilities["a"].name, "甲", "care"): Decimal("600.00"),
        (facilities["a"].name, "甲", "operating"): Decimal("100.00"),
    }
    approved(august, cast)
    generate(date(2026, 9, 1))
    assert amounts(date(2026, 9, 1), adjustments=True) == {}
