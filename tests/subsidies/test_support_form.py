"""Pricing follows the support decision (DESIGN §5): someone whose 特困 support is centralised and who
leaves care is not paid as dispersed support until a dispersed-support decision exists. Their lines
stop, and the check before submission lists them on the batch of the facility they left (the page
and the API), in Chinese and English.

The people are handled through the services, as a manager and an inspector would.
"""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from facilities.models import Proration, RegionPolicy
from residents import services
from residents.models import StayEndReason, SupportForm, SupportKind
from subsidies.models import ClaimBatch, ClaimLine
from tests.factories import AssessmentFactory, PersonFactory, StayFactory, SupportStatusFactory
from tests.helpers import amounts, count_queries

pytestmark = pytest.mark.usefixtures("sample_standards")

JULY = date(2026, 7, 1)
TOWN = "621002100"


@pytest.fixture(autouse=True)
def mid_july(time_machine):
    time_machine.move_to("2026-07-25 09:00 +0800", tick=False)


def in_care(name, facility, *, category="partial"):
    """特困, centralised, in `facility` since 2025, assessed this spring."""
    person = PersonFactory(name=name, residence_region_id=TOWN)
    SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10), support_form=SupportForm.CENTRALISED)
    AssessmentFactory(person=person, assessed_on=date(2026, 4, 1), computed_category=category)
    StayFactory(person=person, facility=facility, admitted_on=date(2025, 5, 1))
    return person


def at_home(name, town=TOWN):
    person = PersonFactory(name=name, residence_region_id=town)
    SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10), support_form=SupportForm.DISPERSED)
    AssessmentFactory(person=person, assessed_on=date(2026, 4, 1), computed_category="full")
    return person


def goes_home(cast, person, on):
    services.stay_discharge(by=cast["manager_a"], stay=person.stays.get(ended_on__isnull=True), ended_on=on,
                            reason=StayEndReason.MOVED_HOME)


def decided_dispersed(cast, person, on):
    """The county's inspector ends the centralised support and decides dispersed support that day."""
    status = person.statuses.get(terminated_on__isnull=True)
    services.support_status_terminate(by=cast["inspector"], status=status, terminated_on=on, reason="回家居住")
    services.support_status_confirm(by=cast["inspector"], person=person, kind=SupportKind.HARDSHIP, confirmed_on=on,
                                    support_form=SupportForm.DISPERSED)


def batch_of(facility=None, *, township=None):
    lookup = {"facility": facility} if facility is not None else {"township_id": township}
    return ClaimBatch.objects.get(month=JULY, **lookup)


def test_left_care_without_a_decision_is_not_paid_as_dispersed_and_the_facility_batch_lists_them(
    cast, facilities, generate, login,
):
    in_care("留院人", facilities["a"])
    at_home("居家人")
    leaver = in_care("离院人", facilities["a"])
    goes_home(cast, leaver, date(2026, 6, 20))
    generate(JULY)

    assert not ClaimLine.objects.filter(person=leaver).exists()
    assert {name for _payer, name, _item in amounts(JULY)} == {"留院人", "居家人"}
    a = batch_of(facilities["a"])
    html = login(cast["clerk"]).get(reverse("subsidies:batch_detail", args=[a.pk])).content.decode()
    panel = html[html.index('data-check="no_dispersed_decision"'):]
    panel = panel[:panel.index("</details>")]
    assert "离院但无分散供养决定" in panel and "离院人" in panel and "2026-06-20 离院" in panel
    assert "07-01 至 07-31，31 天未计发" in panel

    body = login(cast["clerk"]).get(f"/api/subsidies/batches/{a.pk}").json()
    assert body["checks"]["no_dispersed_decision"] == 1 and body["checks"]["blocking"] is False
    assert body["no_dispersed_decision"] == [{
        "person_id": leaver.pk, "name": "离院人", "left_on": "2026-06-20", "start": "2026-07-01", "end": "2026-07-31",
        "days": 31,
    }]


