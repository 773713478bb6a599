#!/usr/bin/env bash
# Prepares the local PostgreSQL server the MLOps.Registry PostgreSQL tests run against (idempotent, run as root on
# Debian/Ubuntu with the `postgresql` package installed): starts the newest installed cluster (creating one if none
# exists) listening on 127.0.0.1:5432, creates the LOGIN CREATEDB role `mlops` (password `mlops`) and the database
# `mlops_test` owned by it. Tests find it through MLOPS_TEST_POSTGRES
# (default "Host=127.0.0.1;Port=5432;Username=mlops;Password=mlops;Database=mlops_test").
# Prints one status line; exits non-zero if the server is not usable.
set -euo pipefail

port=5432
cluster=main

version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1 || true)
if [ -z "$version" ]; then
  echo "postgres: no PostgreSQL server installed (apt-get install postgresql)" >&2
  exit 1
fi

# Create the cluster if the package did not (e.g. installed with create_main_cluster = false).
if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c { found = 1 } END { exit !found }'; then
  pg_createcluster "$version" "$cluster" --port="$port" >/dev/null
fi

# Listen on loopback TCP at the expected port; restart only if something changed.
changed=0
current_port=$(pg_conftool -s "$version" "$cluster" show port 2>/dev/null || echo "")
if [ "$current_port" != "$port" ]; then
  pg_conftool "$version" "$cluster" set port "$port"; changed=1
fi
current_listen=$(pg_conftool -s "$version" "$cluster" show listen_addresses 2>/dev/null || echo "")
if [ "$current_listen" != "localhost" ] && [ "$current_listen" != "127.0.0.1" ] && [ "$current_listen" != "*" ]; then
  pg_conftool "$version" "$cluster" set listen_addresses 'localhost'; changed=1
fi
# Room for the tests' parallel connection pools (the default of 100 is tight when test classes run at once).
current_max=$(pg_conftool -s "$version" "$cluster" show max_connections 2>/dev/null || echo "")
if [ -z "$current_max" ] || [ "$current_max" -lt 300 ]; then
  pg_conftool "$version" "$cluster" set max_connections 300; changed=1
fi
# Password logins over loopback TCP (Debian's default pg_hba.conf already has this line; add it if missing).
hba=$(pg_conftool -s "$version" "$cluster" show hba_file 2>/dev/null || echo "/etc/postgresql/$version/$cluster/pg_hba.conf")
if ! grep -Eq '^[[:space:]]*host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+(scram-sha-256|md5)' "$hba"; then
  echo "host all all 127.0.0.1/32 scram-sha-256" >>"$hba"; changed=1
fi

status=$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c { print $4 }')
if [ "$status" = "online" ] && [ "$changed" -eq 1 ]; then
  pg_ctlcluster "$version" "$cluster" restart
elif [ "$status" != "online" ]; then
  pg_ctlcluster "$version" "$cluster" start
fi

# Wait until it accepts connections (a fresh start can take a moment).
for _ in $(seq 1 30); do
  if runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p "$port"; then break; fi
  sleep 1
done
runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p "$port" || { echo "postgres: server $version/$cluster not ready on 127.0.0.1:$port" >&2; exit 1; }

psql_admin() { runuser -u postgres -- psql -p "$port" -X -q -v ON_ERROR_STOP=1 -tA "$@"; }
psql_admin -d postgres <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mlops') THEN
    CREATE ROLE mlops LOGIN CREATEDB PASSWORD 'mlops';
  ELSE
    ALTER ROLE mlops LOGIN CREATEDB PASSWORD 'mlops';
  END IF;
END
$$;
SQL
if [ "$(psql_admin -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'mlops_test'")" != "1" ]; then
  psql_admin -d postgres -c "CREATE DATABASE mlops_test OWNER mlops"
fi

# Check the way the tests connect: password login over TCP.
server=$(PGPASSWORD=mlops psql -X -h 127.0.0.1 -p "$port" -U mlops -d mlops_test -tA -c "SHOW server_version")
echo "postgres: PostgreSQL $server ($version/$cluster) ready on 127.0.0.1:$port, role mlops, database mlops_test"
