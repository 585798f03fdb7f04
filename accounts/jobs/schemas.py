"""A background job as the API shows it to the user who asked for it."""
from datetime import datetime

from ninja import Field, Schema

from ..models import JobKind, JobStage, JobStatus


class JobOut(Schema):
    id: int
    kind: JobKind
    kind_display: str
    title: str
    status: JobStatus
    status_display: str
    stage: JobStage
    done: int = Field(description="已处理的行 / rows done")
    total: int = Field(description="总行数（写入阶段为写入的行数）/ rows in all (while writing: rows being written)")
    percent: int
    requested_at: datetime
    finished_at: datetime | None
    outcome: dict = Field(description="导入：新增、跳过、入住条数或问题；导出：行数 / an import's counts or problems; "
                                      "an export's lines")
    download: str | None = Field(description="完成的导出文件的下载地址 / where a finished export is downloaded")

    @staticmethod
    def resolve_kind_display(job) -> str:
        return job.get_kind_display()

    @staticmethod
    def resolve_status_display(job) -> str:
        return job.get_status_display()

    @staticmethod
    def resolve_download(job) -> str | None:
        return f"/api/jobs/{job.pk}/download" if job.status == JobStatus.DONE and job.result else None
