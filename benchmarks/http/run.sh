#!/usr/bin/env bash
# Throughput of POST /mlops/models/taxi-duration/predict (the SDK endpoint: validation, pooled engines, metrics,
# ProblemDetails) against a hand-written minimal-API endpoint calling a PredictionEngine of the same model directly
# (same process, same model). Load from wrk on loopback; rounds alternate between the two to spread machine noise.
# Usage: [MONITORING=true] benchmarks/http/run.sh [seconds-per-round=15] [rounds=3] [connections=32]
# By default the sample serves without drift/quality/retrain observers (MLOps:Monitoring=false), so the comparison is
# the serving path alone; MONITORING=true measures it with the monitoring observers on.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-15}; rounds=${2:-3}; connections=${3:-32}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk"; exit 1; }
work=$(mktemp -d)
trap 'kill $app 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
dotnet build samples/TaxiService -c Release -v quiet -nologo >/dev/null
(cd samples/TaxiService && MLOps__Root="$work/mlops" MLOps__Monitoring=${MONITORING:-false} Benchmark__BaselineEndpoint=true Logging__LogLevel__Default=Warning \
  exec dotnet bin/Release/net10.0/TaxiService.dll --urls http://127.0.0.1:5081) >"$work/app.log" 2>&1 &
app=$!
for _ in $(seq 180); do curl -fsS http://127.0.0.1:5081/health/ready >/dev/null 2>&1 && break; sleep 1; done

run() { wrk -t2 -c"$connections" -d"${seconds}s" --latency -s benchmarks/http/post.lua "http://127.0.0.1:5081$1" | grep RESULT; }
run /mlops/models/taxi-duration/predict >/dev/null   # warm-up both paths
run /baseline/predict >/dev/null
for r in $(seq "$rounds"); do
  echo "round $r sdk      $(run /mlops/models/taxi-duration/predict)"
  echo "round $r baseline $(run /baseline/predict)"
done
