"""The facility filter (facilities.picker): every facility while the scope is small; beyond that the
chosen one and a search box, whose options come from a scoped endpoint."""
import pytest
from django.urls import reverse

from facilities import picker
from tests.factories import FacilityFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def _options(html: str) -> int:
    return html.count("<option")


def test_a_small_scope_lists_every_facility_without_a_search_box(cast, facilities, login):
    page = login(cast["inspector_city"]).get(reverse("person_list")).content.decode()
    assert 'data-testid="facility-picker"' not in page
    assert facilities["a"].name in page and facilities["c"].name in page


def test_a_large_scope_renders_the_chosen_facility_and_a_search_box(cast, facilities, regions, login, monkeypatch):
    monkeypatch.setattr(picker, "OPTIONS_LIMIT", 2)
    client = login(cast["inspector_city"])
    page = client.get(reverse("person_list"), {"facility": facilities["c"].pk}).content.decode()
    assert 'data-testid="facility-picker"' in page
    select = page[page.index('<select name="facility"'):]
    select = select[:select.index("</select>")]
    assert _options(select) == 2  # 全部机构 and the chosen one, whatever the number of facilities
    assert f'value="{facilities["c"].pk}" selected' in select and facilities["a"].name not in select
    assert 'hx-get="/facilities/options/"' in page


def test_the_page_does_not_grow_with_the_number_of_facilities(cast, facilities, regions, login, monkeypatch):
    monkeypatch.setattr(picker, "OPTIONS_LIMIT", 5)
    client = login(cast["inspector_city"])
    url = reverse("alert_list")
    for _ in range(6):
        FacilityFactory(region=regions["621002100"])
    size, queries = len(client.get(url).content), count_queries(client, url)
    for _ in range(40):
        FacilityFactory(region=regions["621002100"])
    assert len(client.get(url).content) == size and count_queries(client, url) == queries


def test_options_match_name_or_credit_code_within_scope_and_keep_the_choice(cast, facilities, login):
    facilities["c"].credit_code = "52621000MJX123456A"
    facilities["c"].save()
    client = login(cast["inspector_city"])
    url = reverse("facility_options")
    by_name = client.get(url, {"q": facilities["a"].name[-3:]}).content.decode()
    assert facilities["a"].name in by_name and facilities["y"].name not in by_name
    by_code = client.get(url, {"q": "52621000mjx"}).content.decode()
    assert facilities["c"].name in by_code and facilities["a"].name not in by_code
    kept = client.get(url, {"q": facilities["c"].name, "field": "facility", "facility": facilities["b"].pk}).content.decode()
    assert f'value="{facilities["b"].pk}" selected' in kept and facilities["c"].name in kept


def test_options_never_name_a_facility_outside_the_scope(cast, facilities, login):
    client = login(cast["manager_a"])
    url = reverse("facility_options")
    assert facilities["b"].name not in client.get(url, {"q": facilities["b"].name}).content.decode()
    probed = client.get(url, {"facility": facilities["b"].pk, "q": ""}).content.decode()
    assert facilities["b"].name not in probed and facilities["a"].name in probed
    assert "没有匹配的机构" in client.get(url, {"q": "不存在的机构名"}).content.decode()


@pytest.mark.parametrize("value", ["-1", "abc", "99999999999999999999", "１２"])
def test_options_refuse_a_bad_id_with_400(cast, login, value):
    assert login(cast["inspector"]).get(reverse("facility_options"), {"facility": value}).status_code == 400


def test_options_need_a_login(client):
    assert client.get(reverse("facility_options")).status_code == 302


def test_a_record_about_one_facility_names_its_place_and_searches_a_large_scope(
        cast, facilities, login, monkeypatch):
    """The inspection form's facility: every one with its place while few, else the search (required)."""
    client = login(cast["inspector_city"])
    page = client.get(reverse("inspection_create")).content.decode()
    a, c = facilities["a"], facilities["c"]
    assert f"{a.name} · {a.region.name}" in page and f"{c.name} · {c.region.name}" in page
    assert "请选择机构" in page and 'data-testid="facility-picker"' not in page

    monkeypatch.setattr(picker, "OPTIONS_LIMIT", 2)
    page = client.get(reverse("inspection_create")).content.decode()
    assert 'data-testid="facility-picker"' in page and '"required": "1"' in page
    options = client.get(reverse("facility_options"), {"q": facilities["c"].name, "required": "1"}).content.decode()
    assert "请选择机构" in options and "全部机构" not in options and f"{c.name} · {c.region.name}" in options
    response = client.post(reverse("inspection_create"), {"facility": facilities["y"].pk, "inspected_on": "2026-11-02",
                                                          "kind": "routine", "inspectors": "王建国"})
    assert "选择一个有效的选项" in response.content.decode() or "Select a valid choice" in response.content.decode()
