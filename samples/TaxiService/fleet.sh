#!/usr/bin/env bash
# The sample as a fleet: N replicas (default 2) of the taxi service on one PostgreSQL database, sharing the registry,
# the prediction log and feedback. One of them leads (a PostgreSQL advisory lock): it retrains, joins every replica's
# feedback into the quality windows and judges the drift merged over all replicas. Put a load balancer in front, or
# call the replicas directly: a prediction made on one may get its feedback on another.
#
#   samples/TaxiService/fleet.sh                 # 2 replicas: http://127.0.0.1:5080 and :5081 (Ctrl-C stops both)
#   samples/TaxiService/fleet.sh 3               # 3 replicas: 5080, 5081, 5082
#
# MLOPS_POSTGRES is the connection string (default: the local server .ci/setup-postgres.sh prepares); the fleet's
# tables go in the schema MLOPS_SCHEMA (default taxi_fleet). The replicas share one data directory (FLEET_ROOT, default
# samples/TaxiService/.mlops-fleet): the admin token and the completed trips the leader retrains on. Any MLOps__*
# variable set in the environment reaches every replica (e.g. MLOps__QualityWindow=100). FLEET_PORT moves the first port.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
replicas=${1:-2}
port=${FLEET_PORT:-5080}
root=${FLEET_ROOT:-$here/.mlops-fleet}
[[ "$replicas" =~ ^[1-9][0-9]?$ ]] || { echo "usage: $0 [replicas 1-99]" >&2; exit 2; }
export MLOps__Postgres="${MLOPS_POSTGRES:-Host=127.0.0.1;Port=5432;Username=mlops;Password=mlops;Database=mlops_test}"
export MLOps__PostgresSchema="${MLOPS_SCHEMA:-taxi_fleet}" MLOps__Root="$root"
mkdir -p "$root"

dotnet build "$here" -c Release -v quiet -nologo >/dev/null
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null' EXIT INT TERM

# The first replica starts alone: on an empty database it trains and registers the first model (the others then find
# the champion), and it makes the admin token the others read.
for i in $(seq 0 $((replicas - 1))); do
  url="http://127.0.0.1:$((port + i))"
  (cd "$here" && exec dotnet bin/Release/net10.0/TaxiService.dll --urls "$url") > >(sed -u "s/^/[replica $i] /") 2>&1 &
  pids+=($!)
  for _ in $(seq 300); do curl -fsS "$url/health/ready" >/dev/null 2>&1 && break; sleep 1; done
  curl -fsS "$url/health/ready" >/dev/null 2>&1 || { echo "replica $i did not get ready on $url" >&2; exit 1; }
  echo "replica $i ready on $url"
done
echo "fleet of $replicas: GET http://127.0.0.1:$port/mlops/fleet shows every replica and which one leads; admin token in $root/admin-token"
wait
