-- wrk script of bench/scale-1m.sh: every request goes to the next tenant (round-robin over the tenants' own API keys,
-- one key a line in $KEYS), each thread starting at another tenant, with the list query in $QUERY.
-- Prints "RESULT p50 | p99 | requests/s | non-2xx" (milliseconds) for the table.
local keys = {}
local counter = 0
local thread_count = 0
local threads = {}

function setup(thread)
  thread_count = thread_count + 1
  thread:set("offset", thread_count * 97)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("KEYS")) do
    keys[#keys + 1] = line
  end
  path = "/v1/invoices?" .. os.getenv("QUERY")
  counter = offset or 0
  non2xx = 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", path, { ["X-Api-Key"] = keys[(counter % #keys) + 1] })
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT %.1f | %.1f | %.0f | %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / seconds,
    bad))
end
