-- The load of benchmarks/move.sh: BENCH_MODE=write POSTs a visit for a patient drawn from BENCH_IDS (patients in the
-- buckets being moved), BENCH_MODE=read GETs a patient drawn from BENCH_IDS. Counts the responses by status and ends
-- with one JSON line, MOVE-RESULT, with wrk's latency distribution (every request of this wrk, one kind only).
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
wrk.headers["Content-Type"] = "application/json"
local body = '{"startedAt":"2026-01-01T12:00:00+00:00","type":"follow-up","clinician":"Dr. Bench","reason":"Benchmark move",'
  .. '"systolic":120,"diastolic":80,"heartRate":64,"diagnosisCodes":["I10"]}'
local write = os.getenv("BENCH_MODE") == "write"
local threads = {}
local ids

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  ids = {}
  for line in io.lines(os.getenv("BENCH_IDS")) do
    if line ~= "" then ids[#ids + 1] = line end
  end
  math.randomseed(os.time() + #threads)
  ok, s4xx, s503, s5xx = 0, 0, 0, 0
end

function request()
  local id = ids[math.random(#ids)]
  if write then
    return wrk.format("POST", "/api/v1/patients/" .. id .. "/visits", nil, body)
  end
  return wrk.format("GET", "/api/v1/patients/" .. id)
end

function response(status, headers, body)
  if status < 400 then ok = ok + 1
  elseif status == 503 then s503 = s503 + 1
  elseif status >= 500 then s5xx = s5xx + 1
  else s4xx = s4xx + 1 end
end

function done(summary, latency, requests)
  local counts = { ok = 0, s4xx = 0, s503 = 0, s5xx = 0 }
  for _, thread in ipairs(threads) do
    for key in pairs(counts) do counts[key] = counts[key] + thread:get(key) end
  end
  local e = summary.errors
  io.write(string.format(
    'MOVE-RESULT {"requests":%d,"seconds":%.3f,"ok":%d,"status4xx":%d,"status503":%d,"status5xxOther":%d,'
      .. '"socketErrors":%d,"timeouts":%d,"p50Ms":%.2f,"p90Ms":%.2f,"p99Ms":%.2f,"maxMs":%.2f,"meanMs":%.2f}\n',
    summary.requests, summary.duration / 1e6, counts.ok, counts.s4xx, counts.s503, counts.s5xx,
    e.connect + e.read + e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    latency.mean / 1000))
end
