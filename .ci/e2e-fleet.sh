#!/usr/bin/env bash
# End-to-end fleet mode: the sample as 2 replicas on the local PostgreSQL, started with the documented command
# (samples/TaxiService/fleet.sh) in a schema of its own. Traffic predicts on one replica and reports each trip's ground
# truth to the other; then the leader is killed with SIGKILL and the survivor must take over. Prints one line per
# check ("PASS ..."/"FAIL ...") and "e2e-fleet: N passed, N failed"; exits non-zero if any failed. Cleans up.
set -uo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
port=${E2E_FLEET_PORT:-5180}
schema="fleet_ci_$$"
cs="Host=127.0.0.1;Port=5432;Username=mlops;Password=mlops;Database=mlops_test"
fleet_pid=
cleanup() {
  [ -n "$fleet_pid" ] && kill "$fleet_pid" 2>/dev/null
  pkill -9 -f "TaxiService.dll --urls http://127.0.0.1:$port" 2>/dev/null
  pkill -9 -f "TaxiService.dll --urls http://127.0.0.1:$((port + 1))" 2>/dev/null
  wait 2>/dev/null
  PGPASSWORD=mlops psql -X -q -h 127.0.0.1 -U mlops -d mlops_test -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

passed=0; failed=0
check() { # name, command...
  local name=$1; shift
  if "$@"; then echo "PASS $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}
wait_for() { # seconds, command...
  local seconds=$1; shift
  for _ in $(seq "$seconds"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  return 1
}
a="http://127.0.0.1:$port"; b="http://127.0.0.1:$((port + 1))"
fleet() { curl -fsS --max-time 5 "$1/mlops/fleet"; }
leader_of() { fleet "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["leader"] or "")'; }
self_of() { fleet "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["replicaId"])'; }

# The documented command, with small quality windows so the run closes some.
MLOPS_POSTGRES="$cs" MLOPS_SCHEMA="$schema" FLEET_PORT="$port" FLEET_ROOT="$work/fleet" \
  MLOps__QualityWindow=100 MLOps__Retrain=false setsid samples/TaxiService/fleet.sh 2 >"$work/fleet.log" 2>&1 &
fleet_pid=$!
ready() { grep -q "^fleet of 2" "$work/fleet.log"; }
check "fleet.sh starts 2 replicas on one PostgreSQL" wait_for 420 ready
two_replicas() {
  fleet "$b" | python3 -c '
import json,sys
f=json.load(sys.stdin); r=f["replicas"]
sys.exit(0 if len(r)==2 and sum(x["isLeader"] for x in r)==1 and f["leader"] in [x["replicaId"] for x in r] else 1)'
}
check "GET /mlops/fleet lists both replicas, exactly one leading" wait_for 30 two_replicas
same_leader() { l=$(leader_of "$a") && [ -n "$l" ] && [ "$l" = "$(leader_of "$b")" ]; }
check "both replicas name the same leader" wait_for 30 same_leader

app=samples/TaxiService/bin/Release/net10.0/TaxiService.dll
check "600 trips predicted on one replica, ground truth reported to the other: all accepted" \
  dotnet "$app" traffic --url "$a,$b" --requests 600 --rate 200 --drift-to 0 --delay 20
leader=$(leader_of "$a"); if [ "$leader" = "$(self_of "$a")" ]; then lead_url=$a; other_url=$b; else lead_url=$b; other_url=$a; fi
joined() {
  curl -fsS --max-time 5 "$lead_url/mlops/models/taxi-duration/quality" | python3 -c '
import json,sys
r=json.load(sys.stdin); n=sum(w["count"] for w in r["history"]) + sum(w["count"] for w in r["current"])
sys.exit(0 if n==600 and len(r["history"])>=6 else 1)'
}
check "the leader's quality windows hold all 600 pairs, from both replicas' feedback" wait_for 30 joined

# kill -9 the leader: the survivor must lead within the documented bound (RetryInterval 5 s, jittered), and accept
# feedback for a prediction the dead replica made (found in the shared log).
pred=$(curl -fsS -X POST -H 'Content-Type: application/json' "$lead_url/mlops/models/taxi-duration/predict" \
  -d '{"distanceKm":3.2,"hour":9,"dayOfWeek":2,"passengers":1,"vendor":"CMT","payment":"card"}')
id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["predictionId"])' "$pred")
lead_pid=$(pgrep -f "TaxiService.dll --urls $lead_url")
kill -9 "$lead_pid"
start=$(date +%s)
survivor_leads() { [ "$(leader_of "$other_url")" = "$(self_of "$other_url")" ]; }
check "after kill -9 of the leader the other replica leads" wait_for 60 survivor_leads
echo "failover took $(( $(date +%s) - start )) s"
feedback() {
  code=$(curl -sS -o "$work/fb.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    "$other_url/mlops/predictions/$id/feedback" -d '{"actual":600}')
  { [ "$code" = 202 ] || [ "$code" = 200 ]; } && grep -qi '"joined"' "$work/fb.json" || { echo "HTTP $code: $(cat "$work/fb.json")" >&2; return 1; }
}
check "the survivor accepts feedback for the dead replica's prediction" feedback

echo "e2e-fleet: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
