"""Claim spreadsheets read back the way a clerk's tools read them: pandas, openpyxl and LibreOffice."""
import io
import os
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pandas as pd
import pytest
from django.urls import reverse

from accounts.models import AccessAction, AccessRecord
from residents.models import Person
from subsidies.models import ClaimBatch
from tests.factories import FacilityFactory
from tests.helpers import batches_of, count_queries
from tests.helpers import claim_resident as resident

JULY = date(2026, 7, 1)
SUMMARY, DETAIL = "汇总", "明细"
DETAIL_HEADERS = ["月份", "行政区划", "申报单位", "姓名", "身份证号码", "项目", "供养方式", "生活自理能力", "计发天数",
                  "金额", "上月金额", "补差月份", "提示"]
SUMMARY_HEADERS = ["月份", "行政区划", "申报单位", "状态", "人数", "明细数", "基本生活费", "照料护理费", "孤儿基本生活费",
                   "机构运营补贴", "合计"]

pytestmark = pytest.mark.usefixtures("sample_standards")


@pytest.fixture
def july(cast, facilities, generate):
    """July drafts: A with two names a spreadsheet would run as formulas, B, and the township 董志镇."""
    resident(facilities["a"], "甲")
    resident(facilities["a"], "=1+2", category="full")
    resident(facilities["a"], "@SUM(A1)", category="self_care")
    resident(facilities["b"], "丙")
    resident(None, "丁", town="621002101")
    generate(JULY)
    return batches_of(JULY, facilities)


def _batch_url(batch, fmt="xlsx"):
    return reverse("subsidies:batch_export", kwargs={"batch_id": batch.pk, "fmt": fmt})


def _sheets(content: bytes) -> dict[str, pd.DataFrame]:
    return pd.read_excel(io.BytesIO(content), sheet_name=None, dtype={"身份证号码": str})


