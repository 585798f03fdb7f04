"""Parameters naming a month, a date, a page or an id answer 4xx on any out-of-range value (issue 16
item 6): `?month=9999-12` on the custody statement used to be a 500 (its next month does not exist).
Pages answer 400 with the site's error page, the API 400/422 in its error shape."""
import json

import pytest
from django.urls import reverse

from common.params import BadParameter, date_param, id_param, month_param, page_param

pytestmark = pytest.mark.django_db

BAD_MONTHS = ["9999-12", "0001-01", "1899-12", "2101-01", "2026-13", "2026-00", "abc", "２０２６-０１", "2026-123"]
BAD_IDS = ["abc", "-1", "0", "9223372036854775808", "99999999999999999999", "1e3"]


@pytest.mark.parametrize("month", BAD_MONTHS)
def test_custody_statement_page_answers_400_for_a_month_out_of_range(month, world, login):
    person = world.places["a"].person
    response = login(world.cast["manager_a"]).get(reverse("custody_statement", args=[person.pk]), {"month": month})
    assert response.status_code == 400
    assert "请求参数有误" in response.content.decode()


@pytest.mark.parametrize("facility", BAD_IDS)
def test_custody_pages_answer_400_for_a_facility_id_out_of_range(facility, world, login):
    person = world.places["a"].person
    client = login(world.cast["manager_a"])
    for name in ("custody_statement", "custody_ledger"):
        assert client.get(reverse(name, args=[person.pk]), {"facility": facility}).status_code == 400


def test_the_edges_of_the_range_still_answer(world, login):
    person = world.places["a"].person
    client = login(world.cast["manager_a"])
    for month in ("1900-01", "2100-12", ""):
        assert client.get(reverse("custody_statement", args=[person.pk]), {"month": month}).status_code == 200


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2026-13"])
def test_custody_statement_api_answers_422_in_the_error_shape(month, world, client):
    person = world.places["a"].person
    response = client.get(f"/api/people/{person.pk}/custody/statement", {"month": month},
                          HTTP_AUTHORIZATION=f"Bearer {world.token('manager_a')}")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["message_en"] and [e["field"] for e in body["errors"]] == ["month"]


def test_the_api_answers_a_bad_parameter_in_its_error_shape(rf):
    from config.api import on_bad_parameter

    response = on_bad_parameter(rf.get("/api/x"), BadParameter("month", "应为月份", "not a month"))
    body = json.loads(response.content)
    assert response.status_code == 400 and body["code"] == "bad_request" and body["message_en"]
    assert body["errors"] == [{"field": "month", "message": "应为月份", "message_en": "not a month"}]


def test_the_helpers_bound_every_kind():
    assert month_param("2026-07").isoformat() == "2026-07-01" and month_param("") is None
    assert date_param("2026-02-28").day == 28 and id_param("42") == 42 and page_param(None) == 1
    for call, value in ((month_param, "9999-12"), (date_param, "2026-02-30"), (date_param, "9999-12-31"),
                        (id_param, "9223372036854775808"), (page_param, "0"), (page_param, "1000001")):
        with pytest.raises(BadParameter):
            call(value)


@pytest.mark.parametrize("query", [{"per_page": "-1"}, {"page": "0"}, {"page": "1e9"}, {"page": "１２"},
                                   {"page": "99999999999999999999"}, {"year": "9999"}, {"facility": "abc"}])
def test_every_page_checks_the_common_names_before_its_view(query, cast, login):
    """config.middleware.QueryParamsMiddleware: /facilities/?per_page=-1 was a 500 in django-tables2."""
    response = login(cast["manager_a"]).get(reverse("facility_list"), query)
    assert response.status_code == 400 and f"<code>{next(iter(query))}</code>" in response.content.decode()


def test_a_page_past_the_last_shows_the_last(cast, login):
    assert login(cast["manager_a"]).get(reverse("facility_list"), {"page": "999999"}).status_code == 200


def test_a_month_typed_without_its_leading_zero_is_read_as_people_write_it():
    """Browsers without a month picker give a text box: 2026-7 is July, not a 400."""
    from datetime import date

    from common.params import date_param, month_param

    assert month_param(" 2026-7 ") == date(2026, 7, 1)
    assert date_param("2026-7-5") == date(2026, 7, 5)


@pytest.mark.parametrize("url", ["/staffing/relatives/", "/users/login-log/", "/people/"])
def test_a_nul_character_in_any_parameter_is_a_400_before_the_database_sees_it(cast, admin_client, client, url):
    """PostgreSQL refuses a NUL in a string: a search box or filter given one answers 400, not 500
    (the API answers such a value 422, common.api_fields)."""
    client.force_login(cast["manager_a"])
    who = admin_client if url.startswith("/users/") else client
    assert who.get(url, {"q": "张\x00", "user": "\x00"}).status_code == 400
