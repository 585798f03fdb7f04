"""The working-day calendar pages (工作日历), for administrators: a year's status and days (the
query count pinned), entering a year's notice, adding, correcting and deleting a day (refusals
beside the field), the CSV download and upload (every bad row named, in Chinese and English,
nothing written until the file is right; a downloaded year uploaded again changes nothing), the
home page's reminder from 1 November, and every other role refused.

The clock stands at 2026-12-06 09:00 (Asia/Shanghai): 2026 is known, 2027 is not.
"""
from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from facilities.models import HolidayNotice, WorkingDayCalendar, WorkingDayKind
from facilities.working_days.services import holiday_notice_save

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 6)
NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知"
HEADER = "日期,类型,节日,通知,文号,发布日期\n"


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(TODAY), tick=False) as traveller:
        yield traveller


@pytest.fixture
def admin(cast, login):
    return login(cast["admin"])


@pytest.fixture
def english(admin):
    admin.post(reverse("set_language"), {"language": "en", "next": "/"})
    return admin


@pytest.fixture
def loaded(db):
    call_command("load_working_days", stdout=StringIO())


def year_page(client, year):
    return client.get(reverse("calendar_year"), {"year": year})


def csv_file(text: str, name="2027.csv", encoding="utf-8-sig"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def upload(client, text, **kwargs):
    return client.post(reverse("calendar_upload"), {"file": csv_file(text, **kwargs)})


GOOD_2027 = HEADER + "".join(
    f"{day},{kind},{name},{NOTICE_2027},测试〔2026〕1号,2026-11-05\n"
    for day, kind, name in [
        ("2027-01-01", "放假", "元旦"), ("2027-01-02", "放假", "元旦"), ("2027-01-03", "放假", "元旦"),
        ("2027-02-05", "放假", "春节"), ("2027-02-06", "放假", "春节"), ("2027-02-07", "放假", "春节"),
        ("2027-02-13", "调休上班", "春节"),
    ]
)


# --- the year page --------------------------------------------------------------------------


def test_the_year_page_shows_an_entered_year_with_its_notice_and_days(admin, loaded):
    page = year_page(admin, 2026).content.decode()
    assert 'data-status="entered"' in page
    assert "国务院办公厅关于2026年部分节假日安排的通知" in page and "国办发明电〔2025〕7号" in page
    assert "2026-10-10" in page and "调休上班" in page
    assert "33 个放假日" in page and "6 个调休上班日" in page


def test_a_year_nobody_entered_says_so_and_offers_to_enter_it(admin, loaded):
    page = year_page(admin, 2027).content.decode()
    assert 'data-status="missing"' in page
    assert "2027 年的放假安排尚未录入" in page and "暂定" in page
    assert reverse("calendar_notice_edit", args=[2027]) in page


def test_the_year_page_in_english(english, loaded):
    page = year_page(english, 2027).content.decode()
    assert "Holidays for 2027 have not been entered" in page
    assert "Working-day calendar 2027" in page
    entered = year_page(english, 2026).content.decode()
    assert "33 holidays" in entered and "6 make-up working days" in entered


def test_a_year_only_the_library_knows_follows_it_and_can_be_loaded(admin):
    page = year_page(admin, 2026).content.decode()
    assert 'data-status="library"' in page
    response = admin.post(reverse("calendar_load_library"), {"year": "2026"}, follow=True)
    assert "已从 chinese-calendar" in response.content.decode()
    assert HolidayNotice.objects.filter(year=2026).exists()
    assert WorkingDayCalendar.history.filter(day=date(2026, 10, 1)).get().history_user.username == "admin"


def test_a_year_outside_the_calendar_is_not_found(admin):
    assert admin.get(reverse("calendar_year"), {"year": "1999"}).status_code == 404


@pytest.mark.parametrize("year", ["2101", "abc", "１２", "-1"])
def test_a_year_that_is_no_year_is_a_bad_request(admin, year):
    """Outside 1900–2100 or not a number at all: common.params answers 400 before the page."""
    assert admin.get(reverse("calendar_year"), {"year": year}).status_code == 400


def test_the_year_page_reads_a_fixed_number_of_queries(admin, loaded, django_assert_num_queries):
    year_page(admin, 2026)
    # session, user; the notices (every year: the year list and the status); the year's days with their
    # notices. The same for 39 days or none.
    with django_assert_num_queries(4):
        assert year_page(admin, 2026).status_code == 200
    with django_assert_num_queries(4):
        assert year_page(admin, 2030).status_code == 200


def test_the_year_downloads_as_csv_that_uploads_again_unchanged(admin, loaded):
    response = admin.get(reverse("calendar_year"), {"year": 2026, "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "日期,类型,节日,通知,文号,发布日期" and len(lines) == 1 + 39
    assert "2026-02-14,调休上班,春节,国务院办公厅关于2026年部分节假日安排的通知,国办发明电〔2025〕7号,2025-11-04" in lines
    preview = upload(admin, text)
    assert preview.context["upload"].ok
    assert (preview.context["upload"].same, preview.context["upload"].added, len(preview.context["upload"].removed)) == (39, 0, 0)


# --- entering a year by hand ------------------------------------------------------------------


def test_the_administrator_enters_a_notice_then_adds_corrects_and_deletes_a_day(admin, cast):
    response = admin.post(reverse("calendar_notice_edit", args=[2027]), {
        "title": NOTICE_2027, "number": "测试〔2026〕1号", "published_on": "2026-11-05", "url": "",
    })
    assert response.status_code == 302
    notice = HolidayNotice.objects.get(year=2027)
    assert notice.history.get().history_user == cast["admin"]

    response = admin.post(reverse("calendar_day_new", args=[2027]), {
        "day": "2027-02-05", "kind": "holiday", "name": "春节", "notice": notice.pk,
    })
    assert response.status_code == 302
    entry = WorkingDayCalendar.objects.get(day=date(2027, 2, 5))

    response = admin.post(reverse("calendar_day_edit", args=[entry.pk]), {
        "day": "2027-02-05", "kind": "holiday", "name": "春节（除夕）", "notice": notice.pk,
    })
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.name == "春节（除夕）"
    history = admin.get(reverse("calendar_day_edit", args=[entry.pk])).content.decode()
    assert "修改放假或调休日期" in history and "春节（除夕）" in history

    question = admin.get(reverse("calendar_day_delete", args=[entry.pk])).content.decode()
    assert "删除 2027-02-05（周五）春节（除夕）放假？" in question
    assert admin.post(reverse("calendar_day_delete", args=[entry.pk])).status_code == 302
    assert not WorkingDayCalendar.objects.filter(day=date(2027, 2, 5)).exists()
    reasons = list(WorkingDayCalendar.history.filter(day=date(2027, 2, 5)).order_by("history_id")
                   .values_list("history_type", "history_change_reason", "history_user__username"))
    assert reasons == [("+", "录入放假或调休日期", "admin"), ("~", "修改放假或调休日期", "admin"),
                       ("-", "删除放假或调休日期", "admin")]


def test_a_make_up_working_day_on_a_weekday_is_refused_beside_the_field(admin, english):
    notice = HolidayNotice.objects.create(year=2027, title=NOTICE_2027)
    response = english.post(reverse("calendar_day_new", args=[2027]), {
        "day": "2027-02-08", "kind": "workday", "name": "春节", "notice": notice.pk,
    })
    assert response.status_code == 200
    assert "A make-up working day must be a Saturday or a Sunday" in response.content.decode()
    assert not WorkingDayCalendar.objects.exists()


def test_a_day_twice_and_a_day_outside_the_notices_year_are_refused(admin):
    notice = HolidayNotice.objects.create(year=2027, title=NOTICE_2027)
    WorkingDayCalendar.objects.create(day=date(2027, 1, 1), kind="holiday", name="元旦", notice=notice)
    twice = admin.post(reverse("calendar_day_new", args=[2027]), {
        "day": "2027-01-01", "kind": "holiday", "name": "元旦", "notice": notice.pk,
    }).content.decode()
    assert "该日期已录入，请修改原有记录" in twice
    outside = admin.post(reverse("calendar_day_new", args=[2027]), {
        "day": "2025-10-01", "kind": "holiday", "name": "国庆节", "notice": notice.pk,
    }).content.decode()
    assert "日期不在该通知安排的年份内" in outside
    assert WorkingDayCalendar.objects.count() == 1


def test_a_notice_with_days_cannot_be_withdrawn_and_one_without_can(admin):
    notice = HolidayNotice.objects.create(year=2027, title=NOTICE_2027)
    entry = WorkingDayCalendar.objects.create(day=date(2027, 1, 1), kind="holiday", name="元旦", notice=notice)
    refused = admin.post(reverse("calendar_notice_delete", args=[2027]), follow=True).content.decode()
    assert "请先删除该通知的全部日期" in refused and HolidayNotice.objects.filter(year=2027).exists()
    entry.delete()
    admin.post(reverse("calendar_notice_delete", args=[2027]))
    assert not HolidayNotice.objects.filter(year=2027).exists()


# --- the CSV upload ---------------------------------------------------------------------------


def test_a_good_file_is_previewed_then_loaded_after_confirmation(admin, cast):
    preview = upload(admin, GOOD_2027)
    page = preview.content.decode()
    assert 'data-testid="upload-ready"' in page and "新增 7 天" in page and "新录入年份" in page
    assert not HolidayNotice.objects.filter(year=2027).exists()  # the preview writes nothing

    response = admin.post(reverse("calendar_upload"), {"confirm": "1"}, follow=True)

    assert "工作日历已更新：新增 7 天，修改 0 天，删除 0 天" in response.content.decode()
    notice = HolidayNotice.objects.get(year=2027)
    assert (notice.number, notice.published_on) == ("测试〔2026〕1号", date(2026, 11, 5))
    assert WorkingDayCalendar.objects.get(day=date(2027, 2, 13)).kind == WorkingDayKind.WORKDAY
    assert WorkingDayCalendar.history.filter(history_user=cast["admin"]).count() == 7


def test_uploading_a_year_again_replaces_its_days(admin):
    upload(admin, GOOD_2027)
    admin.post(reverse("calendar_upload"), {"confirm": "1"})
    corrected = GOOD_2027.replace(f"2027-02-07,放假,春节,{NOTICE_2027},测试〔2026〕1号,2026-11-05\n", "").replace(
        "2027-01-03,放假,元旦", "2027-01-03,放假,元旦节")
    preview = upload(admin, corrected).context["upload"]
    assert (preview.added, preview.changed, preview.same, [e.day for e in preview.removed]) == (0, 1, 5, [date(2027, 2, 7)])
    admin.post(reverse("calendar_upload"), {"confirm": "1"})
    assert sorted(WorkingDayCalendar.objects.values_list("day", flat=True))[-2:] == [date(2027, 2, 6), date(2027, 2, 13)]
    assert WorkingDayCalendar.objects.get(day=date(2027, 1, 3)).name == "元旦节"


BAD_2027 = HEADER + (
    f"2027-01-01,放假,元旦,{NOTICE_2027},,\n"                    # row 2: fine
    f"2027-13-01,放假,元旦,{NOTICE_2027},,\n"                    # row 3: no such date
    f"2027-02-08,调休上班,春节,{NOTICE_2027},,\n"                # row 4: a Monday cannot be a make-up day
    f"2027-01-01,放假,元旦,{NOTICE_2027},,\n"                    # row 5: twice
    f"2027-02-05,休息,春节,{NOTICE_2027},,\n"                    # row 6: unknown kind
    f"2027-02-06,放假,,{NOTICE_2027},,\n"                        # row 7: no name
    "2027-02-07,放假,春节,国务院办公厅关于部分节假日安排的通知,,\n"  # row 8: the notice names no year
    f"2025-10-01,放假,国庆节,{NOTICE_2027},,\n"                  # row 9: not a day of that notice
    f"2027-02-09,放假,=HYPERLINK(\"x\"),{NOTICE_2027},,\n"        # row 10: a formula
)


def test_every_bad_row_is_named_with_its_reason_and_nothing_is_written(admin):
    response = upload(admin, BAD_2027)
    problems = [(p.row, p.column, p.reason) for p in response.context["problems"]]
    assert problems == [
        (3, "日期", "日期应为 YYYY-MM-DD 格式，如 2027-02-06"),
        (4, "类型", "调休上班日应为周六或周日（2027-02-08 是周一）"),
        (5, "日期", "日期与第 2 行重复"),
        (6, "类型", "类型应为“放假”或“调休上班”"),
        (7, "节日", "不能为空"),
        (8, "通知", "通知标题应写明年份，如“国务院办公厅关于2027年部分节假日安排的通知”"),
        (9, "日期", "日期不在该通知安排的年份内（2027 年）"),
        (10, "节日", "内容以 = + - @ 开头，会被表格软件当作公式，已拒绝"),
    ]
    page = response.content.decode()
    assert "文件中有问题，没有载入任何内容" in page and "共 8 个问题" in page
    assert admin.post(reverse("calendar_upload"), {"confirm": "1"}).status_code == 302  # nothing waits
    assert not HolidayNotice.objects.exists() and not WorkingDayCalendar.objects.exists()


def test_the_problems_read_in_english(english):
    response = upload(english, BAD_2027)
    reasons = [p.reason for p in response.context["problems"]]
    assert reasons[:2] == ["The date must be YYYY-MM-DD, e.g. 2027-02-06",
                           "A make-up working day must be a Saturday or a Sunday (2027-02-08 is a Monday)"]
    page = response.content.decode()
    assert "The file has problems; nothing was loaded" in page and "8 problems" in page


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "文件是空的"),
    ("日期,节日\n2027-01-01,元旦\n".encode(), "缺少列：类型、通知"),
    (HEADER.encode("utf-8"), "表中没有数据行"),
    ("\ufeff日期".encode("utf-16"), "不支持 UTF-16 编码的文件"),
    (b"\x00" * 10 + b"\xff\xfe\xfd", "无法识别文件编码"),
])
def test_an_unreadable_file_is_refused_as_a_whole(admin, content, reason):
    response = admin.post(reverse("calendar_upload"), {"file": SimpleUploadedFile("x.csv", content or b" ")})
    problems = response.context["problems"]
    assert len(problems) == 1 and problems[0].row is None and reason in problems[0].reason


