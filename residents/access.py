"""Who may do what with custody ledgers and public notices, built only on facilities.scoping.

Reads: a custody account is visible where its facility is (personal_facility_scope_q: managers their
facilities, regional users their region, administrators nothing); a notice where its township is
(personal_region_scope_q: inspectors and clerks of the region; managers and administrators nothing —
a notice names people of a whole township, not of one facility).

Changes: the facility's own managers record ledger entries (can_act_for_facility); inspectors of the
facility's region draw samples and record check notes (can_act_in_region); inspectors and clerks of
the township's region make notices and record objections (`can_manage_notices`, defined here because
facilities.scoping has no predicate for "inspector or clerk of a region").
"""
from django.db.models import Q

from accounts.models import Role
from facilities.models import Facility
from facilities.rules import region_in_scope
from facilities.scoping import (
    can_act_for_facility,
    can_act_in_region,
    can_read_personal_data,
    personal_facility_scope_q,
    personal_region_scope_q,
)


def custody_scope_q(user, *, prefix: str = "") -> Q | None:
    """A filter on custody accounts (relative to `prefix`, e.g. 'account__'); None for nothing."""
    return personal_facility_scope_q(user, prefix=f"{prefix}facility__")


def can_record_custody(user, facility: Facility) -> bool:
    return can_act_for_facility(user, facility)


def can_sample_custody(user, facility: Facility) -> bool:
    return can_act_in_region(user, facility.region_id)


def notice_scope_q(user, *, prefix: str = "") -> Q | None:
    """A filter on notices (relative to `prefix`, e.g. 'notice__'); None for nothing."""
    return personal_region_scope_q(user, field=f"{prefix}township__code")


def can_manage_notices(user, township_code: str) -> bool:
    """Make notices and record objections: inspectors and clerks whose region covers the township."""
    return (
        can_read_personal_data(user) and user.role in (Role.INSPECTOR, Role.CLERK) and bool(user.region_code)
        and bool(township_code) and region_in_scope(township_code, user.region_code)
    )


def may_make_notices(user) -> bool:
    """Whether to offer the "new notice" button at all."""
    return can_read_personal_data(user) and user.role in (Role.INSPECTOR, Role.CLERK) and bool(user.region_code)
