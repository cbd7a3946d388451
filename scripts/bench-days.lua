-- wrk script: GETs the paths in MM_BENCH_PATHS (space-separated) in turn, as visitors paging
-- through a month's days would.
local paths = {}
for path in string.gmatch(os.getenv("MM_BENCH_PATHS") or "/health", "%S+") do
  paths[#paths + 1] = path
end
local next_path = 0
request = function()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end
