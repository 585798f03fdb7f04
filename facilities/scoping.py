"""The one place that decides what a user may see and change.

Every view, API handler, export and task asks here. Deny by default: an anonymous or inactive
user, or a role this module does not know, sees nothing.

Separation of duties (等保 level 3): administrators manage users, assignments, regions and rule
parameters and read the access log, and they keep the facility-level records (the register, star
ratings, inspections, staffing compliance figures), but they never read personal data: people and
their statuses, stays, assessments and visits, staff members, claim batches (they consist of
personal lines) and alerts (many name a person). Our User has a single role, so an administrator
account reads no personal data at all; the `personal_*` filters below are what the selectors of
those records use.
"""
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import Role

from .models import Alert, Facility, FacilityAssignment, Region
from .rules import region_in_scope, region_scope_prefix


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_administrator(user) -> bool:
    return _active(user) and user.role == Role.ADMIN


def is_facility_manager(user) -> bool:
    """A facility's manager (机构负责人): acts for the facilities assigned to them."""
    return _active(user) and user.role == Role.MANAGER


def is_regional_inspector(user) -> bool:
    """A civil-affairs inspector (民政督查) with a region to cover."""
    return _active(user) and user.role == Role.INSPECTOR and bool(user.region_code)


def is_regional_user(user) -> bool:
    """An inspector or a clerk: their work belongs to their region (not to a facility)."""
    return _active(user) and user.role in (Role.INSPECTOR, Role.CLERK)


def may_be_assigned_facilities(user) -> bool:
    """Facilities are assigned to facility managers' accounts only."""
    return user.role == Role.MANAGER


def is_regional_clerk(user) -> bool:
    """A subsidy clerk (补贴经办) with a region to cover."""
    return _active(user) and user.role == Role.CLERK and bool(user.region_code)


def user_region_prefix(user) -> str | None:
    """The region-code prefix a regional user covers; '' for administrators; None for the rest."""
    if not _active(user):
        return None
    if user.role == Role.ADMIN:
        return ""
    if user.role in (Role.INSPECTOR, Role.CLERK) and user.region_code:
        return region_scope_prefix(user.region_code)
    return None


def sees_a_region(user) -> bool:
    """Regional users (their region) and administrators (every region) have region-wide views."""
    return user_region_prefix(user) is not None


def facility_scope_q(user, *, prefix: str = "") -> Q | None:
    """A filter on facilities (relative to `prefix`, e.g. 'facility__') for this user, or None for nothing."""
    region_prefix = user_region_prefix(user)
    if region_prefix is not None:
        return Q(**{f"{prefix}region__code__startswith": region_prefix}) if region_prefix else Q()
    if _active(user) and user.role == Role.MANAGER:
        return Q(**{f"{prefix}id__in": FacilityAssignment.objects.filter(user=user).values("facility_id")})
    return None


WORKING_ROLES = (Role.MANAGER, Role.INSPECTOR, Role.CLERK)


def can_read_personal_data(user) -> bool:
    """Managers, inspectors and clerks (each within their scope); never administrators."""
    return _active(user) and user.role in WORKING_ROLES


def personal_facility_scope_q(user, *, prefix: str = "") -> Q | None:
    """`facility_scope_q` for records about people (residents, stays, staff, claims): None for administrators."""
    return facility_scope_q(user, prefix=prefix) if can_read_personal_data(user) else None


def personal_region_scope_q(user, *, field: str) -> Q | None:
    """`region_scope_q` for records about people: None for administrators."""
    return region_scope_q(user, field=field) if can_read_personal_data(user) else None


def facilities_visible_to(user) -> QuerySet[Facility]:
    q = facility_scope_q(user)
    if q is None:
        return Facility.objects.none()
    return Facility.objects.filter(q)


def regions_visible_to(user) -> QuerySet[Region]:
    """Regions a user may pick in filters and forms: their own region and everything below it."""
    region_prefix = user_region_prefix(user)
    if region_prefix is None:
        codes = facilities_visible_to(user).values("region_id")
        return Region.objects.filter(code__in=codes)
    return Region.objects.filter(code__startswith=region_prefix) if region_prefix else Region.objects.all()


def can_create_facility(user, region_code: str) -> bool:
    """Inspectors of the region and administrators register facilities."""
    if not _active(user):
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.INSPECTOR and bool(user.region_code) and region_in_scope(region_code, user.region_code)


def can_register_facilities(user) -> bool:
    """Whether the user may register facilities anywhere (shows the "register" button)."""
    return _active(user) and (user.role == Role.ADMIN or (user.role == Role.INSPECTOR and bool(user.region_code)))


