"""Access records for reads of a person's health and disability details (等保: sensitive reads are logged).

The person page and the API's person, people-list and assessment reads show disability status and
self-care assessments whole; each such read writes one record through accounts.audit.
"""
from django.utils.translation import gettext_lazy as _

from accounts.audit import access_record
from accounts.models import AccessAction


def health_read_record(request, *, person) -> None:
    access_record(
        request=request, action=AccessAction.READ_HEALTH, target=f"person:{person.pk}",
        detail=_("查看人员健康与残疾信息：%(name)s"), params={"name": person.name},
    )


def health_list_read_record(request, *, what: str, filters: str = "") -> None:
    access_record(
        request=request, action=AccessAction.READ_HEALTH, target=what,
        detail=_("读取人员列表（含残疾情况和生活自理能力）：%(filters)s"), params={"filters": filters or "—"},
    )
