-- Patient search over every shard: a family-name prefix drawn from BENCH_TERMS, first page of 20.
dofile(os.getenv("BENCH_SCRIPTS") .. "/common.lua")
local terms
function init(args)
  terms = load_lines(os.getenv("BENCH_TERMS"))
end
function request()
  return wrk.format("GET", "/api/v1/patients?limit=20&q=" .. terms[math.random(#terms)])
end