def can_edit_facility(user, facility: Facility) -> bool:
    """Full edit: the same people who may create a facility in its region."""
    return can_create_facility(user, facility.region_id)


def can_edit_facility_contact(user, facility: Facility) -> bool:
    """A manager keeps their own facility's contact details up to date."""
    if can_edit_facility(user, facility):
        return True
    return (
        _active(user)
        and user.role == Role.MANAGER
        and facility.assignments.filter(user=user).exists()
    )


def region_scope_q(user, *, field: str) -> Q | None:
    """A filter on a region-code field for regional users and administrators; None for the rest."""
    region_prefix = user_region_prefix(user)
    if region_prefix is None:
        return None
    return Q(**{f"{field}__startswith": region_prefix}) if region_prefix else Q()


def can_act_for_facility(user, facility: Facility) -> bool:
    """Record admissions, discharges, assessments and staff: the facility's own managers only
    (administrators never handle personal data)."""
    return (
        _active(user)
        and user.role == Role.MANAGER
        and FacilityAssignment.objects.filter(user=user, facility=facility).exists()
    )


def edit_keeps_in_scope(user, region_code: str | None) -> bool:
    """Every edit keeps the record inside the editor's scope: a regional user may set a region field
    only to a code within their own region (managers' scope follows facilities, not region codes)."""
    region_prefix = user_region_prefix(user)
    if region_prefix is None or region_prefix == "":
        return True
    return bool(region_code) and region_code.startswith(region_prefix)


def can_act_in_region(user, region_code: str) -> bool:
    """Register people, confirm support status and manage dispersed support: inspectors of the region."""
    return (
        _active(user) and user.role == Role.INSPECTOR and bool(user.region_code) and bool(region_code)
        and region_in_scope(region_code, user.region_code)
    )


def can_record_rectification(user, facility: Facility) -> bool:
    """Rectification of inspection findings: the facility's own managers, and administrators
    (inspections are facility-level records, not personal data)."""
    return can_act_for_facility(user, facility) or (_active(user) and user.role == Role.ADMIN)


def alerts_visible_to(user) -> QuerySet[Alert]:
    """Regional users see their region's alerts; managers those of their facilities; administrators
    none: many alerts name a person, and the rest are the working roles' business."""
    q = personal_region_scope_q(user, field="region__code")
    if q is None:
        q = personal_facility_scope_q(user, prefix="facility__")
    return Alert.objects.none() if q is None else Alert.objects.filter(q)


def can_acknowledge_alert(user, alert) -> bool:
    """Inspectors of the alert's region acknowledge it, with a note."""
    return _active(user) and user.role == Role.INSPECTOR and bool(user.region_code) and region_in_scope(
        alert.region_id, user.region_code
    )


def _clerk_covers(user, region_code: str | None) -> bool:
    return (
        _active(user) and user.role == Role.CLERK and bool(user.region_code) and bool(region_code)
        and region_in_scope(region_code, user.region_code)
    )


def claim_batch_scope_q(user) -> Q | None:
    """Claim batches: regional users by the batch's region; managers their facilities'; administrators
    none (a batch is its lines, one per person)."""
    q = personal_region_scope_q(user, field="region__code")
    return q if q is not None else personal_facility_scope_q(user, prefix="facility__")


def can_manage_standards(user, region_code: str | None) -> bool:
    """Subsidy clerks set the standards of their region and below; national defaults ship as data."""
    return _clerk_covers(user, region_code)


def can_generate_claims(user, region_code: str) -> bool:
    return _clerk_covers(user, region_code)


def claim_batch_managers(batch):
    """The user ids of the active manager accounts of a facility batch's facility (none for a township's)."""
    if not batch.facility_id:
        return FacilityAssignment.objects.none().values_list("user_id", flat=True)
    return FacilityAssignment.objects.filter(
        facility_id=batch.facility_id, user__role=Role.MANAGER, user__is_active=True
    ).values_list("user_id", flat=True)


def can_submit_claim_batch(user, batch, *, recused=frozenset()) -> bool:
    """A facility's batch is submitted by its manager; a township's by a clerk on the township's behalf.

    A facility with no active manager account (many small 敬老院) is submitted by a clerk too, and so
    is one whose every manager is `recused` (user ids who declared a relative on the batch, found by
    the caller: residents.recusal): nobody is stuck by the recusal rule. A recused user never submits.
    """
    if not _active(user) or user.pk in recused:
        return False
    if batch.facility_id:
        managers = claim_batch_managers(batch).exclude(user_id__in=recused)
        if user.role == Role.MANAGER:
            return managers.filter(user=user).exists()
        return _clerk_covers(user, batch.region_id) and not managers.exists()
    return _clerk_covers(user, batch.region_id)


