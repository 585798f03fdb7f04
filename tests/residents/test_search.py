"""The header's search: a name, pinyin initials, the last 4–6 characters of an ID number, a facility;
in the reader's scope, ID numbers masked, every search of people access-logged, a fixed number of queries."""
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import AccessAction, AccessRecord
from common.pinyin import name_initials
from residents.search.rules import QueryKind, read_query
from tests.factories import PersonFactory, StayFactory, make_id_number
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("raw, kind, text", [
    ("张三", QueryKind.TEXT, "张三"),
    ("  zs ", QueryKind.INITIALS, "zs"),
    ("ZS", QueryKind.INITIALS, "zs"),
    ("123x", QueryKind.ID_SUFFIX, "123X"),
    ("１２３４", QueryKind.ID_SUFFIX, "1234"),  # full-width digits from a Chinese keyboard
    ("004519", QueryKind.ID_SUFFIX, "004519"),
    ("62100219450101001x", QueryKind.ID_NUMBER, "62100219450101001X"),
    ("91621002MA71234567", QueryKind.CREDIT_CODE, "91621002MA71234567"),
    ("敬老院", QueryKind.TEXT, "敬老院"),
    ("a", QueryKind.TEXT, "a"),
])
def test_a_query_is_read_as_what_it_looks_like(raw, kind, text):
    assert read_query(raw) == read_query(raw)
    assert (read_query(raw).kind, read_query(raw).text) == (kind, text)


@pytest.mark.parametrize("raw", ["", "   ", "123", "6210", "1234567", "62100219450101", "x" * 51])
def test_digits_that_would_rebuild_a_masked_number_are_refused(raw):
    if raw == "6210":
        assert read_query(raw).kind == QueryKind.ID_SUFFIX  # four digits are the visible tail anyway
        return
    with pytest.raises(ValueError, match=" / "):
        read_query(raw)


@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_digits_are_searched_only_whole_or_as_the_last_four_to_six(digits):
    try:
        query = read_query(digits)
    except ValueError:
        assert not (4 <= len(digits) <= 6 or len(digits) == 18)
        return
    assert query.kind in (QueryKind.ID_SUFFIX, QueryKind.ID_NUMBER)
    assert 4 <= len(query.text) <= 6 or len(query.text) == 18


@pytest.mark.parametrize("name, initials", [
    ("张三", "zs"), ("单田芳", "dtf ctf stf"), ("曾国藩", "cgf zgf"), ("阿依古丽·买买提", None), ("", ""),
])
def test_initials_cover_every_reading_of_a_name(name, initials):
    if initials is None:
        readings = name_initials(name).split()
        assert 1 <= len(readings) <= 8 and readings[0] == "ayglmmt" and all(r.startswith("ay") for r in readings)
    else:
        assert name_initials(name) == initials


@pytest.fixture
def people(facilities, regions):
    a = PersonFactory(name="张三丰", id_number=make_id_number(born=date(1945, 1, 1), serial=7))
    StayFactory(person=a, facility=facilities["a"])
    c = PersonFactory(name="张三", id_number=make_id_number(born=date(1945, 1, 1), serial=8, region="621021"),
                      hukou_region=regions["621021"])
    StayFactory(person=c, facility=facilities["c"])
    return {"a": a, "c": c}


def _people(page):
    return page.context["results"].people


def test_a_manager_finds_their_resident_by_name_initials_and_id_tail_and_no_one_else(cast, people, login):
    client = login(cast["manager_a"])
    number = people["a"].id_number
    for q in ("张三", "zs", "zsf", number[-4:], number[-6:], number.lower()):
        page = client.get(reverse("search"), {"q": q})
        assert [p.pk for p in _people(page)] == [people["a"].pk], q
    html = client.get(reverse("search"), {"q": number[-4:]}).content.decode()
    assert f"6210**********{number[-4:]}" in html and number not in html
    assert _people(client.get(reverse("search"), {"q": people["c"].id_number[-4:]})) == []  # 庆城县's resident


def test_initials_match_from_the_start_of_a_reading(cast, facilities, login):
    for name in ("钟淑", "李志生", "曾振淑"):
        StayFactory(person=PersonFactory(name=name), facility=facilities["a"])
    found = [p.name for p in _people(login(cast["inspector"]).get(reverse("search"), {"q": "zs"}))]
    assert sorted(found) == ["钟淑"]
    found = [p.name for p in _people(login(cast["inspector"]).get(reverse("search"), {"q": "zzs"}))]
    assert found == ["曾振淑"]  # 曾 read zēng, the second of its readings


def test_an_inspector_sees_their_region_and_the_city_both(cast, people, login):
    assert {p.pk for p in _people(login(cast["inspector"]).get(reverse("search"), {"q": "zs"}))} == {people["a"].pk}
    assert {p.pk for p in _people(login(cast["inspector_city"]).get(reverse("search"), {"q": "张三"}))} == {
        people["a"].pk, people["c"].pk}


def test_the_administrator_finds_facilities_but_no_people(cast, people, facilities, login):
    page = login(cast["admin"]).get(reverse("search"), {"q": "张三"})
    assert _people(page) == []
    page = login(cast["admin"]).get(reverse("search"), {"q": facilities["a"].name[:4]})
    assert facilities["a"] in page.context["results"].facilities


def test_every_search_of_people_is_logged_with_the_number_masked(cast, people, login):
    client = login(cast["manager_a"])
    number = people["a"].id_number
    client.get(reverse("search"), {"q": number})
    client.get(reverse("search"), {"q": number[-4:]})
    records = list(AccessRecord.objects.filter(action=AccessAction.SEARCH_PEOPLE, user=cast["manager_a"]).order_by("id"))
    assert len(records) == 2
    assert number not in records[0].detail + records[0].path
    assert f"6210**********{number[-4:]}" in records[0].detail
    assert "找到 1 人" in records[1].detail


def test_a_refused_query_says_why_and_keeps_what_was_typed(cast, people, login):
    page = login(cast["manager_a"]).get(reverse("search"), {"q": "62100219"})
    html = page.content.decode()
    assert "按身份证号码搜索请输入完整号码或后 4–6 位" in html and 'value="62100219"' in html
    assert not AccessRecord.objects.filter(action=AccessAction.SEARCH_PEOPLE).exists()


def test_the_search_keeps_a_fixed_number_of_queries(cast, facilities, login):
    client = login(cast["inspector"])
    for i in range(2):
        StayFactory(person=PersonFactory(name=f"李{i}"), facility=facilities["a"])
    few = count_queries(client, reverse("search"), {"q": "李"})
    for i in range(2, 30):
        StayFactory(person=PersonFactory(name=f"李{i}"), facility=facilities["a"])
    many = client.get(reverse("search"), {"q": "李"})
    assert len(_people(many)) == 20 and many.context["results"].more_people
    assert count_queries(client, reverse("search"), {"q": "李"}) == few


def test_the_api_searches_the_same_way(cast, people, facilities, login):
    client = login(cast["inspector_city"])
    body = client.get("/api/search", {"q": "zs"}).json()
    assert body["kind"] == "initials"
    assert {p["id_number_masked"] for p in body["people"]} == {
        f"6210**********{people[k].id_number[-4:]}" for k in "ac"}
    assert client.get("/api/search", {"q": "62100219"}).status_code == 422
    assert login(cast["manager_b"]).get("/api/search", {"q": people["a"].id_number[-4:]}).json()["people"] == []


def test_the_header_offers_the_box_to_working_roles(cast, login):
    assert 'role="search"' in login(cast["clerk"]).get(reverse("home")).content.decode()
