-- GET /fhir/r4/Patient/{id}: the FHIR read of the records patient.lua reads as JSON (ids from BENCH_IDS).
dofile(os.getenv("BENCH_SCRIPTS") .. "/common.lua")
wrk.headers["Accept"] = "application/fhir+json"
local ids
function init(args)
  ids = load_lines(os.getenv("BENCH_IDS"))
  math.randomseed(os.time() + (tonumber(args[1]) or 0))
end
function request()
  return wrk.format("GET", "/fhir/r4/Patient/" .. ids[math.random(#ids)])
end
