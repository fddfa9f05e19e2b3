-- Every route of the benchmark in turn on each connection: the warm-up of a server, and the error
-- mix of bench/rss.ts (run with the argument "errors" to leave out the 200 route).
local requests = {}

function init(args)
  local errorsOnly = args[1] == "errors"
  if not errorsOnly then requests[#requests + 1] = wrk.format("GET", "/items/1") end
  requests[#requests + 1] = wrk.format("GET", "/nope")
  requests[#requests + 1] = wrk.format("PATCH", "/items")
  requests[#requests + 1] = wrk.format("POST", "/items", { ["Content-Type"] = "application/json" }, "{\"name\":{}}")
  requests[#requests + 1] = wrk.format("GET", "/me")
  requests[#requests + 1] = wrk.format("GET", "/boom")
end

local i = 0
function request()
  i = i % #requests + 1
  return requests[i]
end

-- One JSON line for bench/run.ts: request count, errors and latency (microseconds).
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKJSON {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d,\"errors\":{\"connect\":%d,\"read\":%d,\"write\":%d,\"status\":%d,\"timeout\":%d},\"latency_us\":{\"mean\":%.1f,\"p50\":%d,\"p90\":%d,\"p99\":%d,\"max\":%d}}\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
