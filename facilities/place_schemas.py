"""Where a record is, for API outputs that belong to a facility: its id, name and region.

Complaints, inspections and compliance days share these four fields; the list queries join the
facility and its region, so the resolvers cost no query per row.
"""
from ninja import Schema


class FacilityPlaceOut(Schema):
    facility_id: int
    facility_name: str
    region_code: str
    region_name: str

    @staticmethod
    def resolve_facility_name(obj):
        return obj.facility.name

    @staticmethod
    def resolve_region_code(obj):
        return obj.facility.region_id

    @staticmethod
    def resolve_region_name(obj):
        return obj.facility.region.full_name