def test_a_file_saved_by_excel_in_gbk_with_slashed_dates_is_read(admin):
    text = GOOD_2027.replace("2027-01-01", "2027/1/1").replace("2026-11-05", "2026/11/5")
    preview = upload(admin, text, encoding="gb18030").context["upload"]
    assert preview.ok and preview.rows[0].day == date(2027, 1, 1)


def test_two_titles_or_two_numbers_for_one_year_are_refused(admin):
    text = HEADER + (
        f"2027-01-01,放假,元旦,{NOTICE_2027},甲1号,\n"
        f"2027-01-02,放假,元旦,{NOTICE_2027},甲2号,\n"
        f"2027-01-03,放假,元旦,{NOTICE_2027.replace('通知', '补充通知')},甲1号,\n"
    )
    problems = [(p.row, p.reason) for p in upload(admin, text).context["problems"]]
    assert problems == [(3, "同一通知的文号或发布日期与第 2 行不同"), (4, "同一年份只能有一份通知，与第 2 行的通知标题不同")]


# --- the reminder on the administrator's home page --------------------------------------------


@pytest.mark.parametrize(("today", "shown"), [
    (date(2026, 10, 31), False),
    (date(2026, 11, 1), True),
    (date(2027, 1, 1), True),
])
def test_the_home_page_reminds_the_administrator_of_next_year_from_1_november(login, cast, clock, today, shown):
    clock.move_to(at(today))
    page = login(cast["admin"]).get("/").content.decode()
    assert ('data-testid="calendar-reminder"' in page) == shown
    if shown:
        assert "请录入 2027 年的放假安排" in page and f"{reverse('calendar_year')}?year=2027" in page