def test_once_dispersed_support_is_decided_the_township_pays_and_the_check_is_clear(cast, facilities, generate, login):
    at_home("居家人")
    leaver = in_care("离院人", facilities["a"])
    in_care("留院人", facilities["a"])
    goes_home(cast, leaver, date(2026, 6, 20))
    generate(JULY)
    decided_dispersed(cast, leaver, date(2026, 6, 20))
    generate(JULY)
    assert amounts(JULY)[("肖金镇", "离院人", "basic_living")] == Decimal("800.00")
    assert amounts(JULY)[("肖金镇", "离院人", "care")] == Decimal("400.00")  # dispersed, partially disabled
    body = login(cast["clerk"]).get(f"/api/subsidies/batches/{batch_of(facilities['a']).pk}").json()
    assert body["checks"]["no_dispersed_decision"] == 0 and body["no_dispersed_decision"] == []


def test_by_day_the_days_in_care_are_paid_and_the_rest_listed_in_both_languages(cast, facilities, generate, login):
    RegionPolicy.objects.create(region_id="621002", effective_from=date(2020, 1, 1), proration=Proration.DAY)
    leaver = in_care("离院人", facilities["a"])
    goes_home(cast, leaver, date(2026, 7, 10))
    generate(JULY)
    a = facilities["a"].name
    assert amounts(JULY) == {
        (a, "离院人", "basic_living"): Decimal("232.26"),  # 800 × 9 / 31
        (a, "离院人", "care"): Decimal("174.19"),  # 600 × 9 / 31
        (a, "离院人", "operating"): Decimal("58.06"),  # 200 × 9 / 31
    }
    client = login(cast["clerk"])
    url = reverse("subsidies:batch_detail", args=[batch_of(facilities["a"]).pk])
    assert "07-10 至 07-31，22 天未计发" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(url).content.decode()
    assert "Left care, no dispersed decision" in english and "left on 2026-07-10" in english
    assert "07-10 to 07-31: 22 days not paid" in english


def test_someone_never_in_care_with_centralised_support_is_listed_on_their_townships_batch(
    cast, facilities, generate, login,
):
    at_home("居家人")
    waiting = PersonFactory(name="待入住", residence_region_id=TOWN)
    SupportStatusFactory(person=waiting, confirmed_on=date(2025, 3, 10), support_form=SupportForm.CENTRALISED)
    generate(JULY)
    assert not ClaimLine.objects.filter(person=waiting).exists()
    town = batch_of(township=TOWN)
    html = login(cast["clerk"]).get(reverse("subsidies:batch_detail", args=[town.pk])).content.decode()
    assert "未入住机构且无分散供养决定" in html and "待入住" in html
    body = login(cast["clerk"]).get(f"/api/subsidies/batches/{town.pk}").json()
    assert [(row["name"], row["left_on"], row["days"]) for row in body["no_dispersed_decision"]] == [("待入住", None, 31)]


def test_someone_transferred_or_who_died_is_not_listed(cast, facilities, generate, login):
    moved = in_care("转院人", facilities["a"])
    services.stay_transfer(by=cast["manager_a"], stay=moved.stays.get(), to_facility=facilities["b"],
                           transferred_on=date(2026, 6, 1))
    died = in_care("去世人", facilities["a"])
    services.stay_discharge(by=cast["manager_a"], stay=died.stays.get(), ended_on=date(2026, 6, 3),
                            reason=StayEndReason.DIED)
    in_care("留院人", facilities["a"])
    generate(JULY)
    body = login(cast["clerk"]).get(f"/api/subsidies/batches/{batch_of(facilities['a']).pk}").json()
    assert body["no_dispersed_decision"] == []


def test_listing_the_people_who_left_costs_the_same_for_one_or_many(cast, facilities, generate, login):
    in_care("留院人", facilities["a"])
    goes_home(cast, in_care("离院人0", facilities["a"]), date(2026, 6, 20))
    generate(JULY)
    client = login(cast["clerk"])
    one = count_queries(client, f"/api/subsidies/batches/{batch_of(facilities['a']).pk}")
    for n in range(1, 8):
        goes_home(cast, in_care(f"离院人{n}", facilities["a"]), date(2026, 6, 20))
    many = count_queries(client, f"/api/subsidies/batches/{batch_of(facilities['a']).pk}")
    # The batch page's and the API's fixed queries, and for this check: the candidates with their names,
    # their statuses, their stays, the pricing policies of their regions (17 = 14 + 3).
    assert one == many == 17
    assert len(client.get(f"/api/subsidies/batches/{batch_of(facilities['a']).pk}").json()["no_dispersed_decision"]) == 8
