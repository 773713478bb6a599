#!/usr/bin/env python3
"""Probes the running TaxiService sample from outside, as a new user and as an attacker would. Usage:
sample-probes.py PORT ROOT, ROOT being the sample's MLOps:Root (admin-token, data/completed-trips.jsonl).
Prints one "PASS name" / "FAIL name: why" line per probe and exits non-zero if any failed.

- management: no token, a fake bearer token and Basic admin:admin get 401 (and move nothing); the admin token gets 200;
- POST /trips/completed with bad numbers, bad strings and bad transfer framing: a 4xx (ProblemDetails where a body is
  read), never a 500, and nothing appended to the warehouse the next retrain trains on."""
import json, os, socket, sys, urllib.error, urllib.request

port, root = int(sys.argv[1]), sys.argv[2]
base = f"http://127.0.0.1:{port}"
warehouse = os.path.join(root, "data", "completed-trips.jsonl")
failures = 0


def report(name, ok, why=""):
    global failures
    print(f"PASS {name}" if ok else f"FAIL {name}: {why}")
    failures += 0 if ok else 1


def http(method, path, body=None, headers=None):
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def raw(head, body):
    """Sends bytes as they are (bad framing that no HTTP client library produces); returns the status code or None."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST /trips/completed HTTP/1.1\r\nHost: probe\r\nContent-Type: application/json\r\nConnection: close\r\n"
                  + head + b"\r\n" + body)
        data = b""
        try:
            while chunk := s.recv(65536):
                data += chunk
        except (socket.timeout, ConnectionResetError):
            pass
    line = data.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) > 1 else None


def rows():
    try:
        with open(warehouse, "rb") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


# --- management needs the admin token ---------------------------------------------------------------------------------
token = open(os.path.join(root, "admin-token")).read().strip()
aliases = "/mlops/models/taxi-duration/aliases"
champion_before = http("GET", aliases)[2]
promote = json.dumps({"version": 1, "reason": "probe"}).encode()
for name, header in [("no credentials", {}), ("a fake bearer token", {"Authorization": "Bearer fake"}),
                     ("Basic admin:admin", {"Authorization": "Basic YWRtaW46YWRtaW4="}),
                     ("the token as Basic", {"Authorization": "Basic " + token})]:
    status, headers, _ = http("POST", aliases + "/challenger", promote, {"Content-Type": "application/json", **header})
    report(f"management with {name} gets 401", status == 401 and headers.get("WWW-Authenticate") == "Bearer", f"got {status}")
    status, _, _ = http("GET", "/mlops/models/taxi-duration/audit", None, header)
    report(f"audit with {name} gets 401", status == 401, f"got {status}")
report("nothing was promoted without the token", http("GET", aliases)[2] == champion_before, "the alias history changed")
status, _, _ = http("GET", "/mlops/models/taxi-duration/audit", None, {"Authorization": "Bearer " + token})
report("audit with the admin token gets 200", status == 200, f"got {status}")
status, _, body = http("GET", "/mlops/models/taxi-duration/retrain", None, {"Authorization": "Bearer " + token})
report("retrain status with the admin token gets 200", status == 200, f"got {status}")

# --- /trips/completed: bad input gets a 4xx and never reaches the training data ------------------------------------
question = {"distanceKm": 3.2, "hour": 8, "dayOfWeek": 1, "passengers": 1, "vendor": "CMT", "payment": "card"}
status, _, body = http("POST", "/mlops/models/taxi-duration/predict", json.dumps(question).encode(), {"Content-Type": "application/json"})
prediction = json.loads(body)["predictionId"]
trip = json.dumps(question)[1:-1]


def report_body(pid, trip_fields):
    return ('{"predictionId":"%s","trip":{%s}}' % (pid, trip_fields)).encode()


before = rows()
cases = {
    "durationSeconds 1e400 (+Infinity)": report_body(prediction, trip + ',"durationSeconds":1e400'),
    "durationSeconds -1e400": report_body(prediction, trip + ',"durationSeconds":-1e400'),
    "durationSeconds 1e308": report_body(prediction, trip + ',"durationSeconds":1e308'),
    "durationSeconds 3.4e38 (float max)": report_body(prediction, trip + ',"durationSeconds":3.4e38'),
    "durationSeconds -0": report_body(prediction, trip + ',"durationSeconds":-0'),
    "durationSeconds subnormal 1e-45": report_body(prediction, trip + ',"durationSeconds":1e-45'),
    "durationSeconds NaN as a string": report_body(prediction, trip + ',"durationSeconds":"NaN"'),
    "distanceKm 1e400": report_body(prediction, trip.replace('"distanceKm": 3.2', '"distanceKm": 1e400') + ',"durationSeconds":600'),
    "unknown prediction id with 3.4e38": report_body("00000000000000000000000000000999", trip + ',"durationSeconds":3.4e38'),
    "unknown prediction id with a plausible duration": report_body("00000000000000000000000000000998", trip + ',"durationSeconds":600'),
    "vendor with a lone high surrogate": report_body(prediction, trip.replace('"CMT"', '"\\ud800"') + ',"durationSeconds":600'),
    "vendor with a lone low surrogate": report_body(prediction, trip.replace('"CMT"', '"\\udfff"') + ',"durationSeconds":600'),
    "vendor with invalid UTF-8": report_body(prediction, trip).replace(b'"CMT"', b'"\xff\xfe"'),
    "vendor with overlong UTF-8": report_body(prediction, trip).replace(b'"CMT"', b'"\xc0\xaf"'),
    "vendor with NUL": report_body(prediction, trip.replace('"CMT"', '"CMT\\u0000"') + ',"durationSeconds":600'),
    "vendor of 100 kB": report_body(prediction, trip.replace('"CMT"', '"' + "V" * 100_000 + '"') + ',"durationSeconds":600'),
    "unknown payment": report_body(prediction, trip.replace('"card"', '"bitcoin"') + ',"durationSeconds":600'),
    "hour 25": report_body(prediction, trip.replace('"hour": 8', '"hour": 25') + ',"durationSeconds":600'),
    "no trip": ('{"predictionId":"%s"}' % prediction).encode(),
    "not JSON": b"{\"predictionId\":",
    "JSON nested 100 deep": b"[" * 100 + b"]" * 100,
}
for name, body in cases.items():
    status, headers, answer = http("POST", "/trips/completed", body, {"Content-Type": "application/json"})
    problem = (headers.get("Content-Type") or "").startswith("application/problem+json")
    report(f"/trips/completed {name}: 4xx ProblemDetails", 400 <= status < 500 and problem, f"got {status} {answer[:200]!r}")
status, _, _ = http("POST", "/trips/completed", report_body(prediction, trip + ',"durationSeconds":600'), {"Content-Type": "text/plain"})
report("/trips/completed as text/plain: 415", status == 415, f"got {status}")

framing = {
    "chunk size that overflows": (b"Transfer-Encoding: chunked\r\n", b"ffffffffffffffffff\r\n{}\r\n0\r\n\r\n"),
    "chunk size that is not hex": (b"Transfer-Encoding: chunked\r\n", b"zz\r\n{}\r\n0\r\n\r\n"),
    "Content-Length shorter than the body": (b"Content-Length: 5\r\n", report_body(prediction, trip + ',"durationSeconds":600')),
    "Content-Length not a number": (b"Content-Length: ten\r\n", b"{}"),
    "chunked body over 16 kB": (b"Transfer-Encoding: chunked\r\n", b"8000\r\n" + b" " * 0x8000 + b"\r\n0\r\n\r\n"),
}
for name, (head, body) in framing.items():
    status = raw(head, body)
    report(f"/trips/completed {name}: 4xx", status is not None and 400 <= status < 500, f"got {status}")
report("no bad report reached the warehouse", rows() == before, f"{rows() - before} rows appended")

status, _, answer = http("POST", "/trips/completed", report_body(prediction, trip + ',"durationSeconds":600'), {"Content-Type": "application/json"})
report("a valid report of a known prediction is joined and recorded", status == 200 and json.loads(answer) == {"outcome": "Joined", "recorded": True}, f"got {status} {answer!r}")
report("the joined trip reached the warehouse", rows() == before + 1, f"{rows() - before} rows appended")
status, _, answer = http("POST", "/trips/completed", report_body(prediction, trip + ',"durationSeconds":600'), {"Content-Type": "application/json"})
report("the same report again is a duplicate and not recorded twice", status == 200 and json.loads(answer)["recorded"] is False and rows() == before + 1, f"got {status} {answer!r}")

sys.exit(1 if failures else 0)
