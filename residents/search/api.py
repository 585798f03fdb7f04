"""The search API: what the header's box finds, for other systems and the box's own suggestions."""
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from common.bilingual import rule_message

from .rules import MAX_QUERY, QueryKind, read_query
from .services import search_recorded

router = Router(tags=["search"])


class SearchIn(Schema):
    q: str = Field(..., max_length=MAX_QUERY, description="姓名、拼音首字母、身份证号码（完整或后 4–6 位）、机构名称或统一社会信用代码 / "
                                                          "a name, pinyin initials, an ID number (whole or its last 4–6 characters), a facility's name or credit code")


class PersonHit(Schema):
    id: int
    name: str
    id_number_masked: str = Field(alias="masked_id_number")
    sex: str
    birth_date: date
    facility_name: str | None = Field(None, alias="current_facility_name", description="现住机构 / where they live now")
    departed_on: date | None = Field(None, alias="seen_until", description="离开您机构的日期 / left your facility on")


class FacilityHit(Schema):
    id: int
    name: str
    region_code: str = Field(alias="region_id")
    region_name: str = Field(alias="region.full_name")


class SearchOut(Schema):
    kind: QueryKind
    people: list[PersonHit]
    more_people: bool
    facilities: list[FacilityHit]
    more_facilities: bool


@router.get("", response=SearchOut, summary="搜索人员和机构 / search people and facilities")
def search_api(request, params: Query[SearchIn]):
    """At most 20 of each, in your scope, ID numbers masked; a search of people is access-logged.
    Digits other than a whole ID number or its last 4–6 characters are refused (422)."""
    try:
        query = read_query(params.q)
    except ValueError as exc:
        raise ValidationError({"q": rule_message(str(exc))}) from exc
    results = search_recorded(request=request, query=query, today=timezone.localdate())
    return {
        "kind": query.kind, "people": results.people, "more_people": results.more_people,
        "facilities": results.facilities, "more_facilities": results.more_facilities,
    }