def test_the_reminder_ends_when_next_year_is_entered_and_reads_in_english(english):
    assert "Please enter the holidays of 2027" in english.get("/").content.decode()
    HolidayNotice.objects.create(year=2027, title=NOTICE_2027)
    assert 'data-testid="calendar-reminder"' not in english.get("/").content.decode()


def test_only_the_administrator_is_reminded(login, cast):
    for who in ("manager_a", "inspector", "clerk"):
        assert 'data-testid="calendar-reminder"' not in login(cast[who]).get("/").content.decode()


# --- who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager_a", "inspector", "inspector_city", "clerk"])
def test_only_administrators_reach_the_calendar(login, cast, who):
    notice = HolidayNotice.objects.create(year=2027, title=NOTICE_2027)
    entry = WorkingDayCalendar.objects.create(day=date(2027, 1, 1), kind="holiday", name="元旦", notice=notice)
    client = login(cast[who])
    for url in (reverse("calendar_year"), reverse("calendar_upload"), reverse("calendar_notice_edit", args=[2027]),
                reverse("calendar_day_new", args=[2027]), reverse("calendar_day_edit", args=[entry.pk]),
                reverse("calendar_day_delete", args=[entry.pk])):
        assert client.get(url).status_code == 403
        assert client.post(url, {"day": "2027-01-02", "kind": "holiday", "name": "x", "notice": notice.pk,
                                 "title": "x", "confirm": "1"}).status_code == 403
    assert client.post(reverse("calendar_notice_delete", args=[2027])).status_code == 403
    assert client.post(reverse("calendar_load_library")).status_code == 403
    assert client.post(reverse("calendar_upload"), {"file": csv_file(GOOD_2027)}).status_code == 403
    assert list(WorkingDayCalendar.objects.values_list("day", flat=True)) == [date(2027, 1, 1)]
    assert HolidayNotice.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("calendar_year"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_services_refuse_anyone_but_an_administrator(cast):
    with pytest.raises(PermissionDenied):
        holiday_notice_save(by=cast["inspector"], year=2027, title=NOTICE_2027)
