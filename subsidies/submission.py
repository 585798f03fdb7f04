"""Who submits a draft claim batch once the recusal rule (近亲属回避) is applied, so nobody is stuck.

A facility's managers submit its batch; a manager who declared a relative on the batch steps aside,
and another manager of the facility submits; when none is left (or the facility has no manager
account), a clerk of the region submits on its behalf. A township's batch is submitted by a clerk of
the region who is not recused. The rights themselves are decided in facilities.scoping with the
recused ids found here; this module also names the people, so the batch page can say who.
"""
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import User
from facilities.scoping import can_submit_claim_batch, claim_batch_managers
from residents.recusal import recused_user_ids

from .models import ClaimBatch


@dataclass(frozen=True)
class Submitters:
    managers: tuple[str, ...]  # the facility's managers who may submit
    recused: tuple[str, ...]  # the facility's managers who must step aside
    recused_ids: frozenset[int]  # users (those managers and the asking user) with a declared relative on the batch
    by_clerk: bool  # a clerk of the region submits (township batch, no manager account or every one recused)

    def may_submit(self, user, batch: ClaimBatch) -> bool:
        return can_submit_claim_batch(user, batch, recused=self.recused_ids)

    def is_recused(self, user) -> bool:
        return user.pk in self.recused_ids


def batch_submitters(*, batch: ClaimBatch, user) -> Submitters:
    """Two queries for a facility's batch (its managers, who of them and the user is recused), one for a township's."""
    managers = list(User.objects.filter(pk__in=claim_batch_managers(batch)).order_by("full_name", "pk")) \
        if batch.facility_id else []
    recused = recused_user_ids(
        user_ids=[manager.pk for manager in managers] + [getattr(user, "pk", None)],
        person_ids=batch.lines.values("person_id"),
    )
    return Submitters(
        managers=tuple(str(m) for m in managers if m.pk not in recused),
        recused=tuple(str(m) for m in managers if m.pk in recused),
        recused_ids=frozenset(recused),
        by_clerk=not any(m.pk not in recused for m in managers),
    )


def review_refusal(*, batch: ClaimBatch, user) -> str | None:
    """Why this clerk may not approve the submitted batch (services.batch_approve refuses the same), so
    the page offers no approval it would refuse: one query, for a declared relative. Returning a batch
    decides nothing about the money and stays open to them."""
    if batch.submitted_by_id == user.pk:
        return _("提交人不能审核自己提交的批次，请由其他经办人员审核")
    if recused_user_ids(user_ids=[user.pk], person_ids=batch.lines.values("person_id")):
        return _("本批次含您已备案的近亲属，按近亲属备案制度您须回避，请由其他经办人员审核")
    return None
