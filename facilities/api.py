from django.core.exceptions import ValidationError
from ninja import Query, Router, Status
from ninja.pagination import paginate

from common.pagination import LimitOffsetPagination

from . import services
from .models import Region
from .schemas import FacilityFilterIn, FacilityIn, FacilityOut, FacilityPatch
from .scoping import can_edit_facility
from .selectors import FacilityFilters, facility_get_for_user, facility_list

router = Router(tags=["facilities"])


def _region(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError({"region_code": "行政区划代码不存在 / unknown region code"})
    return region


@router.get("", response=list[FacilityOut], summary="机构列表 / facilities in scope")
@paginate(LimitOffsetPagination)
def list_facilities(request, filters: Query[FacilityFilterIn]):
    return facility_list(
        user=request.user,
        filters=FacilityFilters(
            region=filters.region or "",
            kind=filters.kind or "",
            operator=filters.operator or "",
            status=filters.status or "",
            q=filters.q,
            level=filters.level,
        ),
    )


@router.get("/{int:facility_id}", response=FacilityOut, summary="机构详情 / one facility")
def get_facility(request, facility_id: int):
    return facility_get_for_user(user=request.user, facility_id=facility_id)


@router.post("", response={201: FacilityOut}, summary="登记机构 / register a facility")
def create_facility(request, payload: FacilityIn):
    data = payload.dict(exclude={"region_code"})
    facility = services.facility_create(by=request.user, region=_region(payload.region_code), **data)
    facility.star_level = 0  # a new facility has no rating yet
    return Status(201, facility)


@router.patch("/{int:facility_id}", response=FacilityOut, summary="修改机构 / change a facility")
def update_facility(request, facility_id: int, payload: FacilityPatch):
    facility = facility_get_for_user(user=request.user, facility_id=facility_id)
    changes = payload.dict(exclude_unset=True)
    if not can_edit_facility(request.user, facility) and set(changes) <= set(services.CONTACT_FIELDS):
        updated = services.facility_update_contact(
            by=request.user,
            facility=facility,
            contact_person=changes.get("contact_person", facility.contact_person),
            contact_phone=changes.get("contact_phone", facility.contact_phone),
        )
    else:
        if "region_code" in changes:
            changes["region"] = _region(changes.pop("region_code"))
        updated = services.facility_update(by=request.user, facility=facility, **changes)
    updated.star_level = facility.star_level  # a registry edit never changes the level
    return updated
