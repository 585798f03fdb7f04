"""Reads of custody ledgers (款物代管), always through the scoping predicates of residents.access.

A ledger is visible where its facility is: the facility's managers, the regional users of its
region; administrators never (personal data). Whatever is out of scope is a 404. Every read here
costs a fixed number of queries, whatever the number of entries or residents.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from common.money import round_fen
from facilities.models import Facility
from facilities.scoping import can_read_personal_data, facilities_visible_to

from ..access import custody_scope_q
from ..models import (
    CustodyAccount,
    CustodyEntry,
    CustodyHolding,
    CustodyKind,
    CustodySample,
    CustodySampling,
    Person,
    Stay,
)
from ..rules import StatementFigures, add_months, custody_statement

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)
MONEY_HOLDINGS = [h for h in CustodyHolding.values if h != CustodyHolding.GOODS]


def custody_accounts_visible_to(user) -> QuerySet[CustodyAccount]:
    q = custody_scope_q(user)
    return CustodyAccount.objects.none() if q is None else CustodyAccount.objects.filter(q)


def custody_entries_visible_to(user) -> QuerySet[CustodyEntry]:
    q = custody_scope_q(user, prefix="account__")
    return CustodyEntry.objects.none() if q is None else CustodyEntry.objects.filter(q)


_EVERY_ENTRY = Q()


def _signed(filter_q: Q = _EVERY_ENTRY) -> Sum:
    """Deposits minus withdrawals of the account's entries (matching `filter_q`), as one aggregate."""
    return Coalesce(
        Sum(
            Case(
                When(Q(entries__kind=CustodyKind.DEPOSIT) & filter_q, then=F("entries__amount")),
                When(Q(entries__kind=CustodyKind.WITHDRAWAL) & filter_q, then=-F("entries__amount")),
                default=Value(ZERO),
                output_field=MONEY,
            )
        ),
        Value(ZERO),
        output_field=MONEY,
    )


def _summarised(accounts: QuerySet[CustodyAccount]) -> QuerySet[CustodyAccount]:
    """Money balance (all holdings but goods), goods' estimated value, last entry and unconfirmed
    entries of each account, aggregated in the same query."""
    return accounts.annotate(
        money_balance=_signed(~Q(entries__holding=CustodyHolding.GOODS)),
        goods_value=_signed(Q(entries__holding=CustodyHolding.GOODS)),
        last_entry_on=Max("entries__occurred_on"),
        unconfirmed=Count("entries", filter=Q(entries__confirmation__isnull=True)),
    )


def _holding_balances(account_ref, *, before: date | None = None) -> dict:
    """One subquery per holding: the balance after the holding's latest entry (before a day)."""
    annotations = {}
    for holding in CustodyHolding.values:
        latest = CustodyEntry.objects.filter(account=account_ref, holding=holding)
        if before is not None:
            latest = latest.filter(occurred_on__lt=before)
        annotations[f"balance_{holding}"] = Coalesce(
            Subquery(latest.order_by("-sequence").values("balance_after")[:1]), Value(ZERO), output_field=MONEY
        )
    return annotations


def balances_of(account) -> dict[str, Decimal]:
    """{holding: balance} from an account annotated by `_holding_balances`."""
    return {holding: round_fen(Decimal(getattr(account, f"balance_{holding}"))) for holding in CustodyHolding.values}


# --- one resident ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonCustody:
    accounts: list[CustodyAccount]  # the visible accounts of this person, with balances annotated
    account: CustodyAccount | None  # the one shown
    recording_facility: Facility | None  # where a new entry would be recorded (current stay, else last)


def person_custody(*, user, person: Person, facility_id: int | None = None) -> PersonCustody:
    """The person's ledgers the user may see (usually one: the facility they live in). Two queries
    (accounts with balances; the latest stay in a facility the user may see, which decides where a
    new entry goes)."""
    accounts = list(
        custody_accounts_visible_to(user).filter(person=person).select_related("facility")
        .annotate(**_holding_balances(OuterRef("pk"))).order_by("-opened_at", "-id")
    )
    stay_scope = custody_scope_q(user)  # the stay's facility must be one the user may see
    stay = None if stay_scope is None else (
        Stay.objects.filter(stay_scope, person=person).select_related("facility", "facility__region")
        .order_by(F("ended_on").desc(nulls_first=True), "-admitted_on", "-id").first()
    )
    recording = stay.facility if stay is not None else None
    if facility_id is not None:
        account = next((a for a in accounts if a.facility_id == facility_id), None)
        if account is None and (recording is None or recording.pk != facility_id):
            raise Http404("custody account")
    else:
        account = next((a for a in accounts if recording is not None and a.facility_id == recording.pk), None)
        account = account or (accounts[0] if accounts else None)
    return PersonCustody(accounts=accounts, account=account, recording_facility=recording)


def account_entries(*, account: CustodyAccount) -> QuerySet[CustodyEntry]:
    """The ledger lines, newest first, with confirmation, correction links and recorder joined."""
    return (
        account.entries.select_related("confirmation", "reverses", "reversed_by", "recorded_by")
        .order_by("-sequence")
    )


def unconfirmed_count(*, account: CustodyAccount) -> int:
    return account.entries.filter(confirmation__isnull=True).count()


def entries_page(*, account: CustodyAccount, page: str | int | None, per_page: int = 50):
    return Paginator(account_entries(account=account), per_page).get_page(page)


