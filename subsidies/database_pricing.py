"""A region's month priced inside PostgreSQL: the policy of `pricing`, said in SQL, for everyone whose
region prices by month (the state on the 1st prices the whole month).

Why: priced in Python, a province's month held every person's facts and every line as objects (1.8 GiB
in one process); priced in the database, the process holds the list of payers (under 100 MiB), and the
lines go from the database's tables to the claim-line table without crossing the connection.

What stays in Python, through the same pure rules: the people whose region prices by day (each run of
days is a part), the corrections of settled months, and the choice of each region's standard (a small
table: `StandardBook.find` for every region of the scope and every key, handed to SQL as rows).
`tests/subsidies/test_database_pricing.py` proves both ways give the same lines on the same month.

Each person's state on the 1st lives in a temporary table of this database session (`priced_month`): no
WAL, gone with the session (so the connection must be the session's own, not a transaction-pooled one).
Lines are priced from it and written a chunk of payers at a time (`insert_lines`), each chunk in the
transaction that replaces those drafts.
"""
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection
from django.db.models import Q

from common.months import days_in_month, month_end, previous_month
from facilities.models import Region
from facilities.selectors import region_policies
from residents.models import Person, Stay

from .facts import ASSESSMENT_WINDOW_MONTHS, standard_book
from .models import ClaimBatch
from .pricing import DAY, Payer

#: The session's temporary tables, dropped when the month is written.
TABLES = ("claim_people", "claim_state", "claim_standard", "claim_added")


def enabled() -> bool:
    """Whether this database prices months itself (PostgreSQL, unless the setting turns it off)."""
    return connection.vendor == "postgresql" and settings.CLAIMS_PRICED_IN_DATABASE


def payer_key(payer: Payer) -> str:
    """The text a payer is matched by in SQL: "f<facility id>" or "t<township code>"."""
    return f"f{payer.facility_id}" if payer.facility_id else f"t{payer.township}"


def payer_of(key: str) -> Payer:
    return Payer(facility_id=int(key[1:])) if key[0] == "f" else Payer(township=key[1:])


# Each person of the scope on the 1st: the paying statuses, the stay covering the day, the latest
# assessment of the window (valid only up to its due date), the facility's star level, and where the
# person is priced (the facility's region, else the home region). Dead before the 1st: no row.
STATE_SQL = """
CREATE TEMP TABLE claim_state AS
WITH status AS (
    SELECT s.id, s.person_id, s.kind, s.support_form, s.confirmed_on
    FROM residents_supportstatus s JOIN claim_people cp ON cp.person_id = s.person_id
    WHERE s.kind IN ('hardship', 'orphan', 'unsupported_child') AND s.confirmed_on <= %(end)s
      AND (s.terminated_on IS NULL OR s.terminated_on >= %(month)s)
), paying AS (
    SELECT person_id,
           min(id) FILTER (WHERE kind = 'hardship' AND confirmed_on < %(month)s) AS hardship_id,
           min(id) FILTER (WHERE kind <> 'hardship' AND confirmed_on < %(month)s) AS child_id,
           coalesce(bool_or(kind = 'hardship' AND support_form = 'dispersed' AND confirmed_on <= %(month)s), false)
               AS decided
    FROM status GROUP BY person_id
)
SELECT p.id AS person_id, p.hukou_type, coalesce(p.residence_region_id, p.hukou_region_id) AS home_region,
       pay.hardship_id, hs.kind AS hardship_kind, hs.confirmed_on AS hardship_confirmed_on, pay.child_id, cs.kind AS child_kind,
       cs.confirmed_on AS child_confirmed_on, pay.decided,
       st.id AS stay_id, st.facility_id, st.admitted_on, f.region_id AS facility_region,
       la.id AS assessment_id, la.assessed_on, la.category AS assessed_category,
       coalesce(la.due_on >= %(month)s, false) AS assessed,
       coalesce(r.level, 0) AS star_level,
       CASE WHEN st.id IS NULL THEN coalesce(p.residence_region_id, p.hukou_region_id) ELSE f.region_id END AS region,
       CASE WHEN st.id IS NULL THEN 't' || coalesce(p.residence_region_id, p.hukou_region_id)
            ELSE 'f' || st.facility_id END AS payer_key,
       pay.child_id IS NOT NULL OR (pay.hardship_id IS NOT NULL AND (st.id IS NOT NULL OR pay.decided)) AS paid
FROM paying pay
JOIN residents_person p ON p.id = pay.person_id
LEFT JOIN residents_supportstatus hs ON hs.id = pay.hardship_id
LEFT JOIN residents_supportstatus cs ON cs.id = pay.child_id
LEFT JOIN LATERAL (
    SELECT s.id, s.facility_id, s.admitted_on FROM residents_stay s
    WHERE s.person_id = p.id AND s.admitted_on <= %(month)s AND (s.ended_on IS NULL OR s.ended_on > %(month)s)
    ORDER BY s.id LIMIT 1
) st ON true
LEFT JOIN facilities_facility f ON f.id = st.facility_id
LEFT JOIN LATERAL (
    SELECT a.id, a.assessed_on, a.category, a.due_on FROM residents_selfcareassessment a
    WHERE a.person_id = p.id AND a.assessed_on <= %(month)s AND a.assessed_on >= %(oldest)s
    ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1
) la ON true
LEFT JOIN LATERAL (
    SELECT r.level FROM facilities_starrating r
    WHERE r.facility_id = st.facility_id AND r.withdrawn_at IS NULL AND r.level > 0
      AND r.rated_on <= %(month)s AND %(month)s < r.expires_on
    ORDER BY r.rated_on DESC, r.id DESC LIMIT 1
) r ON true
WHERE (pay.hardship_id IS NOT NULL OR pay.child_id IS NOT NULL)
  AND (st.id IS NOT NULL OR NOT EXISTS (
      SELECT 1 FROM residents_stay d WHERE d.person_id = p.id AND d.end_reason = 'died' AND d.ended_on <= %(month)s))
"""

