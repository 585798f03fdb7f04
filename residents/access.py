"""Who may do what with custody ledgers, public notices and safety records, built only on facilities.scoping.

Reads: a custody account is visible where its facility is (personal_facility_scope_q: managers their
facilities, regional users their region, administrators nothing); a notice where its township is
(personal_region_scope_q: inspectors and clerks of the region; managers and administrators nothing —
a notice names people of a whole township, not of one facility).

Changes: the facility's own managers record ledger entries (can_act_for_facility); inspectors of the
facility's region draw samples and record check notes (can_act_in_region); inspectors and clerks of
the township's region make notices and record objections (facilities.scoping.can_manage_notices).
Safety records (GB 38600 risk assessments, incidents) are read where their facility is and written by
its managers.
"""
from django.db.models import Q

from facilities.models import Facility
from facilities.scoping import (
    can_act_for_facility,
    can_act_in_region,
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




def safety_scope_q(user, *, prefix: str = "") -> Q | None:
    """A filter on safety records kept by facility (risk assessments, incidents; relative to `prefix`):
    the facility's managers and the region's inspectors and clerks; None for nothing."""
    return personal_facility_scope_q(user, prefix=f"{prefix}facility__")


def can_record_safety(user, facility: Facility) -> bool:
    """Risk assessments and incidents are the facility's own records: its managers write them."""
    return can_act_for_facility(user, facility)
