"""Reads of relatives' registration (近亲属备案): the register of declared cases and the review queue.

The register lists every declaration in the user's scope (facilities.scoping.relative_declaration_scope_q)
with the relative's cases: their support statuses, stays and claim lines, matched by ID number (the
relative may be registered after the declaration), for relatives the reader may see
(residents.selectors.people_visible_to). Whether a relative outside the reader's scope is registered
at all is never said: such a relative reads exactly like one nobody has registered (no oracle). Claim totals come from subsidies through
common.reactions.person_claims (staffing and subsidies do not import each other). The review queue is for the inspectors of the staff member's region.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404

from common.reactions import person_claims
from facilities.scoping import inspector_scope_q, relative_declaration_scope_q
from residents.models import Person, RelativeDeclaration, Stay, SupportStatus
from residents.selectors import people_visible_to

from ..models import RelativeReview, ReviewDecision


def declarations_visible_to(user) -> QuerySet[RelativeDeclaration]:
    q = relative_declaration_scope_q(user)
    return RelativeDeclaration.objects.none() if q is None else RelativeDeclaration.objects.filter(q)


def declaration_get_for_user(*, user, declaration_id: int) -> RelativeDeclaration:
    declaration = declarations_visible_to(user).select_related("region", "facility").filter(pk=declaration_id).first()
    if declaration is None:
        raise Http404("declaration")
    return declaration


@dataclass(frozen=True)
class RegisterFilters:
    state: str = "open"  # "open", "ended" or "all"
    q: str = ""  # the declarant's or the relative's name


@dataclass
class Claims:
    lines: int = 0
    total: Decimal = Decimal("0.00")
    first_month: date | None = None
    last_month: date | None = None


@dataclass
class RegisterEntry:
    declaration: RelativeDeclaration
    person: Person | None  # registered and within the reader's scope; None says nothing more
    statuses: list[SupportStatus] = field(default_factory=list)
    stays: list[Stay] = field(default_factory=list)
    claims: Claims = field(default_factory=Claims)

    @property
    def has_case(self) -> bool:
        return self.person is not None and bool(self.statuses or self.stays or self.claims.lines)


def register_declarations(*, user, filters: RegisterFilters = RegisterFilters()) -> QuerySet[RelativeDeclaration]:
    qs = declarations_visible_to(user).select_related("region", "facility", "declarant_user")
    if filters.state == "open":
        qs = qs.filter(ended_on__isnull=True)
    elif filters.state == "ended":
        qs = qs.filter(ended_on__isnull=False)
    if filters.q.strip():
        term = filters.q.strip()
        qs = qs.filter(Q(declarant_name__icontains=term) | Q(relative_name__icontains=term))
    return qs.order_by("-declared_on", "-id")


def register_entries(declarations, *, user) -> list[RegisterEntry]:
    """The relatives' cases for a page of declarations: four queries whatever the page size (the
    people the reader may see, with their statuses and stays; claim totals per person). A relative
    outside the reader's scope, registered or not, has no cases here."""
    declarations = list(declarations)
    numbers = {d.relative_id_number for d in declarations}
    people = {
        person.id_number: person
        for person in people_visible_to(user).filter(id_number__in=numbers).prefetch_related(
            Prefetch("statuses", queryset=SupportStatus.objects.order_by("-confirmed_on", "-id")),
            Prefetch("stays", queryset=Stay.objects.select_related("facility").order_by("-admitted_on", "-id")),
        )
    }
    claims = {}
    if people:
        for receiver in person_claims.receivers():
            claims.update({person_id: Claims(**totals) for person_id, totals in receiver([p.pk for p in people.values()]).items()})
    entries = []
    for declaration in declarations:
        person = people.get(declaration.relative_id_number)
        entries.append(RegisterEntry(
            declaration=declaration, person=person,
            statuses=list(person.statuses.all()) if person else [], stays=list(person.stays.all()) if person else [],
            claims=claims.get(person.pk, Claims()) if person else Claims(),
        ))
    return entries


def register_page(*, user, filters: RegisterFilters, page: int | str = 1, per_page: int = 25):
    """(page, entries): a count and the page's declarations, then register_entries."""
    paginator = Paginator(register_declarations(user=user, filters=filters), per_page)
    current = paginator.get_page(page)
    return current, register_entries(current.object_list, user=user)


# --- the review queue --------------------------------------------------------------------


def reviews_visible_to(user) -> QuerySet[RelativeReview]:
    q = inspector_scope_q(user, field="facility__region__code")
    return RelativeReview.objects.none() if q is None else RelativeReview.objects.filter(q)


def review_list(*, user, decision: str = ReviewDecision.PENDING) -> QuerySet[RelativeReview]:
    """Pending first (oldest flag first), then decided ones (latest first), with everything joined."""
    qs = reviews_visible_to(user).select_related("staff", "person", "facility", "decided_by", "declaration")
    if decision:
        qs = qs.filter(decision=decision)
    pending_first = Case(When(decision=ReviewDecision.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.order_by(pending_first, "-decided_at", "flagged_at", "id")


def review_get_for_user(*, user, review_id: int) -> RelativeReview:
    review = reviews_visible_to(user).select_related("staff", "person", "facility__region").filter(pk=review_id).first()
    if review is None:
        raise Http404("review")
    return review