def _yuan(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _total(column) -> Decimal:
    return sum((_yuan(value) for value in column if pd.notna(value)), Decimal("0.00"))


def _summary_total(summary: pd.DataFrame) -> Decimal:
    last = summary.iloc[-1]
    assert last["月份"] == "合计"
    return _yuan(last["合计"])


def _download(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return response.content


# --- the xlsx ----------------------------------------------------------------------------


def test_xlsx_has_a_summary_and_a_detail_sheet_with_chinese_headers(cast, july, login):
    response = login(cast["clerk"]).get(_batch_url(july["a"]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [SUMMARY, DETAIL]
    assert [cell.value for cell in book[DETAIL][1]] == DETAIL_HEADERS
    assert [cell.value for cell in book[SUMMARY][1]] == SUMMARY_HEADERS
    assert book[DETAIL].max_row == 1 + 9  # 3 people × basic living, care, operating
    assert book[DETAIL].column_dimensions["E"].width > 18  # the ID number column is wide enough to read
    amount = book[DETAIL]["J2"]
    assert amount.data_type == "n" and amount.number_format == "0.00"


def test_summary_totals_equal_the_detail_and_the_batch(cast, july, login):
    sheets = _sheets(_download(login(cast["manager_a"]), _batch_url(july["a"])))
    summary, detail = sheets[SUMMARY], sheets[DETAIL]
    assert _summary_total(summary) == _total(detail["金额"]) == july["a"].total == Decimal("5000.00")
    row = summary.iloc[0]
    assert (row["申报单位"], row["人数"], row["明细数"], row["状态"]) == ("西峰区中心敬老院", 3, 9, "草稿")
    assert _yuan(row["基本生活费"]) == Decimal("2400.00") and _yuan(row["照料护理费"]) == Decimal("2000.00")
    assert _yuan(row["机构运营补贴"]) == Decimal("600.00") and _yuan(row["孤儿基本生活费"]) == Decimal("0.00")
    for item in ("基本生活费", "照料护理费", "机构运营补贴"):
        assert _yuan(row[item]) == _total(detail.loc[detail["项目"] == item, "金额"])


def test_detail_rows_describe_each_line(cast, july, login):
    detail = _sheets(_download(login(cast["clerk"]), _batch_url(july["a"])))[DETAIL]
    care = detail[(detail["姓名"] == "甲") & (detail["项目"] == "照料护理费")].iloc[0]
    assert care["月份"] == "2026-07" and care["行政区划"] == "甘肃省庆阳市西峰区肖金镇"
    assert care["申报单位"] == "西峰区中心敬老院" and care["供养方式"] == "集中供养"
    assert care["生活自理能力"] == "部分丧失生活自理能力" and care["计发天数"] == 31
    assert _yuan(care["金额"]) == Decimal("600.00") and pd.isna(care["上月金额"])


def test_id_numbers_are_masked_text_by_default(cast, july, login):
    content = _download(login(cast["clerk"]), _batch_url(july["a"]))
    sheet = openpyxl.load_workbook(io.BytesIO(content))[DETAIL]
    masked = {person.masked_id_number for person in Person.objects.all()}
    full = set(Person.objects.values_list("id_number", flat=True))
    ids = [row[4] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" and cell.value in masked for cell in ids)
    assert not full & {cell.value for cell in ids}
    record = AccessRecord.objects.get()
    assert record.action == AccessAction.EXPORT and record.target == f"claim_batch:{july['a'].pk}"
    assert record.user == cast["clerk"] and "脱敏" in record.detail


def test_clerk_exports_full_id_numbers_as_text_and_it_is_logged(cast, july, login):
    content = _download(login(cast["clerk"]), _batch_url(july["a"]), {"full_ids": "1"})
    detail = _sheets(content)[DETAIL]
    people = dict(Person.objects.values_list("name", "id_number"))
    assert all(len(value) == 18 and value == people[name] for name, value in zip(detail["姓名"], detail["身份证号码"]))
    sheet = openpyxl.load_workbook(io.BytesIO(content))[DETAIL]
    assert all(row[4].data_type == "s" for row in sheet.iter_rows(min_row=2))
    record = AccessRecord.objects.get()
    assert record.action == AccessAction.EXPORT_PERSONAL and record.target == f"claim_batch:{july['a'].pk}"
    assert record.path.startswith(_batch_url(july["a"]))


def test_the_payment_roster_has_its_own_name_and_says_on_each_printed_page_what_it_holds(cast, july, login):
    client = login(cast["clerk"])
    masked = client.get(_batch_url(july["a"]))
    full = client.get(_batch_url(july["a"]), {"full_ids": "1"})
    assert "payment-roster-full-ids" in full["Content-Disposition"] and "payment-roster" not in masked["Content-Disposition"]
    assert "%E5%8F%91%E6%94%BE%E5%90%8D%E5%86%8C" in full["Content-Disposition"]  # 发放名册
    book = openpyxl.load_workbook(io.BytesIO(full.content))
    for sheet in book.worksheets:
        assert "含完整身份证号码" in sheet.oddHeader.center.text and cast["clerk"].username in sheet.oddFooter.center.text \
            or cast["clerk"].full_name in sheet.oddFooter.center.text
    assert not openpyxl.load_workbook(io.BytesIO(masked.content))[DETAIL].oddHeader.center.text


@pytest.mark.parametrize(("role", "status"), [("manager_a", 403), ("inspector", 403), ("admin", 404)])
def test_full_id_numbers_are_refused_to_other_roles(cast, july, login, role, status):
    response = login(cast[role]).get(_batch_url(july["a"]), {"full_ids": "true"})
    assert response.status_code == status  # administrators do not even see the batch
    assert not AccessRecord.objects.exists()


def test_names_that_look_like_formulas_stay_text(cast, july, login):
    book = openpyxl.load_workbook(io.BytesIO(_download(login(cast["clerk"]), _batch_url(july["a"]))))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    names = {cell.value: cell.data_type for cell in cells if cell.column_letter == "D" and cell.parent.title == DETAIL}
    assert names["=1+2"] == "s" and names["@SUM(A1)"] == "s"


# --- the csv -----------------------------------------------------------------------------


def test_csv_has_a_bom_and_reads_back_to_the_same_totals(cast, july, login):
    response = login(cast["clerk"]).get(_batch_url(july["a"], "csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig", dtype={"身份证号码": str, "金额": str})
    assert list(frame.columns) == DETAIL_HEADERS
    assert _total(frame["金额"]) == july["a"].total
    assert set(frame["金额"]) == {"800.00", "1200.00", "600.00", "200.00", "300.00", "100.00"}
    assert {"'=1+2", "'@SUM(A1)"} <= set(frame["姓名"])  # neutralised: a spreadsheet shows them as text
    assert all("*" in value for value in frame["身份证号码"])


def test_csv_with_full_ids_for_a_clerk(cast, july, login):
    content = _download(login(cast["clerk"]), _batch_url(july["town"], "csv"), {"full_ids": "yes"})
    frame = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype={"身份证号码": str})
    assert list(frame["身份证号码"]) == [Person.objects.get(name="丁").id_number] * 2
    assert AccessRecord.objects.get().action == AccessAction.EXPORT_PERSONAL


# --- downloads: names, scope, formats ----------------------------------------------------


def test_file_names_are_ascii_with_a_chinese_utf8_name(cast, july, login):
    disposition = login(cast["clerk"]).get(_batch_url(july["a"]))["Content-Disposition"]
    assert disposition.isascii()
    assert f'filename="subsidy-claims-2026-07-batch-{july["a"].pk}.xlsx"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "补贴申报_2026-07_西峰区中心敬老院.xlsx"
    list_url = reverse("subsidies:batch_list_export", kwargs={"fmt": "csv"})
    listed = login(cast["clerk"]).get(list_url, {"month": "2026-07"})
    assert unquote(listed["Content-Disposition"].split("''")[1]) == "补贴申报_2026-07.csv"
    assert "no-store" in listed["Cache-Control"]


@pytest.mark.parametrize(("role", "status"), [("manager_b", 404), ("inspector_other", 404), ("inspector", 200)])
def test_batch_export_is_scoped(cast, july, login, role, status):
    assert login(cast[role]).get(_batch_url(july["a"])).status_code == status


@pytest.mark.parametrize("url", [
    reverse("subsidies:batch_list_export", kwargs={"fmt": "pdf"}),
    reverse("subsidies:overview_export", kwargs={"fmt": "xls"}),
])
def test_unknown_formats_are_404(cast, july, login, url):
    assert login(cast["clerk"]).get(url).status_code == 404
    assert login(cast["clerk"]).get(_batch_url(july["a"], "json")).status_code == 404


def test_anonymous_is_sent_to_login(db, client, july):
    response = client.get(_batch_url(july["a"]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_bad_query_strings_are_a_400(cast, july, login):
    url = reverse("subsidies:batch_list_export", kwargs={"fmt": "xlsx"})
    assert login(cast["clerk"]).get(url, {"month": "July"}).status_code == 400
    assert login(cast["clerk"]).get(_batch_url(july["a"]), {"full_ids": "maybe"}).status_code == 400


# --- the batch list export ---------------------------------------------------------------


def _list(client, fmt="xlsx", **params):
    return _download(client, reverse("subsidies:batch_list_export", kwargs={"fmt": fmt}), params)


def test_list_export_sums_every_visible_batch(cast, july, login):
    sheets = _sheets(_list(login(cast["inspector"]), month="2026-07", status="", region="", kind=""))
    summary, detail = sheets[SUMMARY], sheets[DETAIL]
    expected = sum((batch.total for batch in july.values()), Decimal("0.00"))
    assert _summary_total(summary) == _total(detail["金额"]) == expected
    assert set(summary["申报单位"].dropna()) == {"西峰区中心敬老院", "西峰区董志特困供养服务中心", "董志镇"}
    by_payer = {row["申报单位"]: _yuan(row["合计"]) for _, row in summary.iloc[:-1].iterrows()}
    assert by_payer == {batch.payer_name: batch.total for batch in july.values()}
    assert summary.iloc[-1]["人数"] == 5 and summary.iloc[-1]["明细数"] == len(detail) == 14
    assert AccessRecord.objects.get().target == "claim_batch_list"


@pytest.mark.parametrize(("role", "params", "payers"), [
    ("manager_b", {}, {"西峰区董志特困供养服务中心"}),
    ("clerk", {"kind": "township"}, {"董志镇"}),
    ("clerk", {"region": "621002101"}, {"西峰区董志特困供养服务中心", "董志镇"}),
    ("clerk", {"status": "submitted"}, set()),
    ("inspector_other", {}, set()),
])
def test_list_export_follows_scope_and_filters(cast, july, login, role, params, payers):
    sheets = _sheets(_list(login(cast[role]), **params))
    assert set(sheets[SUMMARY]["申报单位"].dropna()) == payers
    assert set(sheets[DETAIL]["申报单位"]) == payers
    assert _summary_total(sheets[SUMMARY]) == _total(sheets[DETAIL]["金额"])


def test_list_export_csv_reads_back_to_the_same_totals(cast, july, login):
    frame = pd.read_csv(io.BytesIO(_list(login(cast["clerk"]), "csv", month="2026-07")), encoding="utf-8-sig")
    assert _total(frame["金额"]) == sum((batch.total for batch in july.values()), Decimal("0.00"))


def test_list_export_query_count_does_not_grow_with_rows(cast, july, facilities, regions, generate, login):
    client = login(cast["clerk"])
    url = reverse("subsidies:batch_list_export", kwargs={"fmt": "xlsx"})

    # session, user, the batches, their lines with payer and person, the access record
    few = count_queries(client, url, {"month": "2026-07"})
    for n in range(20):
        resident(FacilityFactory(region=regions["621002100"]) if n % 2 else facilities["b"], f"新{n:02d}")
    generate(JULY)
    assert count_queries(client, url, {"month": "2026-07"}) == few == 5


# --- the overview ------------------------------------------------------------------------


def test_overview_sums_by_county_and_item(cast, july, facilities, generate, login):
    resident(facilities["c"], "庆城甲", town="621021")  # another county of the city
    generate(JULY, region="621021")
    content = _download(login(cast["inspector_city"]), reverse("subsidies:overview_export", kwargs={"fmt": "xlsx"}),
                        {"month": "2026-07"})
    sheets = pd.read_excel(io.BytesIO(content), sheet_name=None, dtype={"行政区划代码": str})
    assert list(sheets) == [SUMMARY]
    frame = sheets[SUMMARY]
    rows = {row["行政区划代码"]: row for _, row in frame.iloc[:-1].iterrows()}
    assert set(rows) == {"621002", "621021"}
    assert rows["621002"]["县（市、区）"] == "西峰区" and rows["621002"]["人数"] == 5
    assert _yuan(rows["621002"]["合计"]) == sum((batch.total for batch in july.values()), Decimal("0.00"))
    qingcheng = ClaimBatch.objects.get(facility=facilities["c"]).total
    assert _yuan(rows["621021"]["合计"]) == qingcheng
    assert _summary_total(frame) == _total(frame.iloc[:-1]["合计"]) == ClaimBatch.objects.get(
        facility=facilities["c"]).total + _yuan(rows["621002"]["合计"])
    assert AccessRecord.objects.get().target == "claim_overview"


def test_overview_csv_is_scoped(cast, july, login):
    url = reverse("subsidies:overview_export", kwargs={"fmt": "csv"})
    mine = pd.read_csv(io.BytesIO(_download(login(cast["manager_a"]), url, {"month": "2026-07"})),
                       encoding="utf-8-sig", dtype={"行政区划代码": str})
    assert list(mine["行政区划代码"].dropna()) == ["621002"]
    assert _yuan(mine.iloc[-1]["合计"]) == july["a"].total
    other = pd.read_csv(io.BytesIO(_download(login(cast["inspector_other"]), url, {"month": "2026-07"})),
                        encoding="utf-8-sig")
    assert len(other) == 1 and _yuan(other.iloc[-1]["合计"]) == Decimal("0.00")


# --- LibreOffice -------------------------------------------------------------------------


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def test_libreoffice_reads_the_totals_and_the_full_ids(cast, july, login, tmp_path):
    soffice = _soffice()
    if soffice is None:
        (pytest.fail if os.environ.get("REQUIRE_LIBREOFFICE") else pytest.skip)("LibreOffice Calc is not installed")
    source = tmp_path / "claims.xlsx"
    source.write_bytes(_list(login(cast["clerk"]), month="2026-07", full_ids="true"))
    # comma, double quote, UTF-8, from row 1, …, cells as shown, every sheet to its own file
    csv_filter = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1'
    subprocess.run(
        [soffice, f"-env:UserInstallation=file:///tmp/lo-{os.getpid()}", "--headless", "--convert-to", csv_filter,
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    outputs = {path.stem.removeprefix("claims-"): path for path in Path(tmp_path).glob("claims-*.csv")}
    assert set(outputs) == {SUMMARY, DETAIL}
    summary = pd.read_csv(outputs[SUMMARY], dtype=str)
    detail = pd.read_csv(outputs[DETAIL], dtype=str)
    expected = sum((batch.total for batch in july.values()), Decimal("0.00"))
    assert _yuan(summary.iloc[-1]["合计"]) == _total(detail["金额"]) == expected
    people = dict(Person.objects.values_list("name", "id_number"))
    assert all(len(value) == 18 and value == people[name] for name, value in zip(detail["姓名"], detail["身份证号码"]))
    assert {"=1+2", "@SUM(A1)"} <= set(detail["姓名"])
