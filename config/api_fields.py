"""Report a service's field errors under the names the API request used (facility → facility_id)."""
from contextlib import contextmanager

from django.core.exceptions import ValidationError


@contextmanager
def fields_as(**names):
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({names.get(field, field): errors for field, errors in exc.error_dict.items()}) from exc
