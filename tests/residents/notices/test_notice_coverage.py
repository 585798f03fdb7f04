"""Every 特困 confirmation reaches a public notice (issue 15 item 8).

A person whose home (residence, else household registration) is known only to the county drops out
of every township's notice; the county's notice lists them. The notice list page counts, and names,
the confirmations of the last twelve ended months that are in no notice. The clock stands at
2026-11-16 (tests.helpers.TODAY).
"""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from residents.notices import services as notices
from residents.notices.selectors import confirmations_in_no_notice
from tests.factories import PersonFactory, StayFactory, SupportStatusFactory, UserFactory
from tests.helpers import OCTOBER, TODAY, make_notice, township_changes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def county_only(regions):
    """马县级: household registered in 西峰区 (county level only), no residence; confirmed 2026-10-20."""
    person = PersonFactory(name="马县级", hukou_region=regions["621002"], residence_region=None, born=date(1945, 2, 2))
    SupportStatusFactory(person=person, confirmed_on=date(2026, 10, 20))
    return person


def unposted(user):
    return confirmations_in_no_notice(user=user, since=date(2025, 11, 1), until=OCTOBER[1])


def test_the_countys_notice_lists_whom_no_township_notice_lists(cast, regions, county_only):
    town = township_changes(regions)
    township_notice = make_notice(cast["inspector"], town)
    assert "马县级" not in [entry.name for entry in township_notice.entries.all()]
    county_notice = make_notice(cast["inspector"], regions["621002"])
    assert [entry.name for entry in county_notice.entries.all()] == ["马县级"]


def test_a_city_is_not_a_notice_area(cast, regions):
    with pytest.raises(ValidationError) as exc:
        notices.notice_preview(by=cast["inspector_city"], township=regions["621000"], period_start=OCTOBER[0],
                               period_end=OCTOBER[1], posted_on=TODAY)
    assert "住址只登记到县（区）的人员列入县（区）公示" in str(exc.value)


def test_confirmations_in_no_notice_are_counted_until_a_notice_lists_them(cast, regions, county_only):
    town = township_changes(regions)
    count, rows = unposted(cast["inspector"])
    names = [row.status.person.name for row in rows]
    assert count == 5 and names[0] == "冯九月"
    # 孙小宝 and 周成年 were under 18 when confirmed (周成年 is named on the posting day, but the panel
    # does not ask for a notice of someone confirmed as a minor); 王低保 is 低保, not 特困
    assert set(names) == {"冯九月", "赵德明", "吴别乡", "郑迁出", "马县级"}
    make_notice(cast["inspector"], town)
    make_notice(cast["inspector"], regions["621002"])
    count, rows = unposted(cast["inspector"])
    assert count == 3 and {row.status.person.name for row in rows} == {"冯九月", "吴别乡", "郑迁出"}
    assert unposted(cast["inspector_other"]) == (0, [])


def test_the_notice_list_page_names_them_and_says_which_notice(cast, regions, county_only, login):
    township_changes(regions)
    client = login(cast["inspector"])
    html = client.get(reverse("notice_list")).content.decode()
    assert "2025-11 至 2026-10 有 5 项特困人员认定未列入任何公示" in html
    assert "马县级" in html and "县（区）公示" in html and reverse("person_detail", args=[county_only.pk]) in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("notice_list")).content.decode()
    assert "5 special-hardship confirmations from 2025-11 to 2026-10 are in no notice" in html


def test_the_form_offers_counties_and_makes_a_county_notice(cast, regions, county_only, login):
    client = login(cast["inspector"])
    form = {"township": "621002", "period_start": "2026-10-01", "period_end": "2026-10-31",
            "posted_on": "2026-11-16", "contact": "西峰区民政局 0934-8888888"}
    assert 'data-testid="region-picker-township"' in client.get(reverse("notice_create")).content.decode()
    response = client.post(reverse("notice_create"), {**form, "publish": "1"}, follow=True)
    assert "公示已制作，共 1 人" in response.content.decode()
    assert "均已公示" in client.get(reverse("notice_list")).content.decode()


def test_the_page_says_when_every_confirmation_is_posted(cast, regions, login):
    html = login(cast["inspector"]).get(reverse("notice_list")).content.decode()
    assert "2025-11 至 2026-10 的特困人员认定均已列入公示" in html


def test_the_panel_counts_only_homes_in_the_users_region(cast, regions, facilities, login):
    """Someone who once stayed in a 庆城县 facility but whose home is in 西峰区 is not the 庆城县
    inspector's to post: it is not counted there, and their later confirmation is not shown there."""
    person = PersonFactory(name="曾住庆城", hukou_region=regions["621002100"], residence_region=None, born=date(1944, 1, 1))
    StayFactory(person=person, facility=facilities["c"], admitted_on=date(2024, 1, 1), ended_on=date(2025, 1, 1),
                end_reason="moved_home")
    SupportStatusFactory(person=person, confirmed_on=date(2026, 10, 3))
    qingcheng = UserFactory(username="i_qingcheng", role=Role.INSPECTOR, region_code="621021")
    assert unposted(qingcheng) == (0, [])
    assert [row.status.person.name for row in unposted(cast["inspector"])[1]] == ["曾住庆城"]
