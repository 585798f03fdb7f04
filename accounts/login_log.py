"""The login log: successful logins and failed attempts (wrong passwords, codes and tokens, with
lockouts marked), as django-axes records them, in one list for the administrators' page."""
from axes.models import AccessFailureLog, AccessLog
from django.db.models import BooleanField, CharField, F, QuerySet, Value

COLUMNS = ("attempt_time", "username", "ip_address", "kind", "locked")


def login_events(*, username: str = "", address: str = "") -> QuerySet:
    """Newest first, as dicts with COLUMNS; `kind` is "success" or "failure"."""
    successes = AccessLog.objects.annotate(
        kind=Value("success", output_field=CharField()), locked=Value(False, output_field=BooleanField()),
    )
    failures = AccessFailureLog.objects.annotate(
        kind=Value("failure", output_field=CharField()), locked=F("locked_out"),
    )
    if username:
        successes, failures = successes.filter(username=username), failures.filter(username=username)
    if address:
        successes, failures = successes.filter(ip_address=address), failures.filter(ip_address=address)
    return successes.values(*COLUMNS).union(failures.values(*COLUMNS), all=True).order_by("-attempt_time")
