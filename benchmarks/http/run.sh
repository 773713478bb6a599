#!/usr/bin/env bash
# Throughput of POST /mlops/models/taxi-duration/predict (the SDK endpoint: validation, pooled engines, metrics,
# ProblemDetails) against a hand-written minimal-API endpoint calling a PredictionEngine of the same model directly
# (same process, same model). Load from wrk on loopback; rounds alternate between the two to spread machine noise.
# Usage: [MONITORING=true] [SHADOW=true] [PGLOG=true] [RATE=n] benchmarks/http/run.sh [seconds-per-round=15] [rounds=3] [connections=32]
# By default the sample serves without drift/quality/retrain observers (MLOps:Monitoring=false), so the comparison is
# the serving path alone; MONITORING=true measures it with the drift and quality observers on (not the retrain policy:
# MLOps:Retrain=false), posting trips drawn from the reference's distribution (trips.lua) so the drift windows see
# today's traffic; one repeated trip would report dataset drift in every window (a warning and a retrain trigger each).
# SHADOW=true compares the SDK endpoint with and without a shadow rollout mirroring 100 % of requests to a second
# version (Benchmark:Shadow): two instances of the sample, one with the shadow, rounds alternating between them
# (only the one under load is busy).
# PGLOG=true compares the SDK endpoint with drift and quality monitoring on, without and with fleet mode on PostgreSQL
# (MLOps:Postgres: the prediction log with inputs written by binary COPY, fleet quality and drift; MLOPS_POSTGRES, default
# the local test server, schema bench_http dropped first): two instances, rounds alternating between them.
# RATE=n (with MONITORING=true) offers about n requests/s instead of saturating the machine: each connection waits
# connections*1000/n ms between requests (wrk's delay(), whole milliseconds), so latency is measured below saturation.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-15}; rounds=${2:-3}; connections=${3:-32}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk"; exit 1; }
work=$(mktemp -d)
apps=()
trap 'for a in "${apps[@]}"; do kill "$a" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"' EXIT
dotnet build samples/TaxiService -c Release -v quiet -nologo >/dev/null

# start <port> <shadow>: one instance of the sample with its own registry root.
start() {
  (cd samples/TaxiService && MLOps__Postgres="${3:-}" MLOps__PostgresSchema=bench_http MLOps__Root="$work/mlops-$1" MLOps__Monitoring=${MONITORING:-false} MLOps__Retrain=false Benchmark__BaselineEndpoint=true \
    Benchmark__Shadow="$2" Logging__LogLevel__Default=Warning \
    exec dotnet bin/Release/net10.0/TaxiService.dll --urls "http://127.0.0.1:$1") >"$work/app-$1.log" 2>&1 &
  apps+=($!)
  for _ in $(seq 180); do curl -fsS "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "the sample on port $1 did not get ready:"; cat "$work/app-$1.log"; exit 1
}

script=benchmarks/http/post.lua
[[ "${MONITORING:-false}" == true ]] && script=benchmarks/http/trips.lua
if [[ -n "${RATE:-}" ]]; then
  [[ "${MONITORING:-false}" == true ]] || { echo "RATE needs MONITORING=true (trips.lua paces the requests)"; exit 1; }
  export WRK_DELAY_MS=$(( connections * 1000 / RATE ))
  (( WRK_DELAY_MS > 0 )) || { echo "RATE=$RATE is more than $connections connections can pace (1 ms each)"; exit 1; }
fi
run() { wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$script" "http://127.0.0.1:$1" | grep RESULT; }
predict=/mlops/models/taxi-duration/predict

if [[ "${PGLOG:-false}" == true ]]; then
  [[ "${MONITORING:-false}" == true ]] || { echo "PGLOG=true needs MONITORING=true (the log records quality-monitored predictions)"; exit 1; }
  pg="${MLOPS_POSTGRES:-Host=127.0.0.1;Port=5432;Username=mlops;Password=mlops;Database=mlops_test}"
  PGPASSWORD=mlops PGOPTIONS='-c client_min_messages=warning' psql -X -q -h 127.0.0.1 -U mlops -d mlops_test -c "DROP SCHEMA IF EXISTS bench_http CASCADE" >/dev/null
  start 5081 false
  start 5082 false "$pg"
  run "5081$predict" >/dev/null   # warm-up both instances
  run "5082$predict" >/dev/null
  for r in $(seq "$rounds"); do
    echo "round $r sdk+monitoring        $(run "5081$predict")"
    echo "round $r sdk+monitoring+pglog  $(run "5082$predict")"
  done
  # What the log did: rows written, dropped (queue full) and abandoned (database failures), and the rows in the table.
  curl -fsS http://127.0.0.1:5082/metrics | grep -E '^mlops_prediction_log_(written|dropped|abandoned)' || true
  PGPASSWORD=mlops psql -X -h 127.0.0.1 -U mlops -d mlops_test -tA -c "SELECT 'rows in bench_http.predictions: ' || count(*) FROM bench_http.predictions"
  exit 0
fi

if [[ "${SHADOW:-false}" == true ]]; then
  start 5081 false
  start 5082 true
  run "5081$predict" >/dev/null   # warm-up both instances
  run "5082$predict" >/dev/null
  metrics=$(curl -fsS http://127.0.0.1:5082/metrics)   # not piped into grep -q: with pipefail, curl's broken pipe fails the check
  grep -q '^mlops_shadow_predictions' <<<"$metrics" \
    || { echo "the shadow instance made no shadow prediction:"; cat "$work/app-5082.log"; exit 1; }
  for r in $(seq "$rounds"); do
    echo "round $r sdk        $(run "5081$predict")"
    echo "round $r sdk+shadow $(run "5082$predict")"
  done
  # What the shadow instance did: mirrored predictions made and dropped (a full queue drops copies, never waits).
  curl -fsS http://127.0.0.1:5082/metrics | grep -E '^mlops_shadow_(predictions|dropped)' || true
  exit 0
fi

start 5081 false
run "5081$predict" >/dev/null   # warm-up both paths
run 5081/baseline/predict >/dev/null
for r in $(seq "$rounds"); do
  echo "round $r sdk      $(run "5081$predict")"
  echo "round $r baseline $(run 5081/baseline/predict)"
done
if [[ "${MONITORING:-false}" == true ]]; then
  # The drift windows closed during the run, by outcome, and how many of them reported dataset drift (should be few).
  curl -fsS http://127.0.0.1:5081/metrics | grep -E '^mlops_drift_windows' || true
  grep -c 'dataset drift: True' "$work/app-5081.log" | sed 's/^/windows reporting dataset drift: /' || true
fi
