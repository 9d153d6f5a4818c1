-- POST /api/v1/patients/{id}/visits: the whole write path (authorization, validation, audit, cache).
dofile(os.getenv("BENCH_SCRIPTS") .. "/common.lua")
local ids
wrk.headers["Content-Type"] = "application/json"
local body = '{"startedAt":"2026-01-01T12:00:00+00:00","type":"follow-up","clinician":"Dr. Bench","reason":"Benchmark",'
  .. '"systolic":120,"diastolic":80,"heartRate":64,"diagnosisCodes":["I10"]}'
function init(args)
  ids = load_lines(os.getenv("BENCH_IDS"))
end
function request()
  return wrk.format("POST", "/api/v1/patients/" .. ids[math.random(#ids)] .. "/visits", nil, body)
end
