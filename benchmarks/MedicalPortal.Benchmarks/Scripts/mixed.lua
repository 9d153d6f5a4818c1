-- A clinic's day in miniature: 80% reads of a patient, 15% searches, 5% visits recorded.
dofile(os.getenv("BENCH_SCRIPTS") .. "/common.lua")
local ids, terms
-- wrk.format replaces the default headers when given any: set the content type here, for every request.
wrk.headers["Content-Type"] = "application/json"
local body = '{"startedAt":"2026-01-01T12:00:00+00:00","type":"follow-up","clinician":"Dr. Bench","reason":"Benchmark",'
  .. '"systolic":120,"diastolic":80,"heartRate":64,"diagnosisCodes":["I10"]}'
function init(args)
  ids = load_lines(os.getenv("BENCH_IDS"))
  terms = load_lines(os.getenv("BENCH_TERMS"))
end
function request()
  local roll = math.random(100)
  local id = ids[math.random(#ids)]
  if roll <= 80 then
    return wrk.format("GET", "/api/v1/patients/" .. id)
  elseif roll <= 95 then
    return wrk.format("GET", "/api/v1/patients?limit=20&q=" .. terms[math.random(#terms)])
  end
  return wrk.format("POST", "/api/v1/patients/" .. id .. "/visits", nil, body)
end
