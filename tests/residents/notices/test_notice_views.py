"""The notice pages: list, preview then publish, detail with objections, the print page, handling."""
from datetime import date

import pytest
from django.urls import reverse

from residents.models import Notice, NoticeObjection
from residents.notices import services as notices
from tests.factories import PersonFactory, SupportStatusFactory
from tests.helpers import count_queries, frozen, make_notice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

FORM = {"township": "621002100", "period_start": "2026-10-01", "period_end": "2026-10-31",
        "posted_on": "2026-11-16", "contact": "肖金镇民政办 0934-8888888"}


def test_preview_then_publish(cast, login, changes):
    client = login(cast["inspector"])
    url = reverse("notice_create")
    assert "制作公示" in client.get(url).content.decode()
    preview = client.post(url, {**FORM, "preview": "1"}).content.decode()
    assert "预览：公示 3 人，公示期至 2026-11-22" in preview and "另有 1 名未成年人按规定不予公示" in preview
    assert "孙小宝" not in preview and not Notice.objects.exists()
    assert 'data-confirm="公示制作后名单即固定，不能修改或撤回。确定制作公示？"' in preview
    published = client.post(url, {**FORM, "publish": "1"}, follow=True).content.decode()
    assert "公示已制作，共 3 人" in published and "公示中" in published
    assert Notice.objects.get().created_by == cast["inspector"]


def test_managers_cannot_open_the_notice_pages(cast, login, changes):
    notice = make_notice(cast["inspector"], changes)
    client = login(cast["manager_a"])
    assert client.get(reverse("notice_create")).status_code == 403
    assert client.get(reverse("notice_detail", args=[notice.pk])).status_code == 404
    assert client.get(reverse("notice_print", args=[notice.pk])).status_code == 404
    assert "赵德明" not in client.get(reverse("notice_list")).content.decode()


def test_the_print_page_is_a_clean_chinese_notice(cast, login, changes):
    notice = make_notice(cast["inspector"], changes)
    page = login(cast["clerk"]).get(reverse("notice_print", args=[notice.pk])).content.decode()
    for text in ("特困人员认定及终止情况公示", "甘肃省庆阳市西峰区肖金镇", "2026年10月1日至2026年10月31日",
                 "公示期：2026年11月16日至2026年11月22日（7天）", "肖金镇民政办 0934-8888888", "赵德明", "新增认定"):
        assert text in page, text
    assert "孙小宝" not in page and 'data-action="print"' in page
    entry = notice.entries.first()
    assert entry.masked_id_number in page and entry.person.id_number not in page


def test_objections_are_recorded_on_the_detail_page_while_the_period_runs(cast, login, changes):
    notice = make_notice(cast["inspector"], changes, posted_on=date(2026, 11, 12))
    client = login(cast["inspector"])
    detail = reverse("notice_detail", args=[notice.pk])
    assert 'data-testid="objection-form"' in client.get(detail).content.decode()
    entry = notice.entries.get(name="赵德明")
    response = client.post(reverse("notice_objection_create", args=[notice.pk]), {
        "entry": entry.pk, "objector": "村民王某", "objector_contact": "", "received_on": "2026-11-16",
        "content": "有子女赡养"}, follow=True)
    assert "异议已登记" in response.content.decode() and "涉及 赵德明" in response.content.decode()
    objection = NoticeObjection.objects.get()
    result_url = reverse("notice_objection_result", args=[notice.pk, objection.pk])
    response = client.post(result_url, {"handled_on": "2026-11-16", "result": "核实后维持"}, follow=True)
    assert "处理结果已保存" in response.content.decode() and "已处理" in response.content.decode()
    assert "登记处理结果" in client.get(result_url).content.decode()


def test_after_the_period_the_form_is_gone_and_a_late_post_is_refused_with_a_message(cast, login, changes):
    notice = make_notice(cast["inspector"], changes, posted_on=date(2026, 11, 12))
    with frozen(date(2026, 11, 19)):
        client = login(cast["inspector"])
        page = client.get(reverse("notice_detail", args=[notice.pk])).content.decode()
        assert 'data-testid="objection-form"' not in page and "公示期已结束，不能再登记异议" in page
        response = client.post(reverse("notice_objection_create", args=[notice.pk]), {
            "objector": "迟到的人", "received_on": "2026-11-18", "content": "异议"})
    assert "公示期已于 2026-11-18 结束，不能再登记异议" in response.content.decode()
    assert not NoticeObjection.objects.exists()


def test_list_and_detail_query_counts_do_not_grow(cast, login, changes, regions):
    client = login(cast["inspector"])
    first = make_notice(cast["inspector"], changes, posted_on=date(2026, 11, 12))
    few_list, few_detail = count_queries(client, reverse("notice_list")), count_queries(client, reverse("notice_detail", args=[first.pk]))
    for month in range(1, 9):
        person = PersonFactory(residence_region=regions["621002101"], born=date(1950, 1, 1))
        SupportStatusFactory(person=person, confirmed_on=date(2026, month, 3))
        notices.notice_create(by=cast["inspector"], township=regions["621002101"], period_start=date(2026, month, 1),
                              period_end=date(2026, month, 28), posted_on=date(2026, 11, 16), contact="董志镇")
    for n in range(6):
        notices.notice_objection_record(by=cast["inspector"], notice=first, objector=f"某{n}",
                                        received_on=date(2026, 11, 16), content="异议", entry=first.entries.first())
    many_list, many_detail = count_queries(client, reverse("notice_list")), count_queries(client, reverse("notice_detail", args=[first.pk]))
    # list: session, user, count, page of notices with township, maker and counts; the confirmations in no
    # notice (count, first rows with their regions)
    assert few_list == many_list == 6
    # detail: session, user, notice with township and maker, entries, objections with entry, handler and
    # recorder, the objection form's entry choices
    assert few_detail == many_detail == 6


@pytest.mark.parametrize(("who", "shown"), [("inspector", True), ("clerk", True), ("manager_a", False)])
def test_the_person_list_links_to_the_notices_for_those_who_make_them(cast, login, who, shown):
    page = login(cast[who]).get(reverse("person_list")).content.decode()
    assert (f'href="{reverse("notice_list")}"' in page) is shown
