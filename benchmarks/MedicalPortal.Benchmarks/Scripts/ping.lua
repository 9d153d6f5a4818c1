-- Baseline: the cheapest request the API answers.
dofile(os.getenv("BENCH_SCRIPTS") .. "/common.lua")
wrk.path = "/api/v1/ping"