def _object(**members: str) -> str:
    """SQL for a JSON object's text from SQL expressions that each give a member's JSON text.

    Written as text and parsed once (`::jsonb`): nested jsonb_build_object calls cost 2.3 times as much
    (15 s against 6.5 s for a province's half a million bases here)."""
    return "('{' || " + " || ', ' || ".join(f"'\"{key}\": ' || {value}" for key, value in members.items()) + " || '}')"


def _string(expr: str) -> str:
    """A code, a date (ISO, the DateStyle psycopg requires) or a decimal as a JSON string, or null: every
    string a basis holds is one of these, so none needs escaping."""
    return f"coalesce('\"' || ({expr})::text || '\"', 'null')"


def _number(expr: str) -> str:
    return f"coalesce(({expr})::text, 'null')"


def _boolean(expr: str) -> str:
    return f"CASE WHEN {expr} THEN 'true' ELSE 'false' END"


def _maybe(condition: str, value: str) -> str:
    return f"CASE WHEN {condition} THEN {value} ELSE 'null' END"


def _status(id_: str, kind: str, confirmed_on: str) -> str:
    return _object(id=_number(id_), kind=_string(kind), confirmed_on=_string(confirmed_on))


#: A line's basis as `pricing._line` writes it for a month priced on the 1st (one part, the whole month).
BASIS_SQL = _object(
    proration="'\"month\"'",
    days_in_month=_number("%(dim)s::int"),
    status=f"CASE WHEN it.item = 'orphan' THEN {_status('x.child_id', 'x.child_kind', 'x.child_confirmed_on')}"
           f" ELSE {_status('x.hardship_id', 'x.hardship_kind', 'x.hardship_confirmed_on')} END",
    parts="'[' || " + _object(
        **{"from": _string("%(first)s::text"), "to": _string("%(last)s::text")},
        days=_number("%(dim)s::int"),
        amount=_string("v.amount"),
        standard=_maybe("sd.id IS NOT NULL", _object(
            id=_number("sd.id"), region=_string("sd.standard_region"), amount=_string("sd.amount"),
            effective_from=_string("sd.effective_from"), is_sample=_boolean("sd.is_sample"),
        )),
        monthly=_string("m.monthly"),
        multiplier=_string("m.multiplier"),
        star_level=_number("CASE WHEN it.item = 'operating' THEN x.star_level END"),
        support_form=_string("x.support_form"),
        category=_string("x.category"),
        hukou_type=_string("CASE WHEN it.item = 'basic_living' THEN x.hukou_type END"),
        assessment=_maybe("x.assessed", _object(
            id=_number("x.assessment_id"), assessed_on=_string("x.assessed_on"), category=_string("x.assessed_category"),
        )),
        stay=_maybe("x.stay_id IS NOT NULL", _object(
            id=_number("x.stay_id"), facility_id=_number("x.facility_id"), admitted_on=_string("x.admitted_on"),
        )),
        no_valid_assessment=_boolean("v.unassessed"),
    ) + " || ']'",
)

