-- Shared by every workload: the bearer token, one JSON summary line at the end (parsed by the harness).
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

function load_lines(path)
  local lines = {}
  if path then
    for line in io.lines(path) do
      if line ~= "" then lines[#lines + 1] = line end
    end
  end
  return lines
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'BENCH-RESULT {"requests":%d,"durationMicroseconds":%d,"errors":%d,"p50Microseconds":%d,"p99Microseconds":%d}\n',
    summary.requests, summary.duration, errors, latency:percentile(50), latency:percentile(99)))
end
