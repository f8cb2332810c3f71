-- wrk script for bench/search.sh: cycles through the fixed query mix.
--
--   BENCH_QUERIES=bench/search-queries.txt \
--       wrk -t2 -c8 -d30s --latency -s bench/search-mix.lua http://127.0.0.1:PORT
--
-- The file holds one path+query a line ("/v1/practices?q=..."); blank lines
-- and lines starting with # are skipped. Every thread walks the whole list
-- in order, starting at its own offset (thread k of n at k*len/n), so the
-- threads do not send the same query at the same time; the connections of
-- a thread take the thread's next URL in turn. Non-2xx answers are counted
-- by wrk itself ("Non-2xx or 3xx responses").

local threads = {}
local counter = 0

local function load(path)
    local list = {}
    local f = assert(io.open(path, "r"), "cannot open " .. path)
    for line in f:lines() do
        line = line:gsub("%s+$", "")
        if line ~= "" and line:sub(1, 1) ~= "#" then
            list[#list + 1] = line
        end
    end
    f:close()
    assert(#list > 0, path .. " holds no URL")
    return list
end

function setup(thread)
    thread:set("tid", counter)
    counter = counter + 1
    threads[#threads + 1] = thread
end

function init(args)
    local path = os.getenv("BENCH_QUERIES") or "bench/search-queries.txt"
    urls = load(path)
    local n = tonumber(os.getenv("BENCH_WRK_THREADS") or "2")
    pos = math.floor(tid * #urls / n) % #urls
    headers = {["Accept"] = "application/json"}
end

function request()
    pos = pos % #urls + 1
    return wrk.format("GET", urls[pos], headers)
end