# A chunk of payers' lines, straight into their drafts: each person and item paid, in the shape
# `pricing._line` gives for a month priced on the 1st, and the lines Python added; each with last month's
# amount and category of the same payer, person and item (original lines only: `generation._previous`).
INSERT_SQL = """
INSERT INTO subsidies_claimline (batch_id, person_id, item, amount, support_form, category, days, basis, flags,
                                 previous_amount, previous_category, adjusts_month, corrects_id)
WITH chunk AS (
    SELECT * FROM unnest(%(keys)s::text[], %(batches)s::bigint[], %(previous)s::bigint[])
        AS u(payer_key, batch_id, previous_batch)
), lines (payer_key, person_id, item, amount, support_form, category, days, basis, flags, adjusts_month,
          corrects_id) AS (
    SELECT x.payer_key, x.person_id, it.item, v.amount, x.support_form,
       CASE WHEN it.item IN ('care', 'operating') THEN x.category ELSE '' END,
       %(dim)s::int,
       {basis}::jsonb,
       to_jsonb(array_remove(ARRAY[CASE WHEN v.unassessed THEN 'no_valid_assessment' END,
                                   CASE WHEN sd.id IS NULL THEN 'no_standard' END]::text[], NULL)),
       NULL::date, NULL::bigint
FROM (
    SELECT c.*,
           CASE WHEN c.stay_id IS NULL THEN 'dispersed' ELSE 'centralised' END AS support_form,
           CASE WHEN c.assessed THEN c.assessed_category ELSE 'self_care' END AS category,
           c.stay_id IS NULL AND NOT c.decided AS awaiting
    FROM claim_state c JOIN chunk ON chunk.payer_key = c.payer_key
    WHERE c.region LIKE %(like)s AND NOT (c.region = ANY(%(by_day)s::text[]))
) x
CROSS JOIN (VALUES ('basic_living'), ('care'), ('operating'), ('orphan')) AS it(item)
LEFT JOIN claim_standard sd ON sd.region_code = x.region AND sd.item = it.item
    AND sd.hukou_type = CASE WHEN it.item = 'basic_living' THEN x.hukou_type ELSE '' END
    AND sd.support_form = CASE WHEN it.item IN ('care', 'orphan') THEN x.support_form ELSE '' END
    AND sd.category = CASE WHEN it.item IN ('care', 'operating') THEN x.category ELSE '' END
CROSS JOIN LATERAL (
    SELECT CASE WHEN it.item = 'operating' AND sd.id IS NOT NULL
                THEN coalesce((sd.multipliers ->> x.star_level::text)::numeric, 1) END AS multiplier
) mm
CROSS JOIN LATERAL (
    SELECT mm.multiplier, CASE WHEN mm.multiplier IS NULL THEN sd.amount ELSE sd.amount * mm.multiplier END AS monthly
) m
CROSS JOIN LATERAL (
    SELECT coalesce(round(m.monthly, 2), 0.00)::numeric(12, 2) AS amount,
           it.item IN ('care', 'operating') AND NOT x.assessed AS unassessed
) v
WHERE CASE it.item
          WHEN 'orphan' THEN x.child_id IS NOT NULL
          WHEN 'operating' THEN x.hardship_id IS NOT NULL AND NOT x.awaiting AND x.stay_id IS NOT NULL
          ELSE x.hardship_id IS NOT NULL AND NOT x.awaiting
      END
    UNION ALL
    SELECT a.payer_key, a.person_id, a.item, a.amount, a.support_form, a.category, a.days, a.basis, a.flags,
           a.adjusts_month, a.corrects_id
    FROM claim_added a JOIN chunk ON chunk.payer_key = a.payer_key
), previous AS (
    SELECT DISTINCT ON (batch_id, person_id, item) batch_id, person_id, item, amount, category
    FROM subsidies_claimline WHERE batch_id IN (SELECT previous_batch FROM chunk) AND adjusts_month IS NULL
    ORDER BY batch_id, person_id, item, id DESC
)
SELECT chunk.batch_id, l.person_id, l.item, l.amount, l.support_form, l.category, l.days, l.basis, l.flags,
       p.amount, coalesce(p.category, ''), l.adjusts_month, l.corrects_id
FROM lines l JOIN chunk ON chunk.payer_key = l.payer_key
LEFT JOIN previous p ON l.adjusts_month IS NULL AND p.batch_id = chunk.previous_batch AND p.person_id = l.person_id
    AND p.item = l.item
""".replace("{basis}", BASIS_SQL)

