"""Recusal (回避) under the relatives' registration (近亲属备案制度): whoever has declared a close
relative does not confirm or terminate that relative's support status, assess them, or submit or
approve a claim batch with a line for them. The services call `ensure_not_related` after their own
right checks; the refusal names the rule and the relative, so the user knows to hand the case on.

It lives here, with the declarations, because residents and subsidies call it and neither may
depend on staffing (where declarations are made and reviewed). A refusal is a ValidationError with
the code "recused", like the other separation-of-duties rule (a submitter never approves their own
batch): the message reaches the form or the API client as it is.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Person, Relation, RelativeDeclaration

MAX_NAMED = 5


def declared_relatives(*, user, person_ids) -> list[dict]:
    """The user's open declarations naming any of these people, matched by ID number: one query.

    `person_ids` may be a list or a queryset of ids (e.g. a batch's lines), used as a subquery.
    """
    if user is None or not user.is_authenticated:
        return []
    return list(
        RelativeDeclaration.objects.filter(
            declarant_user=user, ended_on__isnull=True,
            relative_id_number__in=Person.objects.filter(pk__in=person_ids).values("id_number"),
        ).values("relative_name", "relation").order_by("relative_name", "id")[:MAX_NAMED]
    )


def ensure_not_related(*, user, person_ids, action) -> None:
    """Refuse `action` (a short phrase, e.g. 录入生活自理能力评估) when it concerns a declared relative of the user."""
    found = declared_relatives(user=user, person_ids=person_ids)
    if found:
        names = "、".join(f"{row['relative_name']}（{Relation(row['relation']).label}）" for row in found)
        raise ValidationError(
            _("近亲属回避：您已备案 %(names)s 为近亲属，按近亲属备案制度须回避，不能%(action)s，请交由其他工作人员办理"),
            params={"names": names, "action": action}, code="recused",
        )


def recused_user_ids(*, user_ids, person_ids) -> set[int]:
    """Which of these users have declared any of these people a close relative: one query.

    Used to find who else may act when the first in line must step aside (a facility's managers on
    a claim batch); `person_ids` may be a subquery, as in `declared_relatives`.
    """
    ids = {pk for pk in user_ids if pk is not None}
    if not ids:
        return set()
    return set(
        RelativeDeclaration.objects.filter(
            declarant_user_id__in=ids, ended_on__isnull=True,
            relative_id_number__in=Person.objects.filter(pk__in=person_ids).values("id_number"),
        ).values_list("declarant_user_id", flat=True).distinct()
    )


def declared_id_numbers(*, user):
    """The ID numbers the user has declared as close relatives (open declarations), as a subquery."""
    return RelativeDeclaration.objects.filter(declarant_user=user, ended_on__isnull=True).values("relative_id_number")
