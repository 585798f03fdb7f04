#!/usr/bin/env bash
# The backup and restore drill, on PostgreSQL: seed the demo into a scratch database, back it up with
# `pg_dump -Fc`, restore it with `pg_restore` into a second scratch database, and prove the copy is
# whole — the same tables with the same rows (counts and content), the same sequence positions, the
# same claim totals, and the database guards (settled claims, access log) still refusing changes.
# Prints one summary line; exits non-zero on any difference. The scratch databases are dropped at the end.
#
#   .ci/restore_drill.sh            (PGHOST, PGPORT, PGUSER default to 127.0.0.1, 5432, postgres)
set -euo pipefail
cd "$(dirname "$0")/.."

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
source_db=drill_restore_source
restored_db=drill_restore_target
work=$(mktemp -d)
dump="$work/carehome.dump"
started=$(date +%s)

sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
drop_scratch() {
  for db in "$source_db" "$restored_db"; do
    psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "SET client_min_messages = warning" \
      -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
  done
}
trap 'drop_scratch; rm -rf "$work"' EXIT
fail() { echo "restore drill FAILED: $*" >&2; exit 1; }

drop_scratch
createdb "$source_db"

echo "-- migrate and seed the demo into $source_db"
manage() {
  env -u CELERY_BROKER_URL -u CELERY_RESULT_BACKEND DEBUG=true \
    DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$source_db" .venv/bin/python manage.py "$@"
}
manage migrate --noinput -v0
for command in seed_demo seed_demo_residents seed_demo_staff seed_demo_inspections seed_demo_claims \
    seed_demo_custody_notices seed_demo_accountability; do
  manage "$command" >/dev/null
done
# One access record, so the copy's access-log guard can be tried on a real row.
sql "$source_db" "INSERT INTO accounts_accessrecord (username, role, at, action, target, detail, path)
                  VALUES ('restore-drill', 'admin', now(), 'export', 'drill:1', 'backup and restore drill', '/drill/')"

echo "-- pg_dump -Fc, then pg_restore into $restored_db"
dump_started=$(date +%s)
pg_dump -Fc -f "$dump" -d "$source_db"
createdb "$restored_db"
pg_restore --exit-on-error -d "$restored_db" "$dump"
echo "   dump $(du -h "$dump" | cut -f1), dump and restore in $(( $(date +%s) - dump_started ))s"

# --- compare ------------------------------------------------------------------------------------
tables_sql="SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'
            AND table_type = 'BASE TABLE' ORDER BY table_name"
source_tables=$(sql "$source_db" "$tables_sql")
[ "$source_tables" = "$(sql "$restored_db" "$tables_sql")" ] || fail "the restored database has other tables"
[ -n "$source_tables" ] || fail "no tables in the source database"

tables=0 rows=0 matched=0 differ=()
for table in $source_tables; do
  fingerprint="SELECT count(*) || ' ' || md5(coalesce(string_agg(t::text, E'\n' ORDER BY t::text), ''))
               FROM public.\"$table\" t"
  here=$(sql "$source_db" "$fingerprint")
  there=$(sql "$restored_db" "$fingerprint")
  tables=$((tables + 1))
  rows=$((rows + ${here%% *}))
  if [ "$here" = "$there" ]; then matched=$((matched + 1)); else differ+=("$table ($here / $there)"); fi
done

claims_sql="SELECT 'lines', b.month, b.status, count(l.id), sum(l.amount)
              FROM subsidies_claimline l JOIN subsidies_claimbatch b ON b.id = l.batch_id GROUP BY 2, 3
            UNION ALL
            SELECT 'batches', month, status, sum(line_count), sum(total) FROM subsidies_claimbatch GROUP BY 2, 3
            ORDER BY 1, 2, 3"
source_claims=$(sql "$source_db" "$claims_sql")
[ -n "$source_claims" ] || fail "the demo has no claims to compare"
claims_equal=no
[ "$source_claims" = "$(sql "$restored_db" "$claims_sql")" ] && claims_equal=yes
# Each batch's total and line count agree with its own lines, in the copy too.
inconsistent=$(sql "$restored_db" "SELECT count(*) FROM subsidies_claimbatch b WHERE b.line_count <> (SELECT count(*)
  FROM subsidies_claimline l WHERE l.batch_id = b.id) OR b.total <> (SELECT coalesce(sum(amount), 0)
  FROM subsidies_claimline l WHERE l.batch_id = b.id)")
[ "$inconsistent" = 0 ] || claims_equal=no

sequences_sql="SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
[ "$(sql "$source_db" "$sequences_sql")" = "$(sql "$restored_db" "$sequences_sql")" ] \
  || fail "sequence positions differ: new rows in the copy would collide"

triggers_sql="SELECT c.relname || '.' || t.tgname || ' ' || t.tgenabled::text FROM pg_trigger t
              JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal ORDER BY 1"
source_triggers=$(sql "$source_db" "$triggers_sql")
[ "$source_triggers" = "$(sql "$restored_db" "$triggers_sql")" ] || fail "the restored triggers differ"
for guarded in subsidies_claimline subsidies_claimbatch accounts_accessrecord; do
  grep -q "^$guarded\..* O$" <<<"$source_triggers" || fail "no enabled guard trigger on $guarded"
done

# The guards work in the copy: changing a settled line, a settled batch or an access record fails.
refused() {  # refused <what> <expected message> <sql>
  local output
  if output=$(psql -X -q -v ON_ERROR_STOP=1 -d "$restored_db" -c "BEGIN; $3; ROLLBACK;" 2>&1); then
    fail "$1 was changed in the restored database"
  fi
  grep -q "$2" <<<"$output" || fail "$1: unexpected error: $output"
}
settled=$(sql "$restored_db" "SELECT count(*) FROM subsidies_claimline l JOIN subsidies_claimbatch b ON b.id = l.batch_id
                               WHERE b.status IN ('approved', 'paid')")
[ "$settled" -gt 0 ] || fail "the demo has no settled claim lines to try the guard on"
refused "a settled claim line" "settled claim batches and their lines cannot change" \
  "UPDATE subsidies_claimline SET amount = amount + 1 WHERE id = (SELECT l.id FROM subsidies_claimline l
   JOIN subsidies_claimbatch b ON b.id = l.batch_id WHERE b.status IN ('approved', 'paid') ORDER BY l.id LIMIT 1)"
refused "a settled claim batch" "settled claim batches and their lines cannot change" \
  "UPDATE subsidies_claimbatch SET total = total + 1 WHERE id = (SELECT id FROM subsidies_claimbatch
   WHERE status IN ('approved', 'paid') ORDER BY id LIMIT 1)"
refused "an access record" "access records cannot be changed" \
  "UPDATE accounts_accessrecord SET target = 'drill:2' WHERE username = 'restore-drill'"
refused "a young access record" "access records are kept for 183 days" \
  "DELETE FROM accounts_accessrecord WHERE username = 'restore-drill'"

percent=$(( 100 * matched / tables ))
echo "restore drill: $tables tables, $rows rows, claim totals equal: $claims_equal, match $percent %" \
     "(guards refused 4 of 4 changes, $(wc -l <<<"$source_triggers") triggers restored, $(( $(date +%s) - started ))s)"
if [ ${#differ[@]} -gt 0 ]; then
  printf '  differs: %s\n' "${differ[@]}" >&2
  fail "${#differ[@]} tables differ"
fi
[ "$claims_equal" = yes ] || fail "claim totals differ"