#: The payers with a line: someone paid on the 1st of a region priced here, or a line added from Python.
PAYERS_SQL = """
SELECT payer_key FROM claim_state WHERE paid AND region LIKE %(like)s AND NOT (region = ANY(%(by_day)s::text[]))
UNION SELECT payer_key FROM claim_added
"""

#: Columns of `claim_added`, the lines priced in Python, in order.
ADDED_COLUMNS = ("payer_key", "person_id", "item", "amount", "support_form", "category", "days", "basis", "flags",
                 "adjusts_month", "corrects_id")


@dataclass
class PricedMonth:
    """A region's month in the session's temporary tables: each person's state on the 1st (lines are
    priced from it a chunk of payers at a time), the lines added from Python, and the people whose region
    prices by day (for Python to price)."""

    month: date
    prefix: str
    by_day: list[str]
    priced_by_day: list[int]

    def add(self, rows: Sequence[tuple[Payer, tuple]]) -> None:
        """Lines priced in Python (rows as `generation.LINE_COLUMNS`; last month's amount is read in SQL)."""
        if not rows:
            return
        dumps = json.JSONEncoder(separators=(", ", ": ")).encode
        with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY claim_added ({', '.join(ADDED_COLUMNS)}) FROM STDIN"
        ) as copy:
            for payer, row in rows:
                copy.write_row((payer_key(payer), *row[:6], dumps(row[6]), dumps(row[7]), row[10], row[11]))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claim_added")

    def payers(self) -> list[Payer]:
        with connection.cursor() as cursor:
            cursor.execute(PAYERS_SQL, {"like": _like(self.prefix), "by_day": self.by_day})
            return [payer_of(key) for (key,) in cursor.fetchall()]

    def insert_lines(self, batches: dict[Payer, int]) -> int:
        """Price and write the lines of these payers into their batches (payer → batch id). Returns how many."""
        if not batches:
            return 0
        previous = {_payer(batch): batch.pk for batch in ClaimBatch.objects.filter(
            month=previous_month(self.month), region__code__startswith=self.prefix,
        ).filter(Q(facility_id__in=[p.facility_id for p in batches if p.facility_id])
                 | Q(township_id__in=[p.township for p in batches if not p.facility_id])).only("facility_id", "township_id")}
        dim = days_in_month(self.month)
        with connection.cursor() as cursor:
            cursor.execute(INSERT_SQL, {
                "keys": [payer_key(payer) for payer in batches], "batches": list(batches.values()),
                "previous": [previous.get(payer) for payer in batches], "like": _like(self.prefix),
                "by_day": self.by_day, "dim": dim, "first": self.month.isoformat(),
                "last": month_end(self.month).isoformat(),
            })
            return cursor.rowcount


def _payer(batch: ClaimBatch) -> Payer:
    return Payer(facility_id=batch.facility_id, township=batch.township_id)


