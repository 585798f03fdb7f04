"""The batch list's export from the page runs as a background job: asked, built, taken from the job's page."""
import io
import os
import time
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import unquote

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.jobs.services import jobs_prune
from accounts.models import AccessAction, AccessRecord, BackgroundJob, JobStatus, Notification
from subsidies.exports.background import claims_export_run
from tests.helpers import batches_of, count_queries
from tests.helpers import claim_resident as resident

JULY = date(2026, 7, 1)

pytestmark = pytest.mark.usefixtures("sample_standards")
in_process = pytest.mark.usefixtures("media")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def july(cast, facilities, generate):
    resident(facilities["a"], "甲")
    resident(facilities["a"], "乙", category="full")
    resident(facilities["b"], "丙")
    resident(None, "丁", town="621002101")
    generate(JULY)
    return batches_of(JULY, facilities)


def _start(client, capture, **form):
    with capture(execute=True):
        response = client.post(reverse("subsidies:batch_list_export_start"), form)
    assert response.status_code == 302, response.content[:300]
    return response


@in_process
def test_the_list_page_offers_the_export_with_its_filters(cast, july, login):
    html = login(cast["clerk"]).get(reverse("subsidies:batch_list"), {"month": "2026-07", "kind": "facility"}).content.decode()
    form = html.split('data-testid="list-export"')[1].split("</form>")[0]
    assert 'name="month" value="2026-07"' in form and 'name="kind" value="facility"' in form
    assert 'name="format" value="xlsx"' in form and 'name="full_ids" value="true"' in form  # the clerk's roster


@in_process
def test_clerk_exports_the_month_in_the_background_and_downloads_it(
        cast, july, login, django_capture_on_commit_callbacks):
    client = login(cast["clerk"])
    response = _start(client, django_capture_on_commit_callbacks, month="2026-07", format="xlsx")
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.status == JobStatus.DONE and job.requested_by == cast["clerk"]
    assert not AccessRecord.objects.exists(), "nothing has left yet: the record is written when the file is taken"

    page = client.get(response["Location"]).content.decode()
    assert "文件已生成，共 11 行明细" in page and reverse("job_download", args=[job.pk]) in page

    download = client.get(reverse("job_download", args=[job.pk]))
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    assert unquote(download["Content-Disposition"].split("''")[1]) == "补贴申报_2026-07.xlsx"
    sheets = pd.read_excel(io.BytesIO(b"".join(download.streaming_content)), sheet_name=None, dtype={"身份证号码": str})
    detail = sheets["明细"]
    assert len(detail) == 11 and all("*" in number for number in detail["身份证号码"])
    expected = sum((batch.total for batch in july.values()), Decimal("0.00"))
    assert sum(Decimal(str(amount)).quantize(Decimal("0.01")) for amount in detail["金额"]) == expected
    record = AccessRecord.objects.get()
    assert record.action == AccessAction.EXPORT and record.target == f"background_job:{job.pk}"
    assert "11 行" in record.detail and "month=2026-07" in record.detail


@in_process
def test_the_roster_with_whole_numbers_is_named_so_and_taken_by_clerks_only(
        cast, july, login, django_capture_on_commit_callbacks):
    client = login(cast["clerk"])
    _start(client, django_capture_on_commit_callbacks, month="2026-07", full_ids="true")
    job = BackgroundJob.objects.get()
    download = client.get(reverse("job_download", args=[job.pk]))
    assert unquote(download["Content-Disposition"].split("''")[1]) == "补贴申报_2026-07_发放名册_含完整身份证号.xlsx"
    detail = pd.read_excel(io.BytesIO(b"".join(download.streaming_content)), sheet_name="明细", dtype={"身份证号码": str})
    assert not any("*" in number for number in detail["身份证号码"])
    assert AccessRecord.objects.get().action == AccessAction.EXPORT_PERSONAL

    inspector = login(cast["inspector"])
    assert inspector.post(reverse("subsidies:batch_list_export_start"), {"full_ids": "true"}).status_code == 403
    assert BackgroundJob.objects.count() == 1


