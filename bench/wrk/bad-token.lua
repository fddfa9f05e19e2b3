-- GET with a well-formed bearer token the server does not know (7 AUTH_INVALID), a new one per
-- request, paced: the argument is the pause in milliseconds between an answer and the next request
-- on the same connection (0 for none).
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local pause = 0

function init(args)
  pause = tonumber(args[1] or "0")
  math.randomseed(os.time())
end

local function token()
  local chars = {}
  for i = 1, 43 do
    local n = math.random(1, 64)
    chars[i] = alphabet:sub(n, n)
  end
  return table.concat(chars)
end

function request()
  return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. token() })
end

function delay()
  return pause
end

-- One JSON line for bench/run.ts: request count, errors and latency (microseconds).
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKJSON {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d,\"errors\":{\"connect\":%d,\"read\":%d,\"write\":%d,\"status\":%d,\"timeout\":%d},\"latency_us\":{\"mean\":%.1f,\"p50\":%d,\"p90\":%d,\"p99\":%d,\"max\":%d}}\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
