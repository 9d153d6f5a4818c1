-- FHIR Patient search over every shard: the family-name prefixes search.lua sends to the JSON API, first page of 20.
dofile(os.getenv("BENCH_SCRIPTS") .. "/common.lua")
wrk.headers["Accept"] = "application/fhir+json"
local terms
function init(args)
  terms = load_lines(os.getenv("BENCH_TERMS"))
end
function request()
  return wrk.format("GET", "/fhir/r4/Patient?_count=20&name=" .. terms[math.random(#terms)])
end
