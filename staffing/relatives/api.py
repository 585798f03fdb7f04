"""The relatives' registration API: `/api/relatives` (the register and declarations) and
`/api/relatives/reviews` (possible undeclared relatives, decided by the region's inspectors).

Reads go through staffing.relatives.selectors (out of scope is a 404 or absent from lists); writes
through staffing.relatives.services, which refuse what the user may not do (403) and what the rules forbid
(422). Relatives' ID numbers are always masked here.
"""
from ninja import Query, Router, Status
from ninja.pagination import paginate

from common.api_fields import fields_as
from common.pagination import LimitOffsetPagination

from ..selectors import employment_get_for_user
from . import services
from .schemas import (
    DeclarationEndIn,
    DeclarationIn,
    DeclarationOut,
    RelativeRegisterEntryOut,
    RelativeRegisterFilterIn,
    RelativeReviewDecideIn,
    RelativeReviewFilterIn,
    RelativeReviewOut,
)
from .selectors import (
    RegisterFilters,
    declaration_get_for_user,
    register_declarations,
    register_entries,
    review_get_for_user,
    review_list,
)

router = Router(tags=["relatives"])


class RegisterPagination(LimitOffsetPagination):
    """Limit/offset over the declarations, then the relatives' cases for that page only."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["items"] = register_entries(page["items"], user=request.user)
        return page


@router.get("", response=list[RelativeRegisterEntryOut], summary="近亲属备案登记（含救助案件）/ the register with the relatives' cases")
@paginate(RegisterPagination)
def register(request, filters: Query[RelativeRegisterFilterIn]):
    return register_declarations(user=request.user, filters=RegisterFilters(state=filters.state, q=filters.q))


@router.post("", response={201: DeclarationOut}, summary="近亲属备案 / declare a close relative")
def declare(request, payload: DeclarationIn):
    employment = (
        employment_get_for_user(user=request.user, employment_id=payload.employment_id) if payload.employment_id else None
    )
    declaration = services.relative_declare(
        by=request.user, employment=employment, **payload.dict(exclude={"employment_id"}),
    )
    return Status(201, declaration)


@router.post("/{int:declaration_id}/end", response=DeclarationOut, summary="撤销近亲属备案 / end a declaration")
def end(request, declaration_id: int, payload: DeclarationEndIn):
    declaration = declaration_get_for_user(user=request.user, declaration_id=declaration_id)
    with fields_as(end_reason="reason"):
        return services.relative_declaration_end(
            by=request.user, declaration=declaration, ended_on=payload.ended_on, reason=payload.reason,
        )


@router.get("/reviews", response=list[RelativeReviewOut], summary="近亲属关系核查线索 / possible undeclared relatives")
@paginate(LimitOffsetPagination)
def reviews(request, filters: Query[RelativeReviewFilterIn]):
    return review_list(user=request.user, decision=filters.decision or "")


@router.post("/reviews/{int:review_id}/decide", response=RelativeReviewOut, summary="核查结论 / decide a possible relative")
def decide(request, review_id: int, payload: RelativeReviewDecideIn):
    review = review_get_for_user(user=request.user, review_id=review_id)
    services.relative_review_decide(by=request.user, review=review, **payload.dict())
    return review_list(user=request.user, decision="").get(pk=review_id)