def can_review_claim_batch(user, batch) -> bool:
    """Approve, return and mark paid: clerks of the batch's region."""
    return _clerk_covers(user, batch.region_id)


def can_export_full_id_numbers(user) -> bool:
    """Only the payment export carries whole ID numbers, and only clerks need it (each one is logged)."""
    return _active(user) and user.role == Role.CLERK and bool(user.region_code)


# --- accountability: complaints, relatives' declarations, the staffing budget ------------


def inspector_scope_q(user, *, field: str) -> Q | None:
    """Supervision records only inspectors handle — complaints about facilities (a complaint names
    who complained, so never the facility's managers) and possible undeclared relatives: the
    inspectors of the region; None for everyone else."""
    if not (_active(user) and user.role == Role.INSPECTOR):
        return None
    return region_scope_q(user, field=field)


def handles_complaints(user) -> bool:
    """The complaint pages are for inspectors (the complaints of their region)."""
    return inspector_scope_q(user, field="facility__region__code") is not None


def can_see_complainant_contact(user, complaint) -> bool:
    """首问负责: a complainant's contact details are for the inspector who took the complaint only."""
    return _active(user) and complaint.assigned_to_id is not None and complaint.assigned_to_id == user.pk


def relative_declaration_scope_q(user) -> Q | None:
    """近亲属备案: regional users see the declarations of their region, managers those of their
    facilities' staff, everyone their own; administrators none (personal data)."""
    if not can_read_personal_data(user):
        return None
    q = personal_region_scope_q(user, field="region__code")
    if q is None:
        q = personal_facility_scope_q(user, prefix="facility__")
    return Q(declarant_user=user) if q is None else q | Q(declarant_user=user)


def can_plan_staffing_budget(user, region_code: str) -> bool:
    """The staffing budget (政府购买服务经费) and the funded posts: inspectors and clerks of the region."""
    return (
        _active(user) and user.role in (Role.INSPECTOR, Role.CLERK) and bool(user.region_code) and bool(region_code)
        and region_in_scope(region_code, user.region_code)
    )


def can_edit_working_day_calendar(user) -> bool:
    """The working-day calendar (holidays and make-up working days) is reference data for every
    region: administrators keep it; every other role is refused its pages (403)."""
    return _active(user) and user.role == Role.ADMIN


def can_register_people(user) -> bool:
    """Register and import people: facility managers (at admission; stays only into facilities they
    act for) and inspectors (the region is checked per person)."""
    return _active(user) and user.role in (Role.MANAGER, Role.INSPECTOR)


def can_make_notices(user) -> bool:
    """Public notices (公示) are made by inspectors and clerks of a region (the township is checked per notice)."""
    return is_regional_inspector(user) or is_regional_clerk(user)


def can_manage_notices(user, township_code: str) -> bool:
    """Make notices and record objections: inspectors and clerks whose region covers the township."""
    return can_make_notices(user) and bool(township_code) and region_in_scope(township_code, user.region_code)


@dataclass(frozen=True)
class Capabilities:
    """What a user's role lets them reach: the menus, tabs and buttons pages offer. Templates read
    these flags (`can` in every template, facilities.context_processors) and never compare roles;
    each page still checks the object it acts on through the functions above."""

    working_pages: bool = False  # facilities, people, staffing, inspections, alerts, claims
    own_facilities_only: bool = False  # a manager: the facility menu is "my facilities"
    administration: bool = False  # users, the access log, the working-day calendar, region changes
    complaints: bool = False
    register_people: bool = False
    admit: bool = False
    import_people: bool = False
    custody: bool = False  # the custody overview of the user's facilities or region
    custody_sampling: bool = False  # random sampling of ledgers (inspectors)
    notices: bool = False
    staffing_budget: bool = False
    generate_claims: bool = False
    acknowledge_alerts: bool = False


def capabilities_for(user) -> Capabilities:
    if not _active(user):
        return Capabilities()
    working = can_read_personal_data(user)
    return Capabilities(
        working_pages=working,
        own_facilities_only=is_facility_manager(user),
        administration=is_administrator(user),
        complaints=handles_complaints(user),
        register_people=is_regional_inspector(user),
        admit=is_facility_manager(user),
        import_people=can_register_people(user),
        custody=is_facility_manager(user) or user.role == Role.INSPECTOR,
        custody_sampling=user.role == Role.INSPECTOR,
        notices=can_make_notices(user),
        staffing_budget=can_plan_staffing_budget(user, user.region_code or ""),
        generate_claims=is_regional_clerk(user),
        acknowledge_alerts=is_regional_inspector(user),
    )