def _like(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _people_sql(month: date, prefix: str) -> tuple[str, tuple]:
    """Everyone living in a facility of the region during the month, or at home in the region: the
    people `facts.people_facts` reads for the region (the same querysets, so the same indexes)."""
    stays_here = Stay.objects.filter(
        facility__region__code__startswith=prefix, admitted_on__lte=month_end(month)
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=month)).values("person_id")
    at_home_here = Person.objects.filter(
        Q(residence_region__code__startswith=prefix) | Q(residence_region__isnull=True, hukou_region__code__startswith=prefix)
    ).values("pk")
    union = stays_here.union(at_home_here)
    sql, params = union.query.sql_with_params()
    return f"CREATE TEMP TABLE claim_people AS {sql}", params


def _standard_rows(month: date, prefix: str) -> Iterator[tuple]:
    """The standard each region of the scope uses for each key this month (the rule of `StandardBook`)."""
    book = standard_book(month=month)
    keys = book.keys()
    for code in Region.objects.filter(code__startswith=prefix).values_list("code", flat=True):
        for item, hukou_type, support_form, category in keys:
            found = book.find(region_code=code, item=item, on=month, hukou_type=hukou_type,
                              support_form=support_form, category=category)
            if found is not None:
                multipliers = {str(level): format(value, "f") for level, value in found.star_multipliers.items()}
                yield (code, item, hukou_type, support_form, category, found.id, found.region_code, found.amount,
                       found.effective_from, found.is_sample, json.dumps(multipliers))


def _drop(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {', '.join(TABLES)}")


@contextmanager
def priced_month(*, month: date, prefix: str) -> Iterator[PricedMonth]:
    """Price the region's month into the session's temporary tables; they are dropped on leaving."""
    oldest = date(month.year - ASSESSMENT_WINDOW_MONTHS // 12, month.month, 1)
    with connection.cursor() as cursor:
        _drop(cursor)
        try:
            sql, params = _people_sql(month, prefix)
            cursor.execute(sql, params)
            cursor.execute("ANALYZE claim_people")
            cursor.execute(STATE_SQL, {"month": month, "end": month_end(month), "oldest": oldest})
            cursor.execute("ANALYZE claim_state")
            cursor.execute("SELECT DISTINCT region FROM claim_state WHERE region IS NOT NULL")
            policies = region_policies(region_codes=[code for (code,) in cursor.fetchall()], on=month)
            by_day = sorted(code for code, policy in policies.items() if policy.proration == DAY)
            cursor.execute("SELECT person_id FROM claim_state WHERE region = ANY(%s::text[]) ORDER BY person_id", [by_day])
            priced_by_day = [person_id for (person_id,) in cursor.fetchall()]
            cursor.execute(
                "CREATE TEMP TABLE claim_standard (region_code text, item text, hukou_type text, support_form text,"
                " category text, id bigint, standard_region text, amount numeric, effective_from date,"
                " is_sample boolean, multipliers jsonb)"
            )
            standards = list(_standard_rows(month, prefix))  # read before COPY holds the connection
            with cursor.cursor.copy("COPY claim_standard FROM STDIN") as copy:
                for row in standards:
                    copy.write_row(row)
            cursor.execute("CREATE INDEX ON claim_standard (region_code, item, hukou_type, support_form, category)")
            cursor.execute("ANALYZE claim_standard")
            cursor.execute("CREATE INDEX ON claim_state (payer_key)")
            cursor.execute(
                "CREATE TEMP TABLE claim_added (payer_key text NOT NULL, person_id bigint NOT NULL, item text NOT NULL,"
                " amount numeric(12, 2) NOT NULL, support_form text NOT NULL, category text NOT NULL,"
                " days smallint NOT NULL, basis jsonb NOT NULL, flags jsonb NOT NULL, adjusts_month date,"
                " corrects_id bigint)"
            )
            cursor.execute("CREATE INDEX ON claim_added (payer_key)")
            yield PricedMonth(month=month, prefix=prefix, by_day=by_day, priced_by_day=priced_by_day)
        finally:
            _drop(cursor)
