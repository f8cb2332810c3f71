-- wrk script: GET <prefix><id> for ids drawn uniformly from 1..N.
--
--   BENCH_MAX_ID  N (default 100000)
--   BENCH_PREFIX  path prefix (default /v1/practices/; the ceiling program
--                 serves /practices/)
--
-- wrk -t2 -c16 -d10s --latency -s bench/random-id.lua http://127.0.0.1:PORT
--
-- No response() hook on purpose: it would make wrk copy every body into Lua
-- and eat CPU the server and PostgreSQL share. wrk itself prints
-- "Non-2xx or 3xx responses: N" when any answer was not a success.

local max_id = tonumber(os.getenv("BENCH_MAX_ID") or "") or 100000
local prefix = os.getenv("BENCH_PREFIX") or "/v1/practices/"

local counter = 0

function setup(thread)
	counter = counter + 1
	thread:set("seed", counter)
end

function init(args)
	math.randomseed(os.time() * 1000 + (seed or 0) * 7919)
end

function request()
	return wrk.format("GET", prefix .. math.random(1, max_id))
end