@in_process
def test_a_job_is_its_requesters_alone(cast, july, login, django_capture_on_commit_callbacks):
    _start(login(cast["clerk"]), django_capture_on_commit_callbacks, month="2026-07")
    job = BackgroundJob.objects.get()
    other = login(cast["inspector"])
    assert other.get(reverse("job_detail", args=[job.pk])).status_code == 404
    assert other.get(reverse("job_download", args=[job.pk])).status_code == 404
    assert job.title not in other.get(reverse("job_list")).content.decode()
    assert not AccessRecord.objects.exists()


@in_process
def test_a_clerk_who_lost_the_role_cannot_take_the_roster(cast, july, login, django_capture_on_commit_callbacks):
    clerk = cast["clerk"]
    client = login(clerk)
    _start(client, django_capture_on_commit_callbacks, month="2026-07", full_ids="true")
    job = BackgroundJob.objects.get()
    job.requested_by.role = "inspector"
    job.requested_by.save()
    client = login(job.requested_by)
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 403
    assert not AccessRecord.objects.exists()


@in_process
def test_bad_form_values_are_a_400_and_start_nothing(cast, july, login):
    client = login(cast["clerk"])
    assert client.post(reverse("subsidies:batch_list_export_start"), {"month": "July"}).status_code == 400
    assert client.post(reverse("subsidies:batch_list_export_start"), {"format": "pdf"}).status_code == 400
    assert client.get(reverse("subsidies:batch_list_export_start")).status_code == 405
    assert not BackgroundJob.objects.exists()


@in_process
def test_progress_is_counted_while_the_file_is_written(cast, july, login, django_capture_on_commit_callbacks,
                                                       monkeypatch):
    seen = []
    monkeypatch.setattr("subsidies.exports.claims.PROGRESS_EVERY", 4)
    monkeypatch.setattr("subsidies.exports.background.job_progress",
                        lambda job, **values: seen.append((values.get("done"), values.get("total"))))
    _start(login(cast["clerk"]), django_capture_on_commit_callbacks, month="2026-07")
    assert seen == [(0, 11), (4, None), (8, None), (11, None)]


