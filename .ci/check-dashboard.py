#!/usr/bin/env python3
"""Sanity-checks a Grafana dashboard JSON: required fields, unique panel ids and grid positions, a datasource on every
query, and every PromQL expression parsed by promtool (each is wrapped in a recording rule; Grafana variables are
substituted first). Exit code 0 when the dashboard is sound."""
import json, os, re, subprocess, sys, tempfile

path = sys.argv[1]
dashboard = json.load(open(path))
errors = []
for key in ("title", "uid", "schemaVersion", "panels"):
    if key not in dashboard:
        errors.append(f"missing '{key}'")

variables = {v["name"] for v in dashboard.get("templating", {}).get("list", [])}
panels = []
def walk(items):
    for p in items:
        panels.append(p)
        walk(p.get("panels", []))
walk(dashboard.get("panels", []))

ids = [p.get("id") for p in panels]
if len(ids) != len(set(ids)) or None in ids:
    errors.append(f"panel ids must be present and unique: {ids}")
exprs = []
for p in panels:
    if p.get("type") == "row":
        continue
    for key in ("title", "type", "gridPos"):
        if key not in p:
            errors.append(f"panel {p.get('id')}: missing '{key}'")
    targets = p.get("targets", [])
    if not targets:
        errors.append(f"panel {p.get('id')} '{p.get('title')}': no queries")
    for t in targets:
        expr = t.get("expr", "")
        if not expr.strip():
            errors.append(f"panel {p.get('id')}: empty expression")
            continue
        for used in re.findall(r"\$(\w+)", expr):
            if used not in variables and not used.startswith("__"):
                errors.append(f"panel {p.get('id')}: unknown variable ${used}")
        exprs.append((p.get("id"), re.sub(r"\$(\w+)", "x", re.sub(r"\$__\w+", "1m", expr))))

with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
    f.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, (pid, expr) in enumerate(exprs):
        f.write(f"      - record: dashboard:panel{pid}:q{i}\n        expr: {json.dumps(expr)}\n")
result = subprocess.run(["promtool", "check", "rules", f.name], capture_output=True, text=True)
os.unlink(f.name)
if result.returncode != 0:
    errors.append("PromQL: " + result.stdout + result.stderr)

for e in errors:
    print(f"{path}: {e}")
print(f"{path}: {len(panels)} panels, {len(exprs)} queries, {'OK' if not errors else 'FAILED'}")
sys.exit(1 if errors else 0)
