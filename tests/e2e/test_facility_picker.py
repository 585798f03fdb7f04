"""A city inspector filters the resident list by one facility among more than the select lists: types
part of its name, picks it from the options the search brought, and the table shows its residents."""
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from facilities import picker
from tests.factories import FacilityFactory, PersonFactory, StayFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_search_box_finds_a_facility_and_the_table_follows(page, sign_in, cast, facilities, regions, screenshot,
                                                              monkeypatch):
    monkeypatch.setattr(picker, "OPTIONS_LIMIT", 3)
    for n in range(4):
        FacilityFactory(name=f"肖金镇第{n}养老院", region=regions["621002100"])
    StayFactory(person=PersonFactory(name="庆城住户"), facility=facilities["c"])
    StayFactory(person=PersonFactory(name="西峰住户"), facility=facilities["a"])
    sign_in("inspector_city")
    page.goto(page.base + "/people/")
    page.wait_for_load_state("load")
    select = page.locator("select[name=facility]")
    expect(select.locator("option")).to_have_count(1)  # 全部机构 only: the province is not in the page
    search = page.get_by_label("查找机构：输入名称或统一社会信用代码")
    search.fill("庆城")
    expect(select.locator("option", has_text=facilities["c"].name)).to_have_count(1)
    expect(select.locator("option", has_text=facilities["a"].name)).to_have_count(0)
    screenshot("facility_picker")
    select.select_option(label=facilities["c"].name)
    expect(page.get_by_role("link", name="庆城住户")).to_be_visible()
    expect(page.get_by_role("link", name="西峰住户")).to_have_count(0)
    query = parse_qs(urlparse(page.url).query)
    assert query["facility"] == [str(facilities["c"].pk)] and "q" not in query  # what was typed is not a filter