@in_process
def test_the_page_polls_while_running_and_stops_when_done(cast, july, login):
    client = login(cast["clerk"])
    job = BackgroundJob.objects.create(kind="claims_export", title="补贴申报_2026-07.xlsx", requested_by=cast["clerk"],
                                       status=JobStatus.RUNNING, stage="exporting", done=5, total=11,
                                       params={"format": "xlsx", "full_ids": False, "what": "", "filters": {}})
    partial = client.get(reverse("job_detail", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in partial and "已写入 5 / 11 行" in partial and 'value="45"' in partial
    assert "<html" not in partial
    claims_export_run(job.pk)
    partial = client.get(reverse("job_detail", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and "job-download" in partial


@in_process
def test_a_task_delivered_twice_does_not_run_a_finished_job_again(cast, july, django_capture_on_commit_callbacks, login):
    _start(login(cast["clerk"]), django_capture_on_commit_callbacks, month="2026-07")
    job = BackgroundJob.objects.get()
    assert claims_export_run(job.pk) == 0
    assert BackgroundJob.objects.get().outcome == {"lines": 11}


@in_process
def test_a_long_job_tells_its_user_and_a_short_one_does_not(cast, july, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    quick = BackgroundJob.objects.create(kind="claims_export", title="快", requested_by=cast["clerk"],
                                         params={"format": "csv", "full_ids": False, "what": "", "filters": {}})
    claims_export_run(quick.pk)
    assert not Notification.objects.exists()

    slow = BackgroundJob.objects.create(kind="claims_export", title="慢", requested_by=cast["clerk"],
                                        params={"format": "csv", "full_ids": False, "what": "", "filters": {}})
    original = pd.DataFrame.to_csv

    def slow_csv(frame, *args, **kwargs):
        time_machine.shift(timedelta(seconds=30))
        return original(frame, *args, **kwargs)

    pd.DataFrame.to_csv = slow_csv
    try:
        claims_export_run(slow.pk)
    finally:
        pd.DataFrame.to_csv = original
    notification = Notification.objects.get()
    assert notification.user == cast["clerk"] and notification.link == f"/jobs/{slow.pk}/"
    assert notification.values == {"title": "慢", "status": "done"}


@in_process
def test_old_jobs_and_their_files_are_pruned(cast, july, django_capture_on_commit_callbacks, login, settings):
    _start(login(cast["clerk"]), django_capture_on_commit_callbacks, month="2026-07")
    job = BackgroundJob.objects.get()
    path = job.result.path
    assert jobs_prune(now=job.requested_at + timedelta(days=settings.JOB_RETENTION_DAYS - 1)) == 0
    assert jobs_prune(now=job.requested_at + timedelta(days=settings.JOB_RETENTION_DAYS, seconds=1)) == 1
    assert not BackgroundJob.objects.exists()
    assert not os.path.exists(path)


@in_process
def test_the_jobs_page_takes_a_fixed_number_of_queries(cast, july, login):
    client = login(cast["clerk"])
    counts = []
    for count in (1, 30):
        BackgroundJob.objects.bulk_create(
            BackgroundJob(kind="claims_export", title=f"导出 {n}", requested_by=cast["clerk"]) for n in range(count)
        )
        counts.append(count_queries(client, reverse("job_list")))
    assert counts[0] == counts[1]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_file_the_page_hands_over(cast, july, login, celery_worker):
    """The web process asks, a separate worker process builds and stores the file, the page serves it."""
    client = login(cast["clerk"])
    response = client.post(reverse("subsidies:batch_list_export_start"), {"month": "2026-07", "format": "csv"})
    job = BackgroundJob.objects.get()
    try:
        deadline = time.monotonic() + 60
        while not BackgroundJob.objects.get().finished and time.monotonic() < deadline:
            time.sleep(0.2)
        job.refresh_from_db()
        assert job.status == JobStatus.DONE and job.total == job.done == 11
        assert "文件已生成，共 11 行明细" in client.get(response["Location"]).content.decode()
        content = b"".join(client.get(reverse("job_download", args=[job.pk])).streaming_content).decode("utf-8-sig")
        assert len(content.strip().splitlines()) == 12  # the header and 11 lines
    finally:
        jobs_prune(now=timezone.now() + timedelta(days=366))


@in_process
def test_another_system_exports_in_the_background_and_takes_the_file(
        cast, july, login, django_capture_on_commit_callbacks):
    client = login(cast["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/api/subsidies/export-jobs?month=2026-07&format=csv")
    assert started.status_code == 202, started.content
    job = started.json()
    assert job["kind"] == "claims_export" and job["status"] in ("queued", "done")
    progress = client.get(f"/api/jobs/{job['id']}").json()
    assert progress["status"] == "done" and progress["outcome"] == {"lines": 11} and progress["percent"] == 100
    assert progress["download"] == f"/api/jobs/{job['id']}/download"
    content = b"".join(client.get(progress["download"]).streaming_content).decode("utf-8-sig")
    assert len(content.strip().splitlines()) == 12
    assert AccessRecord.objects.get().target == f"background_job:{job['id']}"

    other = login(cast["inspector"])
    assert other.get(f"/api/jobs/{job['id']}").status_code == 404
    assert other.get(progress["download"]).status_code == 404
    refused = other.post("/api/subsidies/export-jobs?month=2026-07&full_ids=true")
    assert refused.status_code == 403 and refused.json()["message_en"]
    assert client.post("/api/subsidies/export-jobs?month=July").status_code == 422
    assert BackgroundJob.objects.count() == 1
