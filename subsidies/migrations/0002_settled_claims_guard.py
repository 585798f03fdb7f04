"""A database guard under the service rule: settled (approved or paid) claims never change.

Lines of a settled batch cannot be inserted, updated or deleted; a settled batch cannot be
deleted, and the only change it accepts is approved → paid with the payment time.
"""
from django.db import migrations

SETTLED = "('approved', 'paid')"
KEPT = ("month", "region_id", "facility_id", "township_id", "total", "line_count", "flagged_count", "generated_at",
        "generated_by_id", "submitted_at", "submitted_by_id", "reviewed_at", "reviewed_by_id", "return_reason")
MESSAGE = "settled claim batches and their lines cannot change / 已审核的申报不能修改"


def _batch_changed(same: str) -> str:
    kept = " AND ".join(f"NEW.{column} {same} OLD.{column}" for column in KEPT)
    return (f"NOT ({kept} AND ((OLD.status = 'approved' AND NEW.status IN {SETTLED})"
            f" OR (OLD.status = 'paid' AND NEW.status = 'paid' AND NEW.paid_at {same} OLD.paid_at)))")


SQLITE = [
    *(
        f"""CREATE TRIGGER claimline_settled_{op.lower()} BEFORE {op} ON subsidies_claimline
        WHEN (SELECT status FROM subsidies_claimbatch WHERE id = {row}.batch_id) IN {SETTLED}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
        for op, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD"))
    ),
    f"""CREATE TRIGGER claimline_settled_move BEFORE UPDATE ON subsidies_claimline
    WHEN (SELECT status FROM subsidies_claimbatch WHERE id = NEW.batch_id) IN {SETTLED}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER claimbatch_settled_delete BEFORE DELETE ON subsidies_claimbatch
    WHEN OLD.status IN {SETTLED} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER claimbatch_settled_update BEFORE UPDATE ON subsidies_claimbatch
    WHEN OLD.status IN {SETTLED} AND {_batch_changed("IS")}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}" for name in (
        "claimline_settled_insert", "claimline_settled_update", "claimline_settled_delete", "claimline_settled_move",
        "claimbatch_settled_delete", "claimbatch_settled_update",
    )
]

POSTGRES = [
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
    f"""CREATE FUNCTION subsidies_claimbatch_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.status IN {SETTLED} AND (TG_OP = 'DELETE' OR {_batch_changed("IS NOT DISTINCT FROM")}) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER claimbatch_settled_guard BEFORE UPDATE OR DELETE ON subsidies_claimbatch
    FOR EACH ROW EXECUTE FUNCTION subsidies_claimbatch_guard()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS claimline_settled_guard ON subsidies_claimline",
    "DROP FUNCTION IF EXISTS subsidies_claimline_guard()",
    "DROP TRIGGER IF EXISTS claimbatch_settled_guard ON subsidies_claimbatch",
    "DROP FUNCTION IF EXISTS subsidies_claimbatch_guard()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
