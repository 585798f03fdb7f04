"""The settled-claims guard on lines checks each statement once instead of each row (PostgreSQL).

Same rule as 0002: a line of an approved or paid batch cannot be inserted, updated (or moved into
such a batch) or deleted; the statement fails with the same message and error code. Generating a
province's month writes half a million lines in a few statements; a row trigger looked its batch
up once per line, a statement trigger looks at all the statement's lines in one join (transition
tables). SQLite keeps its row triggers.
"""
from django.db import migrations

SETTLED = "('approved', 'paid')"
MESSAGE = "settled claim batches and their lines cannot change / 已审核的申报不能修改"


def _check(table: str) -> str:
    # The statement's batches first (one pass over its rows), then those batches by primary key: the
    # planner knows nothing about a transition table, so a join could become a nested loop over it.
    return f"""SELECT array_agg(DISTINCT batch_id) INTO batches FROM {table};
      IF EXISTS (SELECT 1 FROM subsidies_claimbatch WHERE id = ANY(batches) AND status IN {SETTLED}) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;"""


FORWARD = [
    "DROP TRIGGER IF EXISTS claimline_settled_guard ON subsidies_claimline",
    "DROP FUNCTION IF EXISTS subsidies_claimline_guard()",
    f"""CREATE FUNCTION subsidies_claimline_guard_statement() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      batches bigint[];
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {_check("old_lines")}
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_check("new_lines")}
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER claimline_settled_guard_insert AFTER INSERT ON subsidies_claimline
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION subsidies_claimline_guard_statement()""",
    """CREATE TRIGGER claimline_settled_guard_update AFTER UPDATE ON subsidies_claimline
    REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION subsidies_claimline_guard_statement()""",
    """CREATE TRIGGER claimline_settled_guard_delete AFTER DELETE ON subsidies_claimline
    REFERENCING OLD TABLE AS old_lines FOR EACH STATEMENT EXECUTE FUNCTION subsidies_claimline_guard_statement()""",
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS claimline_settled_guard_insert ON subsidies_claimline",
    "DROP TRIGGER IF EXISTS claimline_settled_guard_update ON subsidies_claimline",
    "DROP TRIGGER IF EXISTS claimline_settled_guard_delete ON subsidies_claimline",
    "DROP FUNCTION IF EXISTS subsidies_claimline_guard_statement()",
    f"""CREATE FUNCTION subsidies_claimline_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (TG_OP <> 'INSERT' AND (SELECT status FROM subsidies_claimbatch WHERE id = OLD.batch_id) IN {SETTLED})
         OR (TG_OP <> 'DELETE' AND (SELECT status FROM subsidies_claimbatch WHERE id = NEW.batch_id) IN {SETTLED}) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER claimline_settled_guard BEFORE INSERT OR UPDATE OR DELETE ON subsidies_claimline
    FOR EACH ROW EXECUTE FUNCTION subsidies_claimline_guard()""",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0002_settled_claims_guard")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
