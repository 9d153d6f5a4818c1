-- GET /api/v1/patients/{id}: ids drawn at random from BENCH_IDS (a hot set for cached reads, all ids for misses).
dofile(os.getenv("BENCH_SCRIPTS") .. "/common.lua")
local ids
function init(args)
  ids = load_lines(os.getenv("BENCH_IDS"))
  math.randomseed(os.time() + (tonumber(args[1]) or 0))
end
function request()
  return wrk.format("GET", "/api/v1/patients/" .. ids[math.random(#ids)])
end