def custody_entry_get_for_user(*, user, person: Person, entry_id: int) -> CustodyEntry:
    entry = (
        custody_entries_visible_to(user).filter(pk=entry_id, account__person=person)
        .select_related("account", "account__facility", "account__person", "confirmation", "reversed_by", "reverses")
        .first()
    )
    if entry is None:
        raise Http404("custody entry")
    return entry


# --- monthly statement -------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    holding: str
    label: str
    figures: StatementFigures


@dataclass(frozen=True)
class Statement:
    account: CustodyAccount
    month: date
    entries: list[CustodyEntry]
    lines: list[StatementLine]  # holdings with an opening balance or a move this month

    @property
    def money(self) -> StatementFigures:
        """All holdings but goods together (goods are at estimated value, not cash)."""
        parts = [line.figures for line in self.lines if line.holding != CustodyHolding.GOODS]
        return StatementFigures(*(sum((getattr(f, name) for f in parts), ZERO)
                                  for name in ("opening", "deposits", "withdrawals", "closing")))

    @property
    def unconfirmed(self) -> int:
        return sum(1 for entry in self.entries if not hasattr(entry, "confirmation"))


def custody_statement_for(*, account: CustodyAccount, month: date) -> Statement:
    """月度对账单: opening balances on the 1st, the month's entries, closing balances. Two queries."""
    start, end = month.replace(day=1), add_months(month.replace(day=1), 1)
    opening_row = CustodyAccount.objects.filter(pk=account.pk).annotate(
        **_holding_balances(OuterRef("pk"), before=start)
    ).get()
    opening = {h: v for h, v in balances_of(opening_row).items()}
    entries = list(
        account.entries.filter(occurred_on__gte=start, occurred_on__lt=end)
        .select_related("confirmation", "reverses", "recorded_by").order_by("sequence")
    )
    figures = custody_statement(opening, [(e.holding, e.kind, e.amount) for e in entries])
    labels = dict(CustodyHolding.choices)
    lines = [
        StatementLine(holding, str(labels[holding]), figures[holding])
        for holding in CustodyHolding.values
        if holding in figures and (figures[holding].opening or figures[holding].deposits or figures[holding].withdrawals)
    ]
    return Statement(account=account, month=start, entries=entries, lines=lines)


# --- a facility --------------------------------------------------------------------------------


def facility_custody_summary(*, user, facility: Facility) -> QuerySet[CustodyAccount]:
    """Per resident of the facility: balance, goods, last entry, unconfirmed entries, and whether
    they still live there. One query."""
    living = Stay.objects.filter(person=OuterRef("person_id"), facility=OuterRef("facility_id"), ended_on__isnull=True)
    return (
        _summarised(custody_accounts_visible_to(user).filter(facility=facility))
        .annotate(living_here=Exists(living))
        .select_related("person").order_by("person__name", "id")
    )


def samplings_of(*, facility: Facility) -> QuerySet[CustodySampling]:
    """A facility's samplings, newest first, with their samples, residents and checkers (two queries)."""
    samples = CustodySample.objects.select_related("account__person", "checked_by").order_by("position")
    return (
        CustodySampling.objects.filter(facility=facility).select_related("drawn_by")
        .prefetch_related(Prefetch("samples", queryset=samples)).order_by("-drawn_at", "-id")
    )


def facility_samplings(*, facility: Facility, limit: int = 10) -> list[CustodySampling]:
    return list(samplings_of(facility=facility)[:limit])


def custody_sample_get_for_user(*, user, sample_id: int) -> CustodySample:
    q = custody_scope_q(user, prefix="account__")
    sample = None if q is None else (
        CustodySample.objects.filter(q, pk=sample_id)
        .select_related("sampling", "sampling__facility", "account", "account__person", "account__facility")
        .first()
    )
    if sample is None:
        raise Http404("custody sample")
    return sample


def custody_overview(*, user) -> QuerySet[Facility]:
    """Facilities in scope that hold residents' money or goods: accounts, money held, unconfirmed
    entries and the latest sampling. One query."""
    accounts = CustodyAccount.objects.filter(facility=OuterRef("pk"))
    entries = CustodyEntry.objects.filter(account__facility=OuterRef("pk"))
    money = entries.exclude(holding=CustodyHolding.GOODS).values("account__facility").annotate(
        total=Sum(Case(When(kind=CustodyKind.DEPOSIT, then=F("amount")), default=-F("amount"), output_field=MONEY))
    ).values("total")
    unconfirmed = entries.filter(confirmation__isnull=True).values("account__facility").annotate(
        n=Count("id")).values("n")
    sampled = CustodySampling.objects.filter(facility=OuterRef("pk")).order_by("-drawn_on", "-id").values("drawn_on")[:1]
    # Without the right to personal data (the administrator) the same annotated query finds nothing,
    # so sorting by any column still works on an empty table.
    readable = facilities_visible_to(user) if can_read_personal_data(user) else Facility.objects.none()
    return (
        readable.filter(Exists(accounts))
        .select_related("region")
        .annotate(
            account_count=Subquery(accounts.values("facility").annotate(n=Count("id")).values("n")),
            money_total=Coalesce(Subquery(money), Value(ZERO), output_field=MONEY),
            unconfirmed=Coalesce(Subquery(unconfirmed), Value(0)),
            last_sampled_on=Subquery(sampled),
        )
        .order_by("region_id", "name", "id")
    )
