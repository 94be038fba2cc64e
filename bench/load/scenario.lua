-- wrk script of the load benchmarks: replays the lines of a request list in random order and
-- writes wrk's figures as JSON when the run ends.
--
--   LOAD_REQUESTS=list.tsv LOAD_OUT=result.json wrk -s bench/load/scenario.lua URL
--
-- A line of the list (written by bench/load/prepare.py): kind, path, then the request's own
-- headers ("Name: value"), separated by tabs. Headers given to wrk with -H go with every
-- request. The requests are formatted once, at start, so that wrk spends its time sending.

local prepared = {}

local function split(line)
  local fields = {}
  for item in string.gmatch(line, "[^\t]+") do
    fields[#fields + 1] = item
  end
  return fields
end

function init(args)
  local list = os.getenv("LOAD_REQUESTS")
  for line in io.lines(list) do
    local fields = split(line)
    if #fields >= 2 then
      local headers = {}
      for name, value in pairs(wrk.headers) do
        headers[name] = value
      end
      for i = 3, #fields do
        local name, value = string.match(fields[i], "^([^:]+):%s*(.*)$")
        headers[name] = value
      end
      prepared[#prepared + 1] = wrk.format("GET", fields[2], headers)
    end
  end
  assert(#prepared > 0, "no request in " .. list)
  -- Each thread draws its own sequence.
  local address = tonumber(string.match(tostring(prepared), "0x(%x+)") or "0", 16)
  math.randomseed(os.time() + address % 1000003)
end

function request()
  return prepared[math.random(#prepared)]
end

function done(summary, latency, requests)
  local errors = summary.errors
  local out = assert(io.open(os.getenv("LOAD_OUT"), "w"))
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p95": %d, "p99": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99)))
  out:close()
end
