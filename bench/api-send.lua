-- wrk script for POST /v1/messages: one token reused by every request, a fresh message each time.
-- Environment: MAILGATE_TOKEN (bearer token), MAILGATE_BODY_FILE (the JSON body),
-- MAILGATE_IDEMPOTENCY=1 to send a unique Idempotency-Key with every request (measures the key's cost).
-- Counts answers per status in every thread and prints the accepted sends per second at the end.

local token = os.getenv("MAILGATE_TOKEN")
local body_file = os.getenv("MAILGATE_BODY_FILE")
local with_keys = os.getenv("MAILGATE_IDEMPOTENCY") == "1"
assert(token and #token > 0, "MAILGATE_TOKEN is not set")
assert(body_file, "MAILGATE_BODY_FILE is not set")
local f = assert(io.open(body_file, "rb"))
local body = f:read("*a")
f:close()

wrk.method = "POST"
wrk.path = "/v1/messages"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

local threads = {}
local thread_number = 0

function setup(thread)
  thread_number = thread_number + 1
  thread:set("id", thread_number)
  table.insert(threads, thread)
end

function init(args)
  accepted, s4xx, s401, s413, s422, s429, s503, s5xx, other, sequence = 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  if with_keys then
    request = function()
      sequence = sequence + 1
      -- wrk.format uses the given headers instead of wrk.headers: copy them, then add the key
      local headers = {}
      for name, value in pairs(wrk.headers) do headers[name] = value end
      headers["Idempotency-Key"] = string.format("bench-%d-%d-%d", os.time(), id, sequence)
      return wrk.format(nil, nil, headers, nil)
    end
  end
end

function response(status, headers, body)
  if status == 202 then accepted = accepted + 1
  elseif status == 401 then s401 = s401 + 1
  elseif status == 413 then s413 = s413 + 1
  elseif status == 422 then s422 = s422 + 1
  elseif status == 429 then s429 = s429 + 1
  elseif status == 503 then s503 = s503 + 1
  elseif status >= 500 then s5xx = s5xx + 1
  elseif status >= 400 then s4xx = s4xx + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local totals = { accepted = 0, s401 = 0, s413 = 0, s422 = 0, s429 = 0, s503 = 0, s5xx = 0, s4xx = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + (thread:get(name) or 0)
    end
  end
  local seconds = summary.duration / 1e6
  io.write("------------------------------------------------------------\n")
  io.write(string.format("accepted (202):      %d in %.1f s = %.1f sends/s\n", totals.accepted, seconds,
    totals.accepted / seconds))
  io.write(string.format("refused:             401=%d 413=%d 422=%d 429=%d 503=%d other4xx=%d 5xx=%d other=%d\n",
    totals.s401, totals.s413, totals.s422, totals.s429, totals.s503, totals.s4xx, totals.s5xx, totals.other))
  io.write(string.format("socket errors:       connect=%d read=%d write=%d timeout=%d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  io.write(string.format("latency (all):       p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("ACCEPTED_PER_SECOND=%.1f\n", totals.accepted / seconds))
end
