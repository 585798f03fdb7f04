#!/usr/bin/env bash
# A streaming replica of the local PostgreSQL (port 5432) on port 5433, for the tests of the read
# replica (tests/scale/test_real_replica.py): left alone when one already answers there, else made
# afresh with pg_basebackup (a copy that stopped cannot be trusted to catch up) and started with
# pg_ctl, as the postgres user. Allows replication connections from 127.0.0.1 first when the
# primary's pg_hba.conf does not.
set -euo pipefail
port=5433
in_recovery() { test "$(psql -h 127.0.0.1 -p "$port" -U postgres -Atc "SELECT pg_is_in_recovery()" postgres)" = t; }
if pg_isready -h 127.0.0.1 -p "$port" -q; then
  in_recovery || { echo "port $port answers, but not as a replica" >&2; exit 1; }
  echo "a replica already answers on port $port"
  exit 0
fi
version=$(ls /etc/postgresql | head -n1)
bin=/usr/lib/postgresql/$version/bin
dir=/var/lib/postgresql/$version/replica
log=/var/log/postgresql/postgresql-$version-replica.log
as_postgres() { (cd / && runuser -u postgres -- "$@"); }

hba=$(psql -h 127.0.0.1 -U postgres -Atc "SHOW hba_file" postgres)
if ! grep -qE '^\s*host\s+replication\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
  echo "host replication all 127.0.0.1/32 trust" >> "$hba"
  psql -h 127.0.0.1 -U postgres -qAtc "SELECT pg_reload_conf()" postgres >/dev/null
fi

as_postgres "$bin/pg_ctl" -D "$dir" stop -m fast >/dev/null 2>&1 || true
rm -rf "$dir"
install -d -o postgres -g postgres -m 700 "$dir"
as_postgres "$bin/pg_basebackup" -h 127.0.0.1 -p 5432 -U postgres -D "$dir" -R -X stream
# Debian keeps the primary's configuration under /etc, so the copy gets its own: a hot standby that
# holds back the primary's cleanup of rows its queries still read (a long export is not cancelled).
cat > "$dir/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '/var/run/postgresql'
hot_standby = on
hot_standby_feedback = on
CONF
printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' > "$dir/pg_hba.conf"
chown postgres:postgres "$dir/postgresql.conf" "$dir/pg_hba.conf"
as_postgres "$bin/pg_ctl" -D "$dir" -o "-p $port" -l "$log" start >/dev/null
for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p "$port" -q && break; sleep 1; done
pg_isready -h 127.0.0.1 -p "$port"
in_recovery
