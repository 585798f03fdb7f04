"""Field helpers of the API: service errors under the request's names, and times the database can store."""
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils import timezone
from pydantic import AfterValidator


@contextmanager
def fields_as(**names):
    """Report a service's field errors under the names the API request used (facility → facility_id)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({names.get(field, field): errors for field, errors in exc.error_dict.items()}) from exc


def _local_time(value: datetime) -> datetime:
    """A time in the site's zone (one without a zone is read as local time). ISO 8601 allows offsets
    up to ±23:59 and PostgreSQL stores ±15:59 at most, and a time at the calendar's ends overflows
    when converted: such values are refused as invalid (422) instead of failing in the database."""
    try:
        local = timezone.localtime(timezone.make_aware(value) if timezone.is_naive(value) else value)
        local.astimezone(UTC)  # the databases store UTC: a local time at the calendar's ends overflows there
        return local
    except (OverflowError, ValueError) as exc:
        raise ValueError("时间超出范围 / the time is out of range") from exc


LocalDateTime = Annotated[datetime, AfterValidator(_local_time)]
