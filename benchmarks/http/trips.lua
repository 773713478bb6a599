-- wrk script: POST taxi trips as JSON, drawn like the sample's TripGenerator draws today's city (drift 0), so the
-- drift monitor sees traffic from the distribution of its reference profile. With one repeated trip (post.lua) every
-- drift window reports dataset drift, logs a warning and triggers the retrain policy: the benchmark would measure that.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local bodies = {}
local next_body = 1

local function normal(mean, sd)
  local u1 = 1 - math.random()
  local u2 = math.random()
  return mean + sd * math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
end

local function trip()
  local distance
  if math.random() < 0.05 then distance = 18 + math.random() * 12 else distance = math.exp(normal(1.0, 0.6)) end
  local hour = math.random(6, 23)
  local day = math.random(0, 6)
  local passengers = 1 + math.floor(math.min(5, math.abs(normal(0, 1.2))))
  local vendor = math.random() < 0.55 and "CMT" or "VTS"
  local payment = math.random() < 0.35 and "cash" or "card"
  return string.format('{"distanceKm":%.2f,"hour":%d,"dayOfWeek":%d,"passengers":%d,"vendor":"%s","payment":"%s"}',
    distance, hour, day, passengers, vendor, payment)
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  for i = 1, 4096 do bodies[i] = trip() end
end

-- WRK_DELAY_MS (set by run.sh from RATE): each connection waits that long before its next request, so the offered
-- load is fixed (about connections * 1000 / delay per second) instead of as much as the machine can take.
local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "0")
if delay_ms > 0 then
  function delay() return delay_ms end
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, body)
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests/s=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
