"""The main paths walked with the keyboard alone (WCAG 2.1.1): Tab to move, Enter to follow a link or press a
button, the arrow keys in a select and typing in a field; no mouse, no click. Each step finds the next
control by Tab from where the focus is, so a control the keyboard cannot reach, or a swap that drops the
focus, fails the walk."""
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from facilities.models import Inspection
from residents.models import Stay
from residents.rules import id_check_character
from subsidies.models import BatchStatus, ClaimBatch
from tests.e2e.test_claims import resident

pytestmark = pytest.mark.django_db(transaction=True)

# The focused element's name as a screen reader would read it: aria-label, its label, or its text.
FOCUSED = """() => { const e = document.activeElement; if (!e || e === document.body) return "";
  const label = (e.labels && e.labels.length) ? e.labels[0].innerText : "";
  /* a link's or a button's text; not a select's (all its options) nor a scroll box's (its whole table) */
  const text = ["A", "BUTTON", "SUMMARY"].includes(e.tagName) ? e.innerText : "";
  return [e.getAttribute("aria-label"), label, text, e.getAttribute("title")].filter(Boolean).join(" | ").replace(/\\s+/g, " "); }"""
IDLE = ".htmx-request, .htmx-swapping, .htmx-settling"


def tab_to(page, name: str, *, limit: int = 150) -> None:
    """Tab forward until the focused control's name holds `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if name in page.evaluate(FOCUSED):
            return
    raise AssertionError(f"{name!r} is not reachable with Tab (focus is on {page.evaluate(FOCUSED)!r})")


def follow(page, name: str) -> None:
    """Tab to a link or button and press Enter: a new page loads."""
    tab_to(page, name)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def choose(page, value: str) -> None:
    """Set the focused select to `value` with the arrow keys, one step at a time, letting htmx settle after each
    (a cascading region select loads its next level on every change)."""
    for _ in range(400):
        state = page.evaluate("""(v) => { const s = document.activeElement;
          return {index: Array.from(s.options || []).findIndex(o => o.value === v), current: s.selectedIndex, tag: s.tagName}; }""", value)
        assert state["tag"] == "SELECT", f"the focus left the select (now on {page.evaluate(FOCUSED)!r})"
        assert state["index"] >= 0, f"{value!r} is not an option"
        if state["index"] == state["current"]:
            return
        page.keyboard.press("ArrowDown" if state["index"] > state["current"] else "ArrowUp")
        expect(page.locator(IDLE)).to_have_count(0)
    raise AssertionError(f"{value!r} was not reached")


def type_date(page, name: str, day: date) -> None:
    """The browser's date field, typed as its segments are laid out: headless Chromium shows month, day, year
    whatever the page's locale (a Chinese desktop shows year, month, day); each full segment moves on."""
    tab_to(page, name)
    page.keyboard.type(f"{day:%m%d%Y}")
    assert page.evaluate("() => document.activeElement.value") == day.isoformat()


def type_into(page, name: str, text: str) -> None:
    tab_to(page, name)
    page.keyboard.type(text)


def test_a_manager_admits_a_person_with_the_keyboard_alone(cast, facilities, sign_in):
    page = sign_in("manager_a")
    follow(page, "人员")
    follow(page, "登记入住")
    tab_to(page, "入住机构")
    choose(page, str(facilities["a"].pk))
    type_date(page, "入住日期", date(2026, 11, 2))
    body = "62100219440518122"
    type_into(page, "身份证号码", body + id_check_character(body))
    type_into(page, "姓名", "马秀兰")
    for level, code in (("省", "620000"), ("市", "621000"), ("县", "621002")):
        tab_to(page, level)
        choose(page, code)
    tab_to(page, "户籍类型")
    choose(page, "rural")
    follow(page, "保存")
    expect(page.locator("main")).to_contain_text("已办理入住")
    assert Stay.objects.filter(person__name="马秀兰", facility=facilities["a"], admitted_on=date(2026, 11, 2)).exists()


def test_an_inspector_records_an_inspection_with_the_keyboard_alone(cast, facilities, sign_in):
    page = sign_in("inspector")
    follow(page, "督导检查")
    follow(page, "登记检查")
    tab_to(page, "被检查机构")
    choose(page, str(facilities["a"].pk))
    type_date(page, "检查日期", date(2026, 11, 20))
    tab_to(page, "检查类型")
    choose(page, "routine")
    type_into(page, "检查人员", "李秀兰、王建国")
    follow(page, "保存")
    expect(page.locator("main")).to_contain_text(facilities["a"].name)
    assert Inspection.objects.filter(facility=facilities["a"], inspected_on=date(2026, 11, 20)).exists()


@pytest.mark.usefixtures("sample_standards")
def test_a_month_is_generated_and_submitted_with_the_keyboard_alone(cast, facilities, sign_in):
    resident("张桂兰", facilities["a"], "partial")
    month = timezone.localdate().replace(day=1)
    page = sign_in("clerk")
    follow(page, "补贴申报")
    follow(page, "生成本月申报")
    follow(page, "开始生成")
    expect(page.get_by_test_id("run-progress")).to_contain_text("已完成")
    follow(page, f"查看 {month:%Y-%m} 的申报批次")
    follow(page, facilities["a"].name)
    expect(page.locator("h1")).to_contain_text(facilities["a"].name)
    follow(page, "退出")

    page = sign_in("manager_a")
    follow(page, "核对并提交")
    follow(page, "提交审核")
    expect(page.locator("main")).to_contain_text("已提交审核")
    assert ClaimBatch.objects.get(facility=facilities["a"], month=month).status == BatchStatus.SUBMITTED
